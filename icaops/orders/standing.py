"""The collections standing the order gate reads, as billing computes it from the log.

The account opened (certificate, CLEC Profile: III.8.4, III.13.1), `orders_may_be_refused`
(III.9.5.1) and the deposit requests not yet provided in full (III.6.9), each as of a day.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import MappingProxyType

from ..billing.books import Books
from ..billing.collections import status
from ..billing.collections.errors import QueryError
from ..calendar.deadlines import Deadlines
from ..relationship.lifecycle import Lifecycle
from .model import Standing

__all__ = ["standing_of"]


def standing_of(books: Books, account_id: str, on: dt.date, deadlines: Deadlines, relationship: Lifecycle) -> Standing:
    """The standing of an account on a day (an unknown account has nothing on file)."""
    account = books.accounts.get(account_id)
    if account is None:
        return Standing(account_id)
    history = books.history(account_id, on)
    refused = status.query(history, "orders_may_be_refused", on, deadlines, relationship)
    suspended = not isinstance(refused, QueryError) and bool(refused.value)
    why = "; ".join(s.text for s in refused.steps[-2:]) if suspended and not isinstance(refused, QueryError) else ""
    outstanding = []
    for rid in history.deposits.requests:
        amount = status.query(history, f"deposit.{rid}.amount", on, deadlines, relationship)
        got = sum((r.amount for r in history.deposits.receipts if r.request_id == rid), Decimal(0))
        if isinstance(amount, QueryError) or got < amount.value:
            outstanding.append(rid)
    profile = {"ocn": account.ocn or "", "cc": account.company_code or "", "ccna": account.ccna or ""}
    return Standing(
        account_id,
        certificate_on_file=account.certificate_on_file,
        profile=MappingProxyType({k: v for k, v in profile.items() if v}),
        deposits_outstanding=tuple(outstanding),
        nonpayment_suspension=suspended,
        nonpayment_why=why,
    )
