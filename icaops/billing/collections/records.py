"""Questions about one bill, dispute or deposit request: `bill.ID.…`, `dispute.ID.…`, `deposit.ID.…`.

Each family is a table of named answers; a name the table lacks, or an id the history does
not have, is a `QueryError` (errors.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from ...calendar.deadlines import Deadlines
from ...explain import Explained, Step
from ...money import ZERO
from .errors import Code, QueryError
from .facts import BillFact, DepositProvidedFact, DepositRequestFact, DisputeFact
from .history import AccountHistory
from .standing import deposit_amount

__all__ = [
    "BILL_QUERIES",
    "DEPOSIT_QUERIES",
    "DISPUTE_QUERIES",
    "bill_query",
    "completing_receipt",
    "deposit_query",
    "dispute_query",
]

Answer = Explained[Any] | QueryError

# What a bill holds (its lines and their sum) is the agreement's text on bills, not a term's value.
BILLS = "III.9.2"


# -- bill.ID.… ------------------------------------------------------------------------------


def bill_total(h: AccountHistory, bill: BillFact, args: tuple[str, ...], dl: Deadlines) -> Answer:
    """The sum of the bill's lines (III.9.2)."""
    return Explained(bill.total, (Step(f"sum of the {len(bill.lines)} lines of bill {bill.bill_id}", BILLS),))


def bill_due_date(h: AccountHistory, bill: BillFact, args: tuple[str, ...], dl: Deadlines) -> Answer:
    """The bill's Bill Due Date, explained."""
    return bill.due_date


def _carried(h: AccountHistory, bill: BillFact, category: str, dl: Deadlines) -> Explained[Decimal]:
    lines = [c for c in h.carried.get(bill.bill_id, ()) if c.category == category]
    steps = tuple(s for c in lines for s in c.explanation.steps)
    none = (Step(f"no {category} lines on bill {bill.bill_id}", dl.terms.billing.late_payment.rate_per_month.clause),)
    return Explained(sum((c.amount for c in lines), ZERO), steps or none)


def bill_late_charge(h: AccountHistory, bill: BillFact, args: tuple[str, ...], dl: Deadlines) -> Answer:
    """Late payment charges carried on the bill (III.9.3)."""
    return _carried(h, bill, "late_charge", dl)


def bill_credit(h: AccountHistory, bill: BillFact, args: tuple[str, ...], dl: Deadlines) -> Answer:
    """Dispute credits carried on the bill (III.9.4.1)."""
    return _carried(h, bill, "credit", dl)


def bill_adjustment(h: AccountHistory, bill: BillFact, args: tuple[str, ...], dl: Deadlines) -> Answer:
    """Audit adjustments carried on the bill (III.7.1.7)."""
    return _carried(h, bill, "adjustment", dl)


def bill_refused(h: AccountHistory, bill: BillFact, args: tuple[str, ...], dl: Deadlines) -> Answer:
    """`refused.EVENT`: was the event's charge refused on this computed bill (III.9.1, III.46.1)? The reasons are the steps."""
    if len(args) != 1:
        return QueryError(Code.QUERY_UNKNOWN, "unknown bill query 'refused'")
    source, full = args[0], h.full_bills.get(bill.bill_id)
    if full is None:
        return QueryError(
            Code.BILL_NOT_COMPUTED,
            f"bill {bill.bill_id!r} is not a computed bill (billing.cycle_closed): it has no refused charges",
        )
    refused = [r for r in full.refused if r.source == source]
    if refused:
        return Explained(
            True, tuple(Step(f"{r.code} for event {source} refused: {r.reason}", r.clause) for r in refused)
        )
    billed = [l.line_id for l in full.lines if l.source == source]
    text = (
        f"event {source} billed on {bill.bill_id}: {', '.join(billed)}"
        if billed
        else f"event {source} is not on bill {bill.bill_id}"
    )
    return Explained(False, (Step(text, BILLS),))


def bill_line(h: AccountHistory, bill: BillFact, args: tuple[str, ...], dl: Deadlines) -> Answer:
    """`line.LINE`: one line's amount, explained (a computed bill's own explanation when it has one)."""
    if len(args) != 1:
        return QueryError(Code.QUERY_UNKNOWN, "unknown bill query 'line'")
    full = h.full_bills.get(bill.bill_id)
    found = full.line(args[0]) if full else None
    if found is not None:
        return found.explanation
    for line in bill.lines:
        if line.line_id.endswith(args[0]):
            return Explained(line.amount, (Step(f"line {line.line_id}", BILLS),))
    return QueryError(Code.LINE_UNKNOWN, f"no line {args[0]!r} on bill {bill.bill_id}")


BillQuery = Callable[[AccountHistory, BillFact, tuple[str, ...], Deadlines], Answer]
BILL_QUERIES: Mapping[str, BillQuery] = MappingProxyType(
    {
        "total": bill_total,
        "due_date": bill_due_date,
        "late_charge": bill_late_charge,
        "credit": bill_credit,
        "adjustment": bill_adjustment,
        "refused": bill_refused,
        "line": bill_line,
    }
)


def bill_query(h: AccountHistory, bill_id: str, rest: tuple[str, ...], dl: Deadlines) -> Answer:
    """`bill.ID.WHAT[.ARG]`."""
    bill = h.bills.get(bill_id)
    if bill is None:
        return QueryError(Code.BILL_UNKNOWN, f"no bill {bill_id!r} (known: {', '.join(h.bills) or 'none'})")
    answer = BILL_QUERIES.get(rest[0])
    if answer is None:
        return QueryError(Code.QUERY_UNKNOWN, f"unknown bill query {rest[0]!r}")
    return answer(h, bill, rest[1:], dl)


# -- dispute.ID.… ---------------------------------------------------------------------------


def dispute_timely(h: AccountHistory, dispute: DisputeFact, dl: Deadlines) -> Answer:
    """Filed by the Bill Due Date, so its amount is held (III.9.4)?"""
    filing = dl.dispute_filing_deadline(h.bills[dispute.bill_id].bill_date)
    verdict = (
        "timely" if dispute.timely else "after the Bill Due Date — the amount bears late payment charges until resolved"
    )
    return filing.then(
        dispute.timely,
        f"filed {dispute.filed_on.isoformat()}: {verdict}",
        dl.terms.billing.dispute_filing_on_due_date_allowed.clause,
    )


def dispute_credit_due_by(h: AccountHistory, dispute: DisputeFact, dl: Deadlines) -> Answer:
    """The day a resolved dispute's credit is due by (III.9.4.1)."""
    resolution = h.resolutions.get(dispute.id)
    if resolution is None:
        return QueryError(Code.DISPUTE_NOT_RESOLVED, f"dispute {dispute.id} is not resolved")
    return dl.dispute_credit_deadline(resolution.resolved_on, h.bills[dispute.bill_id].bill_date)


def dispute_credited_on(h: AccountHistory, dispute: DisputeFact, dl: Deadlines) -> Answer:
    """The Bill Date of the bill carrying the dispute's credit, or None (III.9.4.1)."""
    clause = dl.terms.billing.dispute_credit_by_nth_due_date.clause
    carrier = h.credited.get(dispute.id)
    if carrier is None:
        return Explained(None, (Step("not yet credited", clause),))
    return Explained(h.bills[carrier].bill_date, (Step(f"credited on bill {carrier}", clause),))


def dispute_held(h: AccountHistory, dispute: DisputeFact, dl: Deadlines) -> Answer:
    """The amount the dispute still holds apart (III.9.4)."""
    held = sum((t.amount for t in h.book.dispute_tranches(dispute.id) if t.outcome is None), ZERO)
    return Explained(
        held,
        (
            Step(
                f"dispute {dispute.id}: amount still held apart",
                dl.terms.billing.dispute_filing_on_due_date_allowed.clause,
            ),
        ),
    )


DisputeQuery = Callable[[AccountHistory, DisputeFact, Deadlines], Answer]
DISPUTE_QUERIES: Mapping[str, DisputeQuery] = MappingProxyType(
    {
        "timely": dispute_timely,
        "credit_due_by": dispute_credit_due_by,
        "credited_on": dispute_credited_on,
        "held": dispute_held,
    }
)


def dispute_query(h: AccountHistory, dispute_id: str, what: str, dl: Deadlines) -> Answer:
    """`dispute.ID.WHAT`."""
    dispute = h.disputes.get(dispute_id)
    if dispute is None:
        return QueryError(Code.DISPUTE_UNKNOWN, f"no billing dispute {dispute_id!r}")
    answer = DISPUTE_QUERIES.get(what)
    if answer is None:
        return QueryError(Code.QUERY_UNKNOWN, f"unknown dispute query {what!r}")
    return answer(h, dispute, dl)


# -- deposit.ID.… ---------------------------------------------------------------------------


def _wanted(h: AccountHistory, request: DepositRequestFact, dl: Deadlines) -> Explained[Decimal]:
    if request.amount is not None:
        return Explained(
            request.amount, (Step(f"amount requested ${request.amount}", dl.terms.deposit.minimum_amount.clause),)
        )
    return deposit_amount(request.monthly_forecast if request.monthly_forecast is not None else h.monthly_forecast, dl)


def deposit_requested_amount(h: AccountHistory, request: DepositRequestFact, on: dt.date, dl: Deadlines) -> Answer:
    """The deposit asked for: the request's own figure, or computed per III.6.2."""
    wanted = _wanted(h, request, dl)
    if request.ground is None:
        return wanted
    ground = Step(
        f"requested on {request.requested_on.isoformat()} on the ground {request.ground}",
        dl.terms.deposit.triggers.clause,
    )
    return Explained(wanted.value, (ground, *wanted.steps))


def deposit_due_by(h: AccountHistory, request: DepositRequestFact, on: dt.date, dl: Deadlines) -> Answer:
    """The day the deposit must be provided by (III.6)."""
    return dl.rule("deposit_provide", request.requested_on, "deposit requested")


def completing_receipt(h: AccountHistory, request_id: str, wanted: Decimal) -> DepositProvidedFact | None:
    """The receipt with which the receipts for a deposit request first add up to the amount requested."""
    total = ZERO
    for receipt in sorted(h.deposits.receipts, key=lambda r: r.provided_on):
        if receipt.request_id == request_id:
            total += receipt.amount
            if total >= wanted:
                return receipt
    return None


def _complete_on(h: AccountHistory, request_id: str, wanted: Decimal) -> dt.date | None:
    """The day the receipts for a deposit request first add up to the amount requested."""
    receipt = completing_receipt(h, request_id, wanted)
    return None if receipt is None else receipt.provided_on


def deposit_in_default(h: AccountHistory, request: DepositRequestFact, on: dt.date, dl: Deadlines) -> Answer:
    """Is the CLEC in default for not providing the deposit in full in time (III.6)?"""
    due = dl.rule("deposit_provide", request.requested_on, "deposit requested")
    clause = dl.terms.deadline("deposit_provide").clause
    # III.6: "such deposit" is the amount requested (III.6.2); part of it is not the deposit.
    wanted = _wanted(h, request, dl).value
    complete = _complete_on(h, request.id, wanted)
    if complete is not None and complete <= due.value:
        return due.then(False, f"${wanted} provided in full on {complete.isoformat()}, in time", clause)
    if on <= due.value:
        return due.then(False, f"on {on.isoformat()} the 30 days have not run out", clause)
    if complete is not None and complete <= on:
        return due.then(
            False,
            f"not provided in full by {due.value.isoformat()} (a default), but completed on {complete.isoformat()}",
            clause,
        )
    got = sum((r.amount for r in h.deposits.receipts if r.request_id == request.id and r.provided_on <= on), ZERO)
    return due.then(
        True,
        f"${got} of the ${wanted} requested provided by {on.isoformat()}; not provided by {due.value.isoformat()}: a default",
        clause,
    )


DepositQuery = Callable[[AccountHistory, DepositRequestFact, dt.date, Deadlines], Answer]
DEPOSIT_QUERIES: Mapping[str, DepositQuery] = MappingProxyType(
    {
        "amount": deposit_requested_amount,
        "due_by": deposit_due_by,
        "in_default": deposit_in_default,
    }
)


def deposit_query(h: AccountHistory, request_id: str, what: str, on: dt.date, dl: Deadlines) -> Answer:
    """`deposit.ID.WHAT`."""
    request = h.deposits.requests.get(request_id)
    if request is None:
        return QueryError(Code.DEPOSIT_REQUEST_UNKNOWN, f"no deposit request {request_id!r}")
    answer = DEPOSIT_QUERIES.get(what)
    if answer is None:
        return QueryError(Code.QUERY_UNKNOWN, f"unknown deposit query {what!r}")
    return answer(h, request, on, dl)
