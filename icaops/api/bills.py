"""customerBill and customerBillItem (TM Forum TMF678 shaped): a CLEC's closed bills with their
totals, Bill Date and Bill Due Date (explained), the Bill Due Date as the deadline for a timely
dispute (III.9.4), the lines, the printable invoice and each line's explanation; and the ILEC's
bill run, which closes a cycle (III.9.2). Every read is audited (customer information)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from ..app.bills import (
    TOTALS,
    BillItem,
    StoredBill,
    account_of_bill,
    bill_items,
    get_bill,
    invoice,
    item_explanation,
    keep,
    list_bills,
    replay,
    run_bill,
)
from ..app.errors import UserError
from ..app.identity import authorise
from ..app.workspace import Workspace
from .deps import ActorDep, Gateway, GatewayDep, PageDep, cursor_after, idempotency, next_cursor
from .errors import refused
from .views import explained, plain

__all__ = ["router"]

router = APIRouter(tags=["customerBill"])

BillId = Annotated[str, Path(min_length=3, max_length=100, description="ACCOUNT:YYYY-MM")]
LineId = Annotated[str, Path(min_length=1, max_length=200, description="an item id, or its part after the bill id")]


def _ws(gw: Gateway) -> Workspace:
    return Workspace(gw.agreement, gw.engine)


def bill_view(bill: StoredBill, currency: str) -> dict[str, Any]:
    """A closed bill as the API shows it (TMF678 CustomerBill fields where they fit)."""
    href = f"/customerBill/{bill.id}"
    return {
        "id": bill.id,
        "href": href,
        "billNo": bill.id,
        "billingAccount": {"id": bill.account},
        "period": bill.period,
        "billingPeriod": {"startDate": bill.cycle_start.isoformat(), "endDate": bill.cycle_close.isoformat()},
        "billDate": explained(bill.bill_date),
        "paymentDueDate": explained(bill.due_date),
        "disputeDeadline": explained(bill.dispute_by),
        "amountDue": {"unit": currency, "value": str(bill.totals["total"])},
        "totals": {name: str(bill.totals[name]) for name in TOTALS},
        "lineCount": bill.line_count,
        "items": f"{href}/items",
        "invoice": {"pdf": f"{href}/invoice.pdf", "html": f"{href}/invoice.html"},
    }


def item_view(item: BillItem) -> dict[str, Any]:
    """A bill line (TMF678 CustomerBillItem-like; per-WTN recurring lines carry their service days)."""
    return {
        "id": item.id,
        "href": f"/customerBill/{item.bill_id}/items/{item.id}",
        "bill": item.bill_id,
        "category": item.category,
        "code": item.code,
        "description": item.description,
        "quantity": plain(item.quantity),
        "unitPrice": plain(item.unit_price),
        "amount": str(item.amount),
        "clause": item.clause,
        "trueUp": item.true_up,
        "source": item.source,
        "serviceDate": plain(item.service_date),
        "wtn": item.wtn,
        "serviceStart": plain(item.service_start),
        "serviceEnd": plain(item.service_end),
        "daysInService": item.days_in_service,
        "explanation": f"/customerBill/{item.bill_id}/items/{item.id}/explanation",
    }


def _currency(gw: Gateway, bill: StoredBill) -> str:
    """The currency of the terms in force on the bill's Bill Date (III.9.2: U.S. funds), as its invoice."""
    return str(gw.agreement.terms_at(bill.bill_date.value).money.currency.value)


class BillRun(BaseModel):
    """Close the billing cycle of one account for one period (YYYY-MM), as `icaops bill run` does."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    account: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    period: str = Field(min_length=6, max_length=7, pattern=r"^\d{4}-\d{1,2}$")


@router.post(
    "/customerBill/run",
    status_code=201,
    summary="Close a billing cycle for an account and period (ILEC billing; III.9.2)",
    responses={409: refused("the period is already closed"), 422: refused("refused")},
)
def bill_run(
    body: BillRun,
    gw: GatewayDep,
    actor: ActorDep,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> JSONResponse:
    authorise(actor, "bills.run", body.account)
    idem = idempotency(actor, idempotency_key, "POST", "/customerBill/run", body)
    kept = replay(gw.engine, idem)
    if kept is not None:
        return JSONResponse(dict(kept[1]), status_code=kept[0], headers={"Idempotent-Replayed": "true"})
    bill = run_bill(_ws(gw), body.account, body.period, gw.today(), by=actor)
    content = bill_view(bill, _currency(gw, bill))
    keep(gw.engine, idem, 201, content, gw.now())
    return JSONResponse(content, status_code=201)


@router.get("/customerBill", summary="List closed bills (a CLEC sees its own accounts'); filters account, period")
def list_customer_bills(
    gw: GatewayDep,
    actor: ActorDep,
    paging: PageDep,
    account: Annotated[str | None, Query(max_length=40)] = None,
    period: Annotated[str | None, Query(max_length=7, description="YYYY-MM")] = None,
) -> dict[str, Any]:
    authorise(actor, "bills.read", account)
    accounts = [account] if account is not None else (sorted(actor.accounts) if actor.org_kind == "clec" else None)
    bills = list_bills(_ws(gw), accounts, period, cursor_after(paging), paging.limit, by=actor)
    keyed = [(b.account, b.id, b) for b in bills]
    return {"items": [bill_view(b, _currency(gw, b)) for b in bills], "nextCursor": next_cursor(keyed, paging)}


def _readable(gw: Gateway, actor: Any, bill_id: str) -> StoredBill:
    authorise(actor, "bills.read", account_of_bill(bill_id))
    return get_bill(_ws(gw), bill_id, by=actor)


@router.get(
    "/customerBill/{bill_id}",
    summary="One bill: totals, Bill Date, Bill Due Date explained, and the deadline for a timely dispute (III.9.4)",
)
def get_customer_bill(bill_id: BillId, gw: GatewayDep, actor: ActorDep) -> dict[str, Any]:
    bill = _readable(gw, actor, bill_id)
    return bill_view(bill, _currency(gw, bill))


@router.get("/customerBill/{bill_id}/items", summary="The bill's lines (customerBillItem), paged")
def list_bill_items(bill_id: BillId, gw: GatewayDep, actor: ActorDep, paging: PageDep) -> dict[str, Any]:
    authorise(actor, "bills.read", account_of_bill(bill_id))
    after = cursor_after(paging)
    if after is not None and after[0] != bill_id:
        raise UserError("cursor: expected the nextCursor of a previous page of this bill", field="cursor")
    items = bill_items(_ws(gw), bill_id, None if after is None else after[1], paging.limit, by=actor)
    keyed = [(bill_id, i.key, i) for i in items]
    return {"items": [item_view(i) for i in items], "nextCursor": next_cursor(keyed, paging)}


@router.get(
    "/customerBill/{bill_id}/items/{line:path}/explanation",
    summary="How a line was computed, step by step with each clause",
)
def explain_bill_item(bill_id: BillId, line: LineId, gw: GatewayDep, actor: ActorDep) -> dict[str, Any]:
    authorise(actor, "bills.read", account_of_bill(bill_id))
    result = item_explanation(_ws(gw), bill_id, line, by=actor)
    full = line if line.startswith(f"{bill_id}:") else f"{bill_id}:{line}"
    return {"bill": bill_id, "line": full, "explanation": explained(result)}


@router.get(
    "/customerBill/{bill_id}/invoice.pdf",
    summary="The printable invoice as PDF (the template of `icaops bill show`)",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
def invoice_pdf(bill_id: BillId, gw: GatewayDep, actor: ActorDep) -> Response:
    authorise(actor, "bills.read", account_of_bill(bill_id))
    return Response(invoice(_ws(gw), bill_id, "pdf", by=actor), media_type="application/pdf")


@router.get(
    "/customerBill/{bill_id}/invoice.html",
    summary="The printable invoice as one HTML page",
    response_class=Response,
    responses={200: {"content": {"text/html": {}}}},
)
def invoice_html(bill_id: BillId, gw: GatewayDep, actor: ActorDep) -> Response:
    authorise(actor, "bills.read", account_of_bill(bill_id))
    return Response(invoice(_ws(gw), bill_id, "html", by=actor), media_type="text/html; charset=utf-8")
