"""Bills through the gateway (TMF678 customerBill): the closed bills the store keeps, their lines,
the printable invoice, a line's explanation, and a cycle closed for one account.

A bill is closed once (`close_cycle`: III.9.2) and saved; reads come from the saved header and
lines, except the invoice and a line's explanation, which are computed from the log as the
command line computes them. Every read of a bill is customer information: it goes to the audit
log with the reader, its organisation, role and token (VI.8.3.2).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import Engine

from ..billing.books import Books
from ..billing.cycle import cycle_for, parse_period
from ..calendar.deadlines import Deadlines
from ..explain import Explained, Step
from ..identity.model import Actor
from ..store import writing
from ..store.bills import bill_header, bill_headers, bill_lines
from ..store.codec import decode
from ..store.projections import keep_response, kept_response
from .billing import close_cycle, explain_line, find_bill
from .errors import UserError
from .gateway.actions import Idempotency
from .identity import audit_by
from .workspace import Workspace

__all__ = [
    "TOTALS",
    "BillItem",
    "StoredBill",
    "account_of_bill",
    "bill_items",
    "get_bill",
    "invoice",
    "item_explanation",
    "keep",
    "list_bills",
    "replay",
    "run_bill",
]

TOTALS = ("mrc", "nrc", "usage", "tax", "surcharge", "late_charge", "credit", "adjustment", "total")


@dataclass(frozen=True, slots=True)
class StoredBill:
    """A closed bill's header: its cycle, dates (explained), totals, and the last day a dispute
    of it is timely (III.9.4)."""

    id: str
    account: str
    period: str
    cycle_start: dt.date
    cycle_close: dt.date
    bill_date: Explained[dt.date]
    due_date: Explained[dt.date]
    dispute_by: Explained[dt.date]
    totals: Mapping[str, Decimal]
    line_count: int


@dataclass(frozen=True, slots=True)
class BillItem:
    """One line of a closed bill (a per-WTN recurring line, or a charge line), as saved."""

    id: str
    bill_id: str
    category: str
    code: str
    description: str | None
    quantity: Decimal
    unit_price: Decimal | None
    amount: Decimal
    clause: str
    true_up: bool
    source: str | None
    service_date: dt.date | None
    wtn: str | None
    service_start: dt.date | None
    service_end: dt.date | None
    days_in_service: int | None
    key: str  # the line's id in the store: where the next page starts


def account_of_bill(bill_id: str) -> str:
    """The account a bill id (`ACCOUNT:YYYY-MM`) names: what authorisation checks first."""
    account, sep, period = bill_id.partition(":")
    if not sep or not account or not period:
        raise UserError(f"{bill_id!r}: expected a bill id ACCOUNT:YYYY-MM such as GRANITE:2013-04", field="id")
    return account


def _explained(stored: Mapping[str, Any]) -> Explained[dt.date]:
    steps = tuple(Step(s["text"], s["clause"]) for s in stored.get("steps", ()))
    return Explained(dt.date.fromisoformat(str(stored["value"])), steps)


def _stored(row: Any, deadlines: Deadlines) -> StoredBill:
    explanation = decode(row.explanation)
    return StoredBill(
        row.id,
        row.account_id,
        row.period,
        row.cycle_start,
        row.cycle_close,
        _explained(explanation["bill_date"]),
        _explained(explanation["due_date"]),
        deadlines.dispute_filing_deadline(row.bill_date),
        {name: getattr(row, name) for name in TOTALS},
        row.line_count,
    )


def _deadlines(ws: Workspace, on: dt.date) -> Deadlines:
    return Deadlines(ws.agreement.terms_at(on))


def list_bills(
    ws: Workspace,
    accounts: list[str] | None,
    period: str | None,
    after: tuple[str, str] | None,
    limit: int,
    by: Actor | None = None,
) -> list[StoredBill]:
    """A page of closed bills of these accounts (None: every account), of one period when given;
    the bills listed go to the audit log."""
    if period is not None:
        try:
            period = parse_period(period)
        except ValueError as exc:
            raise UserError(str(exc), field="period") from None
    with ws.engine.connect() as conn:
        rows = bill_headers(conn, accounts, period, after, limit)
    bills = [_stored(r, _deadlines(ws, r.bill_date)) for r in rows]
    if bills:
        audit_by(ws.engine, by, "bill.listed", ",".join(b.id for b in bills)[:300], {"bills": [b.id for b in bills]})
    return bills


def get_bill(ws: Workspace, bill_id: str, by: Actor | None = None) -> StoredBill:
    """A closed bill by id; the read goes to the audit log."""
    with ws.engine.connect() as conn:
        row = bill_header(conn, bill_id)
    if row is None:
        raise UserError(
            f"customerBill {bill_id}: not found (no closed bill with this id)", code="not_found", field="id"
        )
    audit_by(ws.engine, by, "bill.read", bill_id, {"account": row.account_id})
    return _stored(row, _deadlines(ws, row.bill_date))


def _item(row: Any) -> BillItem:
    prefix = f"{row.bill_id}:"
    line_id = row.line_id if row.line_id.startswith(prefix) else prefix + row.line_id
    return BillItem(
        line_id,
        row.bill_id,
        row.category,
        row.code,
        row.description,
        row.quantity,
        row.unit_price,
        row.amount,
        row.clause,
        row.true_up,
        row.source,
        row.service_date,
        row.wtn,
        row.service_start,
        row.service_end,
        row.days_in_service,
        row.line_id,
    )


def bill_items(ws: Workspace, bill_id: str, after: str | None, limit: int, by: Actor | None = None) -> list[BillItem]:
    """A page of a closed bill's lines (customerBillItem) in the store's line order, after the
    line whose `key` is `after`; the read is audited."""
    get_bill(ws, bill_id, by)
    with ws.engine.connect() as conn:
        rows = bill_lines(conn, bill_id, after, limit)
    return [_item(r) for r in rows]


def item_explanation(ws: Workspace, bill_id: str, item_id: str, by: Actor | None = None) -> Explained[Any]:
    """How a line of a closed bill was computed, step by step with its clauses (`explain_line`);
    the read is audited."""
    get_bill(ws, bill_id, by)
    line_id = item_id if item_id.startswith(f"{bill_id}:") else f"{bill_id}:{item_id}"
    books = Books(ws.agreement, ws.events())
    try:
        _, explanation = explain_line(books, line_id)
    except UserError as exc:
        raise UserError(exc.message, code=exc.code, field="line", details=exc.details) from None
    audit_by(ws.engine, by, "bill.line_read", line_id, {"bill": bill_id})
    return explanation


def invoice(ws: Workspace, bill_id: str, kind: Literal["pdf", "html"], by: Actor | None = None) -> bytes:
    """The printable invoice of a closed bill (the template of `icaops bill show --pdf`), as PDF
    or HTML bytes, with the account summary from the log and how to dispute (III.9.4, III.34.2);
    the read is audited."""
    from ..billing.outputs import Notices, Parties, invoice_html, invoice_pdf
    from .invoice_summary import account_summary

    get_bill(ws, bill_id, by)
    books = Books(ws.agreement, ws.events())
    bill = find_bill(books, bill_id)
    parties = Parties.from_manifest(ws.agreement.manifest)
    summary = account_summary(books, bill)
    notices = Notices.from_terms(ws.agreement.terms_at(bill.cycle.bill_date.value))
    currency = ws.agreement.terms_at(bill.cycle.bill_date.value).money.currency.value
    audit_by(ws.engine, by, f"bill.invoice_{kind}", bill_id, {"account": bill.account.id})
    if kind == "pdf":
        return invoice_pdf(bill, parties, summary, notices, currency=currency)
    return invoice_html(bill, parties, summary, notices, currency=currency).encode()


def run_bill(ws: Workspace, account: str, period: str, on: dt.date, by: Actor | None = None) -> StoredBill:
    """Close `period` for one account as `icaops bill run` does (III.9.2): refused before the
    cycle's Bill Date (the day after its last day, II.2.8: the close day's payments and disputes
    precede the bill) and for a period already closed (a closed bill is never billed again nor
    edited)."""
    try:
        period = parse_period(period)
    except ValueError as exc:
        raise UserError(str(exc), field="period") from None
    books = Books(ws.agreement, ws.events())
    opened = books.accounts.get(account)
    if opened is None:
        raise UserError(
            f"account {account!r}: not opened in the log (billing.account_opened)", code="not_found", field="account"
        )
    try:
        cycle = cycle_for(account, period, opened.cycle_close_day, books.deadlines(on))
    except (ValueError, OverflowError):
        raise UserError(f"period {period}: expected a month of the calendar, YYYY-MM", field="period") from None
    if cycle.bill_date.value > on:
        bill_date = ws.agreement.terms_at(on).deadlines["bill_date"]
        raise UserError(
            f"period {period}: the cycle of {account} runs {cycle.start.isoformat()} to {cycle.close.isoformat()}, "
            f"billed on its Bill Date {cycle.bill_date.value.isoformat()}; expected a cycle whose Bill Date is on or "
            f"before {on.isoformat()} ({bill_date.clause})",
            code="refused",
            field="period",
            details={"clause": bill_date.clause, "bill_date": cycle.bill_date.value.isoformat()},
        )
    bill_id = f"{account}:{period}"
    with ws.engine.connect() as conn:
        if bill_header(conn, bill_id) is not None:
            # A rule of procedure, not a contract value (no term states it): the bills of III.9.2
            # are rendered once per cycle, and a closed bill is corrected by later credits.
            raise UserError(
                f"customerBill {bill_id}: already closed; a closed bill is never billed again nor edited (III.9.2)",
                code="conflict",
                field="period",
                details={"clause": "III.9.2", "bill": bill_id},
            )
    close_cycle(ws, period, [account])
    audit_by(ws.engine, by, "bill.run", bill_id, {"account": account, "period": period})
    return get_bill(ws, bill_id, by)


def replay(engine: Engine, idem: Idempotency | None) -> tuple[int, Mapping[str, Any]] | None:
    """The response kept under a bill run's Idempotency-Key, if any; the same key with another
    request is refused. (A bill run is no event the gateway records: `close_cycle` appends the
    cycle's close, dated its last day, so its response is kept here.)"""
    if idem is None:
        return None
    with engine.connect() as conn:
        kept = kept_response(conn, idem.principal, idem.key)
    if kept is None:
        return None
    if kept.request_hash != idem.request_hash:
        raise UserError(
            f"Idempotency-Key {idem.key!r} was used with another request; expected the same method, "
            "path and body as its first use, or a new key",
            code="idempotency_key_reused",
            field="Idempotency-Key",
        )
    return kept.status_code, kept.response


def keep(engine: Engine, idem: Idempotency | None, status: int, body: Mapping[str, Any], now: dt.datetime) -> None:
    """Keep a bill run's response under its Idempotency-Key."""
    if idem is not None:
        with writing(engine) as conn:
            keep_response(conn, idem.principal, idem.key, idem.request_hash, status, dict(body), now)
