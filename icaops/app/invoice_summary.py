"""The account summary an invoice prints, read from the account's history (the one adapter).

Everything here reads the collections history's public fields (`bills`, `payments`,
`disputes`, `resolutions`, `errors`) and the log's `deposit.drawn` events; when the history
changes shape, this is the one function to re-point.
"""

from __future__ import annotations

from decimal import Decimal

from ..billing.books import Books
from ..billing.model import Bill
from ..billing.outputs.statement import AccountSummary
from ..money import ZERO_CENTS, to_money

__all__ = ["account_summary"]


def account_summary(books: Books, bill: Bill) -> AccountSummary:
    """The balance block of `bill`'s invoice, from the account's history as of its Bill Date.

    Previous balance: every earlier bill's total less what was received (payments, deposit
    drawn, III.6) before the previous Bill Date. Payments: received from the previous Bill
    Date up to the day before this one. In dispute: disputes filed by this Bill Date and not
    resolved (III.9.4).
    """
    bill_date = bill.cycle.bill_date.value
    history = books.history(bill.account.id, bill_date)
    earlier = sorted(
        (b for b in history.bills.values() if b.bill_id != bill.id and b.bill_date < bill_date),
        key=lambda b: b.bill_date,
    )
    previous = earlier[-1] if earlier else None
    refused = {err.event for err in history.errors}
    received = [(p.received_on, p.amount) for p in history.payments]
    received += [
        (e.date, to_money(e.get("amount")))
        for e in books.events
        if e.type == "deposit.drawn"
        and e.get("account") == bill.account.id
        and e.date < bill_date
        and e.id not in refused
    ]
    since = previous.bill_date if previous else None
    before = sum((a for on, a in received if since is not None and on < since), ZERO_CENTS)
    payments = sum((a for on, a in received if (since is None or on >= since) and on < bill_date), ZERO_CENTS)
    previous_balance = sum((b.total for b in earlier), ZERO_CENTS) - before
    in_dispute: Decimal = sum(
        (d.amount for d in history.disputes.values() if d.id not in history.resolutions and d.filed_on <= bill_date),
        ZERO_CENTS,
    )
    return AccountSummary.of(
        bill,
        previous_balance=previous_balance,
        payments=payments,
        previous_bill_id=previous.bill_id if previous else None,
        previous_bill_date=previous.bill_date if previous else None,
        in_dispute=in_dispute,
    )
