"""billingDispute: what the agreement needs and TMF lacks (III.9.4, III.9.4.1). A CLEC disputes
lines of one of its bills in writing, each item with its amount and reason; the answer shows the
Bill Due Date as the deadline for a timely dispute and whether this one is timely (collections'
answer). CenturyLink's billing resolves it, for the CLEC, against it, or split; a credit is due
by the second Bill Due Date after the resolution."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from ..app.bills import account_of_bill
from ..app.disputes import (
    FILED,
    RESOLVED,
    DisputeState,
    dispute_seen_by,
    dispute_state,
    disputes_page,
    file_check,
    read_dispute,
    resolve_check,
)
from ..app.errors import UserError
from ..app.gateway.actions import Outcome
from ..app.identity import authorise
from ..app.workspace import Workspace
from ..billing import event_schemas as schemas
from ..calendar.deadlines import Deadlines
from ..identity.model import Actor
from .bodies import body_of, documented, json_body
from .deps import ActorDep, Gateway, GatewayDep, PageDep, cursor_after, next_cursor
from .errors import refused
from .lifecycle import perform, refused_body
from .views import explained, plain

__all__ = ["router"]

router = APIRouter(tags=["billingDispute"])

DisputeId = Annotated[str, Path(min_length=1, max_length=60, description="the id a filing answered")]

DisputeBody = body_of(schemas.DisputeFiled, "BillingDisputeCreate", drop=("account",))
ResolveBody = body_of(schemas.DisputeResolvedBilling, "BillingDisputeResolve", drop=("account", "refers_to"))


def dispute_view(d: DisputeState) -> dict[str, Any]:
    """A dispute as the API shows it: collections' answers, each explained with its clauses."""
    outcome = None
    if d.amount_for_clec is not None:
        outcome = "forClec" if d.amount_for_clec == d.amount else "againstClec" if d.amount_for_clec == 0 else "split"
    return {
        "id": d.id,
        "href": f"/billingDispute/{d.id}",
        "account": d.account,
        "bill": {"id": d.bill_id, "href": f"/customerBill/{d.bill_id}"},
        "filedOn": d.filed_on.isoformat(),
        "amount": str(d.amount),
        "items": [{"line": i.line_id, "amount": str(i.amount), "reason": i.reason} for i in d.items],
        "disputeDeadline": explained(d.dispute_by),
        "timely": explained(d.timely),
        "held": explained(d.held),
        "state": d.state,
        "resolvedOn": plain(d.resolved_on),
        "outcome": outcome,
        "amountForClec": plain(d.amount_for_clec),
        "creditOwed": str(d.amount_for_clec) if d.amount_for_clec else None,
        "creditDueBy": explained(d.credit_due_by) if d.credit_due_by is not None else None,
        "creditedOn": explained(d.credited_on) if d.credited_on is not None else None,
    }


def _view(gw: Gateway, status: int) -> Any:
    def view(outcome: Outcome) -> tuple[int, Mapping[str, Any]]:
        if not outcome.kept:
            return 422, refused_body(outcome)
        dispute_id = outcome.event.id if outcome.event.type == FILED else str(outcome.event.get("refers_to"))
        shown = dispute_state(outcome.state, dispute_id, Deadlines(gw.agreement.terms_at(outcome.event.date)))
        if shown is None:  # a kept dispute event always leaves its dispute in the history
            raise UserError(f"billingDispute {dispute_id}: not found", code="not_found")
        return status, dispute_view(shown)

    return view


@router.post(
    "/billingDispute",
    status_code=201,
    summary="Dispute lines of a bill in writing (III.9.4): each item's line, amount and reason",
    responses={422: refused("refused, with every reason and its clause"), 404: refused("no such bill")},
    openapi_extra=documented(DisputeBody),
)
def file_dispute(
    body: Annotated[BaseModel, Depends(json_body(DisputeBody))],
    request: Request,
    gw: GatewayDep,
    actor: ActorDep,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> JSONResponse:
    data = body.model_dump(mode="json", exclude_none=True)
    account = account_of_bill(str(data["bill"]))
    authorise(actor, "disputes.file", account)
    return perform(
        gw, actor, request, account, FILED, data, f"billingDispute/{account}/{data['bill']}",
        _view(gw, 201), idempotency_key, body, check=file_check(gw.agreement),
    )  # fmt: skip


@router.post(
    "/billingDispute/{dispute_id}/resolve",
    status_code=200,
    summary="Resolve a dispute (ILEC billing; III.9.4.1): `amount_for_clec` in the CLEC's favour, the rest against it",
    responses={422: refused("refused, with its clause"), 404: refused("no such dispute")},
    openapi_extra=documented(ResolveBody),
)
def resolve_dispute(
    dispute_id: DisputeId,
    body: Annotated[BaseModel, Depends(json_body(ResolveBody))],
    request: Request,
    gw: GatewayDep,
    actor: ActorDep,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> JSONResponse:
    account = _seen(gw, actor, "disputes.resolve", dispute_id)
    data = {**body.model_dump(mode="json", exclude_none=True), "refers_to": dispute_id}
    return perform(
        gw, actor, request, account, RESOLVED, data, f"billingDispute/{account}/{dispute_id}",
        _view(gw, 200), idempotency_key, body, check=resolve_check(gw.agreement),
    )  # fmt: skip


@router.get(
    "/billingDispute", summary="List disputes (a CLEC sees its own) with their state; filters account, bill, state"
)
def list_disputes(
    gw: GatewayDep,
    actor: ActorDep,
    paging: PageDep,
    account: Annotated[str | None, Query(max_length=40)] = None,
    bill: Annotated[str | None, Query(max_length=60)] = None,
    state: Annotated[str | None, Query(pattern="^(open|resolved)$")] = None,
) -> dict[str, Any]:
    authorise(actor, "disputes.read", account)
    if bill is not None:
        authorise(actor, "disputes.read", account_of_bill(bill))
    accounts = [account] if account is not None else (sorted(actor.accounts) if actor.org_kind == "clec" else None)
    ws = Workspace(gw.agreement, gw.engine)
    found = disputes_page(ws, accounts, gw.today(), bill, state, cursor_after(paging), paging.limit, by=actor)
    return {"items": [dispute_view(d) for _, _, d in found], "nextCursor": next_cursor(found, paging)}


@router.get("/billingDispute/{dispute_id}", summary="One dispute: timely?, held, resolution, credit owed and by when")
def get_dispute(dispute_id: DisputeId, gw: GatewayDep, actor: ActorDep) -> dict[str, Any]:
    _seen(gw, actor, "disputes.read", dispute_id)
    return dispute_view(read_dispute(Workspace(gw.agreement, gw.engine), dispute_id, gw.today(), by=actor))


def _seen(gw: Gateway, actor: Actor, permission: str, dispute_id: str) -> str:
    return dispute_seen_by(gw.engine, actor, permission, dispute_id)
