"""Bills and billing disputes (III.9): the closed bills of an account, a bill with its lines and
its printable invoice (the template of `icaops bill show`), a dispute of a bill line in writing
with the Bill Due Date shown as the deadline for a timely dispute (III.9.4), CenturyLink's
resolution (III.9.4.1), and CenturyLink billing's close of a cycle (III.9.2). Every read goes
through the audited functions the API calls."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from ..app.bills import account_of_bill, bill_items, get_bill, invoice, list_bills, run_bill
from ..app.disputes import FILED, RESOLVED, dispute_seen_by, disputes_page, file_check, read_dispute, resolve_check
from ..app.errors import UserError
from ..app.gateway.requests import body_of
from ..app.identity import authorise
from ..billing import event_schemas as schemas
from ..identity.model import Actor
from .actions import perform
from .core import PAGE_SIZE, Portal, PortalDep, PostedDep, Session, SessionDep, after_of, cursor_of, render, tenants_of
from .forms import FormProblem, parse_form

__all__ = ["router"]

router = APIRouter()

DisputeForm = body_of(schemas.DisputeFiled, "PortalDispute", drop=("account",))
ResolveForm = body_of(schemas.DisputeResolvedBilling, "PortalResolve", drop=("account", "refers_to"))
INVOICE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'"
"""The invoice is the billing template's own page: its styles inline, and no script at all."""


def _scale(portal: Portal) -> int:
    return int(portal.agreement.terms.money.scale.value)


@router.get("/bills")
def bills_page(
    request: Request,
    portal: PortalDep,
    session: SessionDep,
    account: Annotated[str, Query(max_length=40)] = "",
    period: Annotated[str, Query(max_length=7)] = "",
    cursor: Annotated[str, Query(max_length=600)] = "",
) -> Response:
    """Closed bills (a CLEC sees its own accounts'), with the form that closes a cycle for CenturyLink billing."""
    return _bills(request, portal, session, account, period, cursor)


def _bills(
    request: Request,
    portal: Portal,
    session: Session,
    account: str = "",
    period: str = "",
    cursor: str = "",
    status: int = 200,
    problem: str = "",
) -> Response:
    authorise(session.actor, "bills.read", account or None)
    found = list_bills(
        portal.workspace(), tenants_of(session.actor, account), period or None, after_of(cursor), PAGE_SIZE,
        by=session.actor,
    )  # fmt: skip
    keyed = [(b.account, b.id, b) for b in found]
    return render(
        request, "bills.html", session, status=status, bills=found, account=account, period=period,
        next_cursor=cursor_of(keyed), problem=problem,
    )  # fmt: skip


@router.post("/bills/run")
def close_cycle(request: Request, portal: PortalDep, posted: PostedDep) -> Response:
    """Close a billing cycle of an account for a period (CenturyLink billing; III.9.2)."""
    account, period = posted.get("account"), posted.get("period")
    authorise(posted.actor, "bills.run", account or None)
    try:
        bill = run_bill(portal.workspace(), account, period, portal.today(), by=posted.actor)
    except UserError as exc:
        if exc.code in ("forbidden", "not_found"):
            raise
        return _bills(request, portal, posted.session, status=422, problem=exc.message)
    base = request.scope.get("root_path", "")
    return RedirectResponse(f"{base}/bills/{bill.id}", status_code=303)


def _readable(session: Session, bill_id: str) -> str:
    account = account_of_bill(bill_id)
    authorise(session.actor, "bills.read", account)
    return account


def _bill(
    request: Request,
    portal: Portal,
    session: Session,
    bill_id: str,
    status: int = 200,
    refusals: tuple[Any, ...] = (),
    problems: tuple[FormProblem, ...] = (),
) -> Response:
    _readable(session, bill_id)
    ws = portal.workspace()
    bill = get_bill(ws, bill_id, by=session.actor)
    items = bill_items(ws, bill_id, None, 500, by=session.actor)
    disputes = disputes_page(ws, [bill.account], portal.today(), bill_id, None, None, 100, by=session.actor)
    return render(
        request, "bill.html", session, status=status, bill=bill, items=items, disputes=[d for _, _, d in disputes],
        refusals=refusals, problems=problems, may_dispute=session.actor.may("disputes.file"),
    )  # fmt: skip


@router.get("/bills/{bill_id}")
def show_bill(bill_id: str, request: Request, portal: PortalDep, session: SessionDep) -> Response:
    """A bill: totals, Bill Date, Bill Due Date (the deadline for a timely dispute, III.9.4), its lines and disputes."""
    return _bill(request, portal, session, bill_id)


@router.get("/bills/{bill_id}/invoice")
def show_invoice(bill_id: str, request: Request, portal: PortalDep, session: SessionDep) -> Response:
    """The printable invoice (the billing template's HTML)."""
    _readable(session, bill_id)
    html = invoice(portal.workspace(), bill_id, "html", by=session.actor)
    return Response(html, media_type="text/html; charset=utf-8", headers={"Content-Security-Policy": INVOICE_CSP})


@router.post("/bills/{bill_id}/disputes")
def file_dispute(bill_id: str, request: Request, portal: PortalDep, posted: PostedDep) -> Response:
    """Dispute a line of the bill in writing: its amount and reason (III.9.4)."""
    account = account_of_bill(bill_id)
    authorise(posted.actor, "disputes.file", account)
    item = {"line": posted.get("line"), "amount": posted.get("amount"), "reason": posted.get("reason")}
    form = {"bill": bill_id, "items": [{k: v for k, v in item.items() if v}]}
    data, problems = parse_form(DisputeForm, {}, _scale(portal), fixed=form)
    if data is None:
        return _bill(request, portal, posted.session, bill_id, 422, problems=problems)
    done = perform(
        portal, posted, f"/bills/{bill_id}/disputes", account, FILED, data, f"billingDispute/{account}/{bill_id}",
        check=file_check(portal.agreement),
    )  # fmt: skip
    if done.refused:
        return _bill(request, portal, posted.session, bill_id, 422, refusals=done.refusals)
    base = request.scope.get("root_path", "")
    return RedirectResponse(f"{base}/disputes/{done.event}?done=filed", status_code=303)


@router.get("/disputes")
def list_disputes(
    request: Request,
    portal: PortalDep,
    session: SessionDep,
    account: Annotated[str, Query(max_length=40)] = "",
    state: Annotated[str, Query(pattern="^(open|resolved|)$")] = "",
    cursor: Annotated[str, Query(max_length=600)] = "",
) -> Response:
    """Billing disputes with their state (a CLEC sees its own)."""
    authorise(session.actor, "disputes.read", account or None)
    found = disputes_page(
        portal.workspace(), tenants_of(session.actor, account), portal.today(), None, state or None,
        after_of(cursor), PAGE_SIZE, by=session.actor,
    )  # fmt: skip
    return render(
        request, "disputes.html", session, disputes=[d for _, _, d in found], account=account, state=state,
        next_cursor=cursor_of(found),
    )  # fmt: skip


def _seen(actor: Actor, permission: str, dispute_id: str, engine: Any) -> str:
    return dispute_seen_by(engine, actor, permission, dispute_id)


def _dispute(
    request: Request,
    portal: Portal,
    session: Session,
    dispute_id: str,
    status: int = 200,
    refusals: tuple[Any, ...] = (),
    problems: tuple[FormProblem, ...] = (),
) -> Response:
    _seen(session.actor, "disputes.read", dispute_id, portal.engine)
    dispute = read_dispute(portal.workspace(), dispute_id, portal.today(), by=session.actor)
    return render(
        request, "dispute.html", session, status=status, dispute=dispute, refusals=refusals, problems=problems,
        done_name=request.query_params.get("done", ""),
    )  # fmt: skip


@router.get("/disputes/{dispute_id}")
def show_dispute(dispute_id: str, request: Request, portal: PortalDep, session: SessionDep) -> Response:
    """A dispute: timely or not, the amount held, its resolution and the credit owed with its date."""
    return _dispute(request, portal, session, dispute_id)


@router.post("/disputes/{dispute_id}/resolve")
def resolve(dispute_id: str, request: Request, portal: PortalDep, posted: PostedDep) -> Response:
    """Resolve a dispute (CenturyLink billing; III.9.4.1): the amount in the CLEC's favour."""
    account = _seen(posted.actor, "disputes.resolve", dispute_id, portal.engine)
    data, problems = parse_form(ResolveForm, posted.form, _scale(portal))
    if data is None:
        return _dispute(request, portal, posted.session, dispute_id, 422, problems=problems)
    data = {**data, "refers_to": dispute_id}
    done = perform(
        portal, posted, f"/disputes/{dispute_id}/resolve", account, RESOLVED, data,
        f"billingDispute/{account}/{dispute_id}", check=resolve_check(portal.agreement),
    )  # fmt: skip
    if done.refused:
        return _dispute(request, portal, posted.session, dispute_id, 422, refusals=done.refusals)
    base = request.scope.get("root_path", "")
    return RedirectResponse(f"{base}/disputes/{dispute_id}?done=resolved", status_code=303)
