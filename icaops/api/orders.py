"""productOrder (MEF LSO Sonata / TMF622 shaped): LSRs submitted by the CLEC, worked by the ILEC
(IV.7–IV.9, VI.16, III.35). States are Sonata's; each notice of the agreement is in `notices`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from ..app.audit import customer_read
from ..app.errors import UserError
from ..app.gateway.actions import Outcome
from ..app.gateway.reads import fetch, page
from ..app.gateway.requests import ORDER_ACTIONS
from ..app.identity import authorise
from ..orders import event_schemas as schemas
from ..orders.lifecycle import may_cancel_from
from ..orders.model import Order
from ..terms.loader import Agreement
from .bodies import body_of, documented, json_body
from .deps import ActorDep, Gateway, GatewayDep, PageDep, cursor_after, next_cursor
from .errors import refused
from .lifecycle import action_routes, perform, refused_body
from .views import plain

__all__ = ["order_payload", "order_view", "router"]

router = APIRouter(tags=["productOrder"])

LsrBody = body_of(schemas.LsrSubmitted, "ProductOrderCreate")


def order_view(order: Order, terms: Any) -> dict[str, Any]:
    """An order as the API shows it."""
    lsr = order.lsr
    return {
        "id": f"{order.account}/{order.pon}",
        "href": f"/productOrder/{order.account}/{order.pon}",
        "externalId": order.pon,
        "account": order.account,
        "state": order.status,
        "ver": lsr.ver,
        "act": lsr.act,
        "submittedOn": order.submitted_on.isoformat(),
        "desiredDueDate": lsr.ddd.isoformat() if lsr.ddd else None,
        "committedDueDate": plain(order.due) if order.due is not None else None,
        "originalDueDate": order.original_due.isoformat() if order.original_due else None,
        "expedite": order.expedite,
        "completedOn": order.completed_on.isoformat() if order.completed_on else None,
        "cancelledOn": order.cancelled_on.isoformat() if order.cancelled_on else None,
        "cancelReason": order.cancel_reason,
        "assignedWtns": list(order.assigned_wtns),
        "mayCancelFrom": plain(may_cancel_from(order, terms))
        if order.status in ("acknowledged", "inProgress", "held")
        else None,
        "errors": [plain(e) for e in order.errors],
        "notices": [plain(n) for n in order.notices],
        "lsr": plain(lsr),
    }


def order_payload(agreement: Agreement) -> Callable[[Outcome], Mapping[str, Any] | None]:
    """The order an outcome left, as the API shows it (the payload of its webhook events)."""

    def view(outcome: Outcome) -> Mapping[str, Any] | None:
        order = outcome.state.orders.get(str(outcome.event.get("pon")))
        return None if order is None else order_view(order, agreement.terms_at(outcome.event.date))

    return view


def _view(created: bool) -> Any:
    def view(gw: Gateway, outcome: Outcome, account: str, pon: str) -> tuple[int, Mapping[str, Any]]:
        if not outcome.kept:
            return 422, refused_body(outcome)
        order = outcome.state.orders.get(pon)
        if order is None:  # a kept order event always leaves its order
            raise UserError(f"productOrder {account}/{pon}: not found", code="not_found")
        return (201 if created else 200), order_view(order, gw.agreement.terms_at(outcome.event.date))

    return view


@router.post(
    "/productOrder",
    status_code=201,
    summary="Submit an LSR (IV.7.2); refused LSRs come back `rejected` with every error found (IV.7.2.3)",
    responses={422: refused("invalid, or an LSR the agreement refuses"), 409: refused("conflict")},
    openapi_extra=documented(LsrBody),
)
def submit_order(
    body: Annotated[BaseModel, Depends(json_body(LsrBody))],
    request: Request,
    gw: GatewayDep,
    actor: ActorDep,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> JSONResponse:
    data = body.model_dump(mode="json", exclude_none=True)
    account, pon = str(data["account"]), str(data["pon"])
    authorise(actor, "orders.submit", account)
    view = _view(created=True)
    return perform(
        gw, actor, request, account, "lsr.submitted", data, f"productOrder/{account}/{pon}",
        lambda o: view(gw, o, account, pon), idempotency_key, body,
    )  # fmt: skip


@router.get("/productOrder", summary="List orders (a CLEC sees its own; newest pages by cursor)")
def list_orders(
    gw: GatewayDep,
    actor: ActorDep,
    paging: PageDep,
    account: Annotated[str | None, Query(max_length=64)] = None,
    state: Annotated[str | None, Query(max_length=32)] = None,
) -> dict[str, Any]:
    authorise(actor, "orders.read", account)
    tenants = [account] if account is not None else (sorted(actor.accounts) if actor.org_kind == "clec" else None)
    items = page(
        gw.engine, gw.agreement, "orders", tenants, "orders", gw.today(), state, cursor_after(paging), paging.limit
    )
    terms = gw.agreement.terms
    customer_read(gw.engine, actor, "productOrder", [f"{t}/{k}" for t, k, _ in items])  # end users' names (VI.8.3.2)
    return {"items": [order_view(v, terms) for _, _, v in items], "nextCursor": next_cursor(items, paging)}


@router.get("/productOrder/{account}/{pon}", summary="One order with its notices and committed due date")
def get_order(account: str, pon: str, gw: GatewayDep, actor: ActorDep) -> dict[str, Any]:
    authorise(actor, "orders.read", account)
    order = fetch(gw.engine, gw.agreement, "orders", account, "orders", pon, gw.today())
    if order is None:
        raise UserError(f"productOrder {account}/{pon}: not found", code="not_found", field="pon")
    customer_read(gw.engine, actor, "productOrder", [f"{account}/{pon}"])  # the end user's name and address (VI.8.3.2)
    return order_view(order, gw.agreement.terms)


action_routes(router, "/productOrder", "pon", ORDER_ACTIONS, _view(created=False), "productOrder")
