"""An account's collections status on a date: what is owed, past due, and what may happen next.

`QUERIES` names each account-level question (docs/scenarios.md, `billing.ACCOUNT.QUERY`);
`bill.ID.…`, `dispute.ID.…` and `deposit.ID.…` ask about one bill, dispute or deposit request
(records.py). `query` answers any of them, or returns a `QueryError` for a name it does not know.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from ...calendar.deadlines import Deadlines
from ...explain import Explained, Step
from ...money import ZERO, round_money
from ...relationship.lifecycle import Lifecycle
from .accrual import accrued, pending_late_charges
from .errors import Code, QueryError
from .history import AccountHistory
from .interest import cash_deposit_interest
from .records import bill_query, deposit_query, dispute_query
from .standing import (
    delinquencies,
    deposit_amount,
    deposit_trigger,
    disconnection,
    may_draw,
    orders_refusable,
    repeated_delinquency,
)

__all__ = ["QUERIES", "Query", "delinquencies", "deposit_amount", "query"]

Query = Callable[[AccountHistory, dt.date, Deadlines, "Lifecycle | None"], Explained[Any]]


def _money(value: Decimal, text: str, clause: str) -> Explained[Decimal]:
    return Explained(value, (Step(text, clause),))


def balance(h: AccountHistory, on: dt.date, dl: Deadlines, life: Lifecycle | None) -> Explained[Decimal]:
    """Unpaid charges less credit on account (III.9.2)."""
    book = h.book
    return _money(
        book.unpaid(on) - book.unapplied,
        f"unpaid ${book.unpaid(on)} less credit on account ${book.unapplied}",
        dl.terms.deadlines["bill_due_date"].clause,
    )


def past_due(h: AccountHistory, on: dt.date, dl: Deadlines, life: Lifecycle | None) -> Explained[Decimal]:
    """Undisputed charges unpaid after their Bill Due Date (III.9.3)."""
    return _money(
        h.book.unpaid(on, held=False, past_due=True),
        "undisputed charges unpaid after their Bill Due Date",
        dl.terms.billing.late_payment.applies_to.clause,
    )


def undisputed_unpaid(h: AccountHistory, on: dt.date, dl: Deadlines, life: Lifecycle | None) -> Explained[Decimal]:
    """All undisputed charges billed and unpaid, due or not (III.9.5.1)."""
    return _money(
        h.book.unpaid(on, held=False),
        "all undisputed charges billed and unpaid, due or not",
        dl.terms.billing.resume_requires_full_undisputed_payment.clause,
    )


def disputed_held(h: AccountHistory, on: dt.date, dl: Deadlines, life: Lifecycle | None) -> Explained[Decimal]:
    """Amounts held apart by open disputes, or awaiting their credit (III.9.4)."""
    return _money(
        h.book.unpaid(on, held=True),
        "amounts held apart by open disputes (or awaiting their credit)",
        dl.terms.billing.dispute_filing_on_due_date_allowed.clause,
    )


def credit_on_account(h: AccountHistory, on: dt.date, dl: Deadlines, life: Lifecycle | None) -> Explained[Decimal]:
    """Payments and credits not yet applied (III.9.2)."""
    return _money(h.book.unapplied, "payments and credits not yet applied", dl.terms.deadlines["bill_due_date"].clause)


def late_charges_pending(h: AccountHistory, on: dt.date, dl: Deadlines, life: Lifecycle | None) -> Explained[Decimal]:
    """Late payment charges on amounts under open dispute, due only if resolved against the CLEC (III.9.4)."""
    late_filed = dl.terms.billing.late_filed_disputes_accrue_late_charges
    which = (
        "timely disputed amounts"
        if late_filed.value
        else "timely disputed amounts, and amounts disputed after the Bill Due Date from the day of filing"
    )
    return _money(
        pending_late_charges(h.book, on),
        f"late payment charges on {which}: due only if resolved against the billed Party",
        late_filed.clause,
    )


def late_charges_accrued(h: AccountHistory, on: dt.date, dl: Deadlines, life: Lifecycle | None) -> Explained[Decimal]:
    """Late payment charges accrued since the last statement, to be billed on the next (III.9.3)."""
    per_bill: dict[str, Decimal] = {}
    for t in h.book.tranches:
        per_bill[t.bill_id] = per_bill.get(t.bill_id, ZERO) + accrued(t, on, h.book.terms)
    total = ZERO
    for bill_id, amount in per_bill.items():
        total += round_money(amount, h.book.terms.money) - h.book.late_billed.get(bill_id, ZERO)
    return _money(
        total,
        "late payment charges accrued since the last statement, to be billed on the next",
        dl.terms.billing.late_payment.rate_per_month.clause,
    )


def amount_to_resume(h: AccountHistory, on: dt.date, dl: Deadlines, life: Lifecycle | None) -> Explained[Decimal]:
    """What must be paid for order processing to resume (III.9.5.1): all undisputed charges billed
    and unpaid, or, with `billing.resume_requires_full_undisputed_payment` false, the past-due ones."""
    full = dl.terms.billing.resume_requires_full_undisputed_payment
    if full.value:
        return _money(
            h.book.unpaid(on, held=False), "full payment of all past and current undisputed charges", full.clause
        )
    return _money(
        h.book.unpaid(on, held=False, past_due=True),
        "payment of the undisputed charges past their Bill Due Date (current charges not required)",
        full.clause,
    )


def repeatedly_delinquent(h: AccountHistory, on: dt.date, dl: Deadlines, life: Lifecycle | None) -> Explained[bool]:
    """Repeatedly delinquent in the window (II.2.58, III.6.3)."""
    return repeated_delinquency(h, on, dl)


def orders_may_be_refused(h: AccountHistory, on: dt.date, dl: Deadlines, life: Lifecycle | None) -> Explained[bool]:
    """May orders be refused for non-payment (III.9.5.1)?"""
    return orders_refusable(h, on, dl, life)


def earliest_disconnection(
    h: AccountHistory, on: dt.date, dl: Deadlines, life: Lifecycle | None
) -> Explained[dt.date | None]:
    """The earliest day service may be disconnected for non-payment (III.9.5.2)."""
    return disconnection(h, on, dl, life)


def may_draw_deposit(h: AccountHistory, on: dt.date, dl: Deadlines, life: Lifecycle | None) -> Explained[bool]:
    """May the ILEC draw on the deposit (III.6.7)?"""
    return may_draw(h, on, dl)


def deposit_held(h: AccountHistory, on: dt.date, dl: Deadlines, life: Lifecycle | None) -> Explained[Decimal]:
    """Cash deposit or letter of credit held (III.6.4)."""
    return _money(h.deposits.held, "cash deposit or letter of credit held", dl.terms.deposit.forms.clause)


def deposit_interest(h: AccountHistory, on: dt.date, dl: Deadlines, life: Lifecycle | None) -> Explained[Decimal]:
    """Interest owed to the CLEC on its cash deposit up to `on` (III.6.6)."""
    return cash_deposit_interest(h.deposits, on, dl.terms)


def deposit_may_be_requested(h: AccountHistory, on: dt.date, dl: Deadlines, life: Lifecycle | None) -> Explained[bool]:
    """May the ILEC request a deposit for late payment (III.6.1)?"""
    return deposit_trigger(h, on, dl)


QUERIES: Mapping[str, Query] = MappingProxyType(
    {
        "balance": balance,
        "past_due": past_due,
        "undisputed_unpaid": undisputed_unpaid,
        "disputed_held": disputed_held,
        "credit_on_account": credit_on_account,
        "late_charges_pending": late_charges_pending,
        "late_charges_accrued": late_charges_accrued,
        "amount_to_resume": amount_to_resume,
        "repeatedly_delinquent": repeatedly_delinquent,
        "orders_may_be_refused": orders_may_be_refused,
        "earliest_disconnection": earliest_disconnection,
        "may_draw_deposit": may_draw_deposit,
        "deposit_held": deposit_held,
        "deposit_interest": deposit_interest,
        "deposit_may_be_requested": deposit_may_be_requested,
    }
)


def query(
    h: AccountHistory, name: str, on: dt.date, dl: Deadlines, lifecycle: Lifecycle | None = None
) -> Explained[Any] | QueryError:
    """Answer a collections query (docs/scenarios.md, `billing.ACCOUNT.…`) as of `on`, or say why not."""
    parts = name.split(".")
    if parts[0] == "bill" and len(parts) >= 3:
        return bill_query(h, parts[1], tuple(parts[2:]), dl)
    if parts[0] == "dispute" and len(parts) == 3:
        return dispute_query(h, parts[1], parts[2], dl)
    if parts[0] == "deposit" and len(parts) == 3:
        return deposit_query(h, parts[1], parts[2], on, dl)
    if len(parts) == 1 and parts[0] in QUERIES:
        return QUERIES[parts[0]](h, on, dl, lifecycle)
    return QueryError(Code.QUERY_UNKNOWN, f"unknown billing query {name!r}")
