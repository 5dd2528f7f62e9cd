"""Billing disputes through the gateway (III.9.4, III.9.4.1): filed by a CLEC against lines of one
of its bills, resolved by the ILEC, each recorded as billing's own event (`billing_dispute.filed`,
`billing_dispute.resolved`) and checked, under the log's lock, by collections' fold of the
account with the new event: what collections refuses is refused with its clause and not stored.

Whether a dispute is timely, what it holds apart, when its credit is due and on which bill it
was credited are collections' answers (`dispute.ID.…` queries), never recomputed here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Engine, select, tuple_

from ..billing.books import Books
from ..billing.collections.errors import QueryError
from ..billing.collections.facts import DisputeFact, DisputeItem
from ..billing.collections.history import AccountHistory
from ..billing.collections.records import DISPUTE_QUERIES
from ..calendar.deadlines import Deadlines
from ..explain import Explained
from ..identity.model import Actor
from ..relationship.events import Event
from ..store.events import load_events
from ..store.models import EventRow
from ..terms.loader import Agreement
from .errors import UserError
from .gateway.actions import Check
from .gateway.projection import Refusal, Step
from .identity import audit_by, authorise
from .workspace import Workspace

__all__ = [
    "FILED",
    "RESOLVED",
    "DisputeState",
    "dispute_account",
    "dispute_seen_by",
    "dispute_state",
    "disputes_page",
    "file_check",
    "history_of",
    "read_dispute",
    "resolve_check",
]

FILED = "billing_dispute.filed"
RESOLVED = "billing_dispute.resolved"
_RESOLUTION_CODES = frozenset({"dispute_unknown", "resolution_out_of_range"})


@dataclass(frozen=True, slots=True)
class _Clauses:
    """The clauses a refused filing or resolution cites, from the billing dispute terms in
    force on the event's day: filing by the Bill Due Date, and the resolution and its credit."""

    filing: str
    resolution: str


def _clauses(agreement: Agreement, on: dt.date) -> _Clauses:
    billing = agreement.terms_at(on).billing
    return _Clauses(billing.dispute_filing_on_due_date_allowed.clause, billing.dispute_credit_by_nth_due_date.clause)


@dataclass(frozen=True, slots=True)
class DisputeState:
    """A billing dispute as collections sees it on a day: the bill, the items, whether it was
    filed by the Bill Due Date (the deadline for a timely dispute), what it still holds apart,
    and once resolved, the amount for the CLEC, the credit's deadline and the bill carrying it."""

    id: str
    account: str
    bill_id: str
    filed_on: dt.date
    amount: Decimal
    items: tuple[DisputeItem, ...]
    timely: Explained[bool]
    dispute_by: Explained[dt.date]
    held: Explained[Decimal]
    state: str  # open | resolved
    resolved_on: dt.date | None
    amount_for_clec: Decimal | None
    credit_due_by: Explained[dt.date] | None
    credited_on: Explained[Any] | None


def _log(conn: Connection) -> tuple[Event, ...]:
    """The whole log in order, as `Workspace.events` reads it (bills are computed from it)."""
    tenants = conn.execute(select(EventRow.tenant).distinct()).scalars().all()
    events = [e for t in tenants for e in load_events(conn, t)]
    return tuple(sorted(events, key=lambda e: (e.date, e.seq)))


def history_of(agreement: Agreement, events: tuple[Event, ...], account: str, on: dt.date) -> AccountHistory:
    """The account's collections history on a day, computed bills included."""
    return Books(agreement, events).history(account, on)


def _answer(h: AccountHistory, dispute: DisputeFact, what: str, dl: Deadlines) -> Explained[Any] | None:
    answer = DISPUTE_QUERIES[what](h, dispute, dl)
    return None if isinstance(answer, QueryError) else answer


def dispute_state(h: AccountHistory, dispute_id: str, dl: Deadlines) -> DisputeState | None:
    """The dispute's state in the history, or None when the history has no such dispute."""
    dispute = h.disputes.get(dispute_id)
    if dispute is None:
        return None
    resolution = h.resolutions.get(dispute_id)
    timely = _answer(h, dispute, "timely", dl)
    held = _answer(h, dispute, "held", dl)
    assert timely is not None and held is not None  # answered for every dispute of the history
    credit_due = _answer(h, dispute, "credit_due_by", dl) if resolution and resolution.amount_for_clec > 0 else None
    return DisputeState(
        dispute.id,
        dispute.account_id,
        dispute.bill_id,
        dispute.filed_on,
        dispute.amount,
        dispute.items,
        timely,
        dl.dispute_filing_deadline(h.bills[dispute.bill_id].bill_date),
        held,
        "resolved" if resolution else "open",
        resolution.resolved_on if resolution else None,
        resolution.amount_for_clec if resolution else None,
        credit_due,
        _answer(h, dispute, "credited_on", dl) if credit_due is not None else None,
    )


def _refusals(h: AccountHistory, event: Event, clauses: _Clauses) -> tuple[Refusal, ...]:
    return tuple(
        Refusal(str(e.code), e.field, e.expected, clauses.resolution if e.code in _RESOLUTION_CODES else clauses.filing)
        for e in h.errors
        if e.event == event.id
    )


def _lines(h: AccountHistory, bill_id: str) -> dict[str, Decimal]:
    """The lines a dispute may name, with their amounts: collections' lines of the bill (each
    charge line, the recurring total `BILL:mrc`) and each per-WTN recurring line `BILL:LINE`."""
    lines = {line.line_id: line.amount for line in h.bills[bill_id].lines}
    full = h.full_bills.get(bill_id)
    if full is not None and full.recurring.num_rows:
        ids = full.recurring.column("line_id").to_pylist()
        amounts = full.recurring.column("amount").to_pylist()
        lines.update({f"{bill_id}:{i}": a for i, a in zip(ids, amounts, strict=True)})
    return lines


def _item_refusals(h: AccountHistory, event: Event, filing: str) -> tuple[Refusal, ...]:
    """III.9.4: written notice with "the specific details and reasons for disputing each item":
    every item names a line of the bill, for at most the line's amount, with its reason; a
    given amount is the items' sum."""
    bill_id = str(event.get("bill"))
    if bill_id not in h.bills:
        known = ", ".join(h.bills) or "none"
        return (Refusal("bill_unknown", "bill", f"a closed bill of {h.account_id} (known: {known})", filing),)
    items = event.get("items") or ()
    if not items:
        return (Refusal("dispute_items_missing", "items", "at least one item: {line, amount, reason}", filing),)
    lines = _lines(h, bill_id)
    found = []
    for i, item in enumerate(items):
        line, amount = str(item.get("line")), Decimal(str(item.get("amount")))
        if line not in lines:
            found.append(Refusal("line_unknown", f"items.{i}.line", f"a line of bill {bill_id}, not {line!r}", filing))
        elif amount > lines[line]:
            found.append(
                Refusal(
                    "dispute_item_exceeds_line",
                    f"items.{i}.amount",
                    f"at most the ${lines[line]} billed on line {line}, not ${amount}",
                    filing,
                )
            )
        if not str(item.get("reason") or "").strip():
            found.append(Refusal("dispute_reason_missing", f"items.{i}.reason", "the reason for this item", filing))
    given = event.get("amount")
    total = sum((Decimal(str(item.get("amount"))) for item in items), Decimal("0"))
    if given is not None and Decimal(str(given)) != total:
        found.append(Refusal("dispute_amount_mismatch", "amount", f"the items' sum ${total}, or no amount", filing))
    return tuple(found)


def file_check(agreement: Agreement) -> Check:
    """The check of a dispute filed through the gateway: its items against the bill's lines,
    then collections' fold of the account with it (the amount at most what is not already
    disputed, III.9.4). The step's state is the history after it."""

    def check(conn: Connection, event: Event) -> Step:
        log = _log(conn)
        account = str(event.get("account"))
        clauses = _clauses(agreement, event.date)
        before = history_of(agreement, log, account, event.date)
        if refused := _item_refusals(before, event, clauses.filing):
            return Step(before, refused, False, ())
        after = history_of(agreement, (*log, event), account, event.date)
        refused = _refusals(after, event, clauses)
        return Step(after, refused, not refused, ())

    return check


def resolve_check(agreement: Agreement) -> Check:
    """The check of a resolution (III.9.4.1): a dispute of the account, not resolved before, for
    an amount from zero to the disputed amount."""

    def check(conn: Connection, event: Event) -> Step:
        log = _log(conn)
        account = str(event.get("account"))
        clauses = _clauses(agreement, event.date)
        before = history_of(agreement, log, account, event.date)
        ref = str(event.get("refers_to"))
        if ref in before.resolutions:
            on = before.resolutions[ref].resolved_on.isoformat()
            why = f"a dispute not resolved yet ({ref} was resolved on {on})"
            refusal = Refusal("dispute_already_resolved", "refers_to", why, clauses.resolution)
            return Step(before, (refusal,), False, ())
        after = history_of(agreement, (*log, event), account, event.date)
        refused = _refusals(after, event, clauses)
        return Step(after, refused, not refused, ())

    return check


def dispute_account(engine: Engine, dispute_id: str) -> str:
    """The account (tenant) a dispute was filed for; not_found when the log has none."""
    with engine.connect() as conn:
        tenant = conn.execute(
            select(EventRow.tenant).where(EventRow.type == FILED, EventRow.event_id == dispute_id)
        ).scalar()
    if tenant is None:
        raise UserError(f"billingDispute {dispute_id}: not found", code="not_found", field="id")
    return str(tenant)


def dispute_seen_by(engine: Engine, actor: Actor, permission: str, dispute_id: str) -> str:
    """The account of a dispute `actor` may act on with `permission`. Another tenant's dispute
    is not found with the very answer of one that does not exist (OWASP API1)."""
    authorise(actor, permission)
    account = dispute_account(engine, dispute_id)
    try:
        authorise(actor, permission, account)
    except UserError as exc:
        if exc.code != "not_found":
            raise
        raise UserError(f"billingDispute {dispute_id}: not found", code="not_found", field="id") from None
    return account


def read_dispute(ws: Workspace, dispute_id: str, on: dt.date, by: Actor | None = None) -> DisputeState:
    """A dispute's state on a day (its account found with `dispute_account` and authorised by
    the caller); the read goes to the audit log."""
    account = dispute_account(ws.engine, dispute_id)
    shown = dispute_state(
        history_of(ws.agreement, ws.events(), account, on), dispute_id, Deadlines(ws.agreement.terms_at(on))
    )
    if shown is None:  # filed in a file load and refused by collections: no dispute
        raise UserError(f"billingDispute {dispute_id}: not found", code="not_found", field="id")
    audit_by(ws.engine, by, "billingDispute.read", dispute_id, {"account": account})
    return shown


def disputes_page(
    ws: Workspace,
    accounts: list[str] | None,
    on: dt.date,
    bill: str | None = None,
    state: str | None = None,
    after: tuple[str, str] | None = None,
    limit: int = 50,
    by: Actor | None = None,
) -> list[tuple[str, str, DisputeState]]:
    """A page of the disputes of these accounts (None: every account) on a day, in (account,
    id) order after `after`, of one bill and in one state when given; the read is audited."""
    engine, agreement = ws.engine, ws.agreement
    query = select(EventRow.tenant, EventRow.event_id).where(EventRow.type == FILED)
    if accounts is not None:
        query = query.where(EventRow.tenant.in_(sorted(accounts)))
    if after is not None:
        query = query.where(tuple_(EventRow.tenant, EventRow.event_id) > tuple_(*after))
    with engine.connect() as conn:
        keys = conn.execute(query.order_by(EventRow.tenant, EventRow.event_id)).all()
    dl = Deadlines(agreement.terms_at(on))
    events = ws.events() if keys else ()
    histories: dict[str, AccountHistory] = {}
    found: list[tuple[str, str, DisputeState]] = []
    for tenant, dispute_id in keys:
        if tenant not in histories:
            histories[tenant] = history_of(agreement, events, tenant, on)
        shown = dispute_state(histories[tenant], dispute_id, dl)
        if (
            shown is None
            or (bill is not None and shown.bill_id != bill)
            or (state is not None and shown.state != state)
        ):
            continue
        found.append((tenant, dispute_id, shown))
        if len(found) == limit:
            break
    if found:
        audit_by(engine, by, "billingDispute.listed", ",".join(k for _, k, _ in found)[:300])
    return found
