"""Late payment charges per tranche (III.9.3), billed incrementally statement by statement.

A dollar of undisputed charges not paid by the Bill Due Date accrues, compounded daily,
from the Bill Date until the day it is paid. Each statement bills what has accrued since
the previous one (rounded so the cents billed to date always equal the accrual to date);
a dispute resolved in the CLEC's favour makes the accrual fall, and the fall is credited.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ...money import CALC_CONTEXT, ZERO, round_money
from ...terms.schema import Terms
from ..late_charge import compound_factor, monthly_rate
from .book import Book, Tranche

__all__ = ["accrued", "late_charges_to_bill", "pending_late_charges"]


def _factor(terms: Terms, start: dt.date, end: dt.date) -> Decimal:
    return compound_factor(terms, monthly_rate(terms).value, start, end).value


def accrued(t: Tranche, on: dt.date, terms: Terms, *, include_pending: bool = False) -> Decimal:
    """The late payment charge accrued on tranche `t` up to `on` (exact, unrounded)."""
    if t.kind != "charge" or t.outcome == "for_clec":
        return ZERO
    end = on if t.paid_on is None else min(t.paid_on, on)
    # III.9.4: a dispute filed by the Bill Due Date holds its amount apart while open; its
    # late charges are due only if it is resolved against the billed Party. One filed after
    # it keeps accruing, unless the terms say late-filed disputes do not: then only the
    # charges up to its filing are due while it is open, the rest like a timely one's.
    if t.dispute_id is not None and t.outcome is None and not include_pending:
        if t.timely:
            return ZERO
        if not terms.billing.late_filed_disputes_accrue_late_charges.value and t.disputed_on is not None:
            end = min(end, t.disputed_on)
    if end <= t.due_date:
        return ZERO
    start = t.bill_date if terms.billing.late_payment.accrues_from.value == "bill_date" else t.due_date
    return CALC_CONTEXT.multiply(t.amount, _factor(terms, start, end))


def late_charges_to_bill(book: Book, statement_date: dt.date) -> dict[str, Decimal]:
    """Per earlier bill, the late payment charge to put on a statement dated `statement_date`."""
    totals: dict[str, Decimal] = {}
    for t in book.tranches:
        if t.bill_date < statement_date:
            totals[t.bill_id] = totals.get(t.bill_id, ZERO) + accrued(t, statement_date, book.terms)
    out = {}
    for bill_id, total in totals.items():
        to_date = round_money(total, book.terms.money)
        increment = to_date - book.late_billed.get(bill_id, ZERO)
        if increment:
            out[bill_id] = increment
    return out


def pending_late_charges(book: Book, on: dt.date) -> Decimal:
    """Late charges accrued on disputed amounts while their dispute is open and not yet due:
    due only if it is resolved against the CLEC (III.9.4)."""
    total = ZERO
    for t in book.tranches:
        if t.dispute_id is not None and t.outcome is None:
            total += accrued(t, on, book.terms, include_pending=True) - accrued(t, on, book.terms)
    return round_money(total, book.terms.money)
