"""Billing disputes filed and resolved (III.9.4, III.9.4.1): the handlers and their checks."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from ...money import ZERO, to_money
from ...relationship.events import Event
from .context import FoldTerms, Outcome
from .errors import BillingError, Code, billing_error
from .facts import BillFact, DisputeFact, DisputeItem, ResolutionFact
from .history import AccountHistory, put
from .parse import amount_of, missing

__all__ = ["dispute_filed", "dispute_resolved"]


def dispute_filed(h: AccountHistory, e: Event, ft: FoldTerms) -> Outcome:
    """A written billing dispute: the amount is carved out of its bill's charges (III.9.4)."""
    if err := missing(e, "bill"):
        return h, err
    given = amount_of(e) if e.get("amount") is not None else None
    if isinstance(given, BillingError):
        return h, (given,)
    bill_id = str(e.get("bill"))
    bill = h.bills.get(bill_id)
    if bill is None:
        return h, (
            billing_error(
                Code.BILL_UNKNOWN, e, "refers_to", f"no bill {bill_id!r} (known: {', '.join(h.bills) or 'none'})"
            ),
        )
    items = tuple(
        DisputeItem(str(i.get("line")), to_money(i.get("amount")), str(i.get("reason", "")))
        for i in (e.get("items") or [])
    )
    amount = given if given is not None else sum((i.amount for i in items), ZERO)
    if not items and not e.get("reason"):
        return h, (
            billing_error(
                Code.DISPUTE_ITEMS_MISSING,
                e,
                "items",
                "the specific details and reasons for each disputed item (III.9.4)",
            ),
        )
    if err := _not_disputable(h, e, bill, amount, items):
        return h, err
    filing = ft.terms.billing.dispute_filing_on_due_date_allowed.value
    timely = e.date <= bill.due_date.value if filing else e.date < bill.due_date.value
    dispute = DisputeFact(e.id, h.account_id, bill_id, e.date, amount, items, timely)
    return replace(h, disputes=put(h.disputes, e.id, dispute), book=h.book.add_dispute(dispute)), ()


def _not_disputable(
    h: AccountHistory, e: Event, bill: BillFact, amount: Decimal, items: tuple[DisputeItem, ...]
) -> tuple[BillingError, ...]:
    """A dispute can hold no more than the bill's charges not already disputed, nor an item more than its line (III.9.4)."""
    if amount <= 0:
        return (billing_error(Code.DISPUTE_AMOUNT_NOT_POSITIVE, e, "amount", "a disputed amount greater than zero"),)
    lines = {line.line_id: line.amount for line in bill.lines}
    for item in items:
        if item.line_id in lines and item.amount > lines[item.line_id]:
            return (
                billing_error(
                    Code.DISPUTE_ITEM_EXCEEDS_LINE,
                    e,
                    "items",
                    f"at most the ${lines[item.line_id]} billed on line {item.line_id}, not ${item.amount}",
                ),
            )
    open_ = sum(
        (
            t.amount
            for t in h.book.tranches
            if t.bill_id == bill.bill_id and t.kind == "charge" and t.dispute_id is None
        ),
        ZERO,
    )
    if amount > open_:
        return (
            billing_error(
                Code.DISPUTE_EXCEEDS_OPEN,
                e,
                "amount",
                f"at most the ${open_} of bill {bill.bill_id} not already disputed, not ${amount}",
            ),
        )
    return ()


def dispute_resolved(h: AccountHistory, e: Event, ft: FoldTerms) -> Outcome:
    """A dispute resolved: `amount_for_clec` in the billed Party's favour, the rest against it (III.9.4.1)."""
    if err := missing(e, "refers_to"):
        return h, err
    ref = str(e.get("refers_to"))
    dispute = h.disputes.get(ref)
    if dispute is None:
        return h, (
            billing_error(
                Code.DISPUTE_UNKNOWN,
                e,
                "refers_to",
                f"no billing dispute {ref!r} (known: {', '.join(h.disputes) or 'none'})",
            ),
        )
    for_clec = to_money(e.get("amount_for_clec", "0"))
    if for_clec < 0 or for_clec > dispute.amount:
        return h, (
            billing_error(
                Code.RESOLUTION_OUT_OF_RANGE, e, "amount_for_clec", f"an amount from 0 to the disputed {dispute.amount}"
            ),
        )
    resolution = ResolutionFact(ref, e.date, for_clec)
    return replace(h, resolutions=put(h.resolutions, ref, resolution), book=h.book.resolve(ref, e.date, for_clec)), ()
