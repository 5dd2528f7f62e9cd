"""Orders (LSRs, IV.7–IV.9): the list by state, an order with its notices and errors, submitting
an LSR (the form of the API's body), and each party's actions on it: CenturyLink confirms with
the committed due date, rejects with the errors, gives a jeopardy notice, completes...; the CLEC
supplements. A refusal is shown with its clause."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from ..app.audit import customer_read
from ..app.errors import UserError
from ..app.gateway.reads import fetch, page
from ..app.gateway.requests import ORDER_ACTIONS, ActionSpec, body_of
from ..app.identity import authorise
from ..orders import event_schemas as schemas
from ..orders.lifecycle import may_cancel_from
from ..orders.model import ACTS, Order
from .actions import Done, perform
from .core import PAGE_SIZE, Portal, PortalDep, PostedDep, Session, SessionDep, after_of, cursor_of, render, tenants_of
from .forms import FormProblem, form_fields, parse_form

__all__ = ["router"]

router = APIRouter()

STATES = ("acknowledged", "inProgress", "held", "pendingCancellation", "completed", "rejected", "cancelled", "failed")
ENDED = frozenset({"completed", "cancelled", "rejected", "failed"})
"""States no action leaves (the lifecycle refuses each with its clause; the page offers none)."""
LsrForm = body_of(schemas.LsrSubmitted, "PortalLsr")
ACTION_FORMS: Mapping[str, tuple[ActionSpec, type[BaseModel]]] = {
    spec.name: (spec, body_of(spec.schema, f"Portal{spec.schema.__name__}", drop=("account", "pon")))
    for spec in ORDER_ACTIONS
}


def _scale(portal: Portal) -> int:
    return int(portal.agreement.terms.money.scale.value)


@router.get("/orders")
def list_orders(
    request: Request,
    portal: PortalDep,
    session: SessionDep,
    state: Annotated[str, Query(max_length=32)] = "",
    account: Annotated[str, Query(max_length=40)] = "",
    cursor: Annotated[str, Query(max_length=600)] = "",
) -> Response:
    """Orders, newest page by page, filtered by state and account (a CLEC sees its own)."""
    authorise(session.actor, "orders.read", account or None)
    items = page(
        portal.engine, portal.agreement, "orders", tenants_of(session.actor, account), "orders", portal.today(),
        state or None, after_of(cursor), PAGE_SIZE,
    )  # fmt: skip
    customer_read(portal.engine, session.actor, "productOrder", [f"{t}/{k}" for t, k, _ in items])  # VI.8.3.2
    return render(
        request, "orders.html", session, orders=[v for _, _, v in items], states=STATES, state=state,
        account=account, next_cursor=cursor_of(items), acts=ACTS,
    )  # fmt: skip


def _new_form(
    request: Request, session: Session, values: Mapping[str, Any], status: int = 200, **more: Any
) -> Response:
    fields = form_fields(LsrForm, values, hidden=frozenset({"account"}))
    return render(
        request, "order_new.html", session, status=status, fields=fields, accounts=sorted(session.actor.accounts),
        account=values.get("account", ""), problems=more.get("problems", ()), refusals=more.get("refusals", ()),
    )  # fmt: skip


@router.get("/orders/new")
def new_order(request: Request, session: SessionDep) -> Response:
    """The LSR form (IV.7.2): the fields of the API's productOrder body."""
    authorise(session.actor, "orders.submit")
    return _new_form(request, session, {"ver": "1", "channel": "electronic"})


@router.post("/orders")
def submit_order(request: Request, portal: PortalDep, posted: PostedDep) -> Response:
    """Submit an LSR; a refused one shows every error with its clause (IV.7.2.3)."""
    authorise(posted.actor, "orders.submit", posted.get("account") or None)
    data, problems = parse_form(LsrForm, posted.form, _scale(portal))
    if data is None:
        return _new_form(request, posted.session, posted.form, 422, problems=problems)
    account, pon = str(data["account"]), str(data["pon"])
    authorise(posted.actor, "orders.submit", account)
    done = perform(portal, posted, "/orders", account, "lsr.submitted", data, f"productOrder/{account}/{pon}")
    if not done.kept:
        return _new_form(request, posted.session, posted.form, 422, refusals=done.refusals)
    base = request.scope.get("root_path", "")
    return RedirectResponse(f"{base}/orders/{account}/{pon}?done=submitted", status_code=303)


def _order(portal: Portal, session: Session, account: str, pon: str) -> Order:
    authorise(session.actor, "orders.read", account)
    order = fetch(portal.engine, portal.agreement, "orders", account, "orders", pon, portal.today())
    if order is None:
        raise UserError(f"order {account}/{pon}: not found", code="not_found", field="pon")
    customer_read(portal.engine, session.actor, "productOrder", [f"{account}/{pon}"])  # the End User's name (VI.8.3.2)
    return order


def _detail(
    request: Request,
    portal: Portal,
    session: Session,
    order: Order,
    status: int = 200,
    failed: str = "",
    problems: tuple[FormProblem, ...] = (),
    done: Done | None = None,
    values: Mapping[str, Any] | None = None,
) -> Response:
    actions = [
        (spec, form_fields(model, values if spec.name == failed else None))
        for spec, model in ACTION_FORMS.values()
        if session.actor.may(spec.permission) and order.status not in ENDED
    ]
    cancel_from = None
    if order.status in ("acknowledged", "inProgress", "held"):
        cancel_from = may_cancel_from(order, portal.agreement.terms)
    return render(
        request, "order.html", session, status=status, order=order, actions=actions, failed=failed,
        problems=problems, refusals=done.refusals if done else (), acts=ACTS, cancel_from=cancel_from,
        done_name=request.query_params.get("done", ""),
    )  # fmt: skip


@router.get("/orders/{account}/{pon}")
def show_order(account: str, pon: str, request: Request, portal: PortalDep, session: SessionDep) -> Response:
    """An order: its LSR, state, committed due date, notices and errors, and the actions the actor may take."""
    return _detail(request, portal, session, _order(portal, session, account, pon))


@router.post("/orders/{account}/{pon}/{action}")
def order_action(
    account: str, pon: str, action: str, request: Request, portal: PortalDep, posted: PostedDep
) -> Response:
    """One action on an order (the API's POST /productOrder/{account}/{pon}/{action})."""
    if action not in ACTION_FORMS:
        raise UserError(f"order action {action!r}: not found", code="not_found")
    spec, model = ACTION_FORMS[action]
    authorise(posted.actor, spec.permission, account)
    order = _order(portal, posted.session, account, pon)
    data, problems = parse_form(model, posted.form, _scale(portal))
    if data is None:
        return _detail(request, portal, posted.session, order, 422, action, problems, values=posted.form)
    path = f"/orders/{account}/{pon}/{action}"
    done = perform(
        portal, posted, path, account, spec.event_type, {**data, "pon": pon}, f"productOrder/{account}/{pon}"
    )
    if done.refused:
        order = _order(portal, posted.session, account, pon)
        return _detail(request, portal, posted.session, order, 422, action, done=done, values=posted.form)
    base = request.scope.get("root_path", "")
    return RedirectResponse(f"{base}/orders/{account}/{pon}?done={action}", status_code=303)
