"""The collections standing the order gate takes, read from billing's books as of a day.

One function for every caller that folds orders from a log (the scenario runner, the
obligations): whether order processing is suspended for non-payment (III.9.5.1), the deposit
requests not provided in full (III.6.9), the certificate and CLEC Profile on file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from types import MappingProxyType

from ..billing.books import Books
from ..billing.collections import status
from ..billing.collections.errors import QueryError
from ..calendar.deadlines import Deadlines
from ..relationship.lifecycle import Lifecycle
from .model import Standing

__all__ = ["standing_from_books"]


def standing_from_books(
    books: Books, lifecycle: Lifecycle, deadlines: Callable[[dt.date], Deadlines], account_id: str, on: dt.date
) -> Standing:
    """The standing of an account on a day, as billing computes it from the log (`deadlines(on)`:
    the deadlines of the terms in force that day)."""
    account = books.accounts.get(account_id)
    if account is None:
        return Standing(account_id)
    history = books.history(account_id, on)
    refused = status.query(history, "orders_may_be_refused", on, deadlines(on), lifecycle)
    suspended = not isinstance(refused, QueryError) and bool(refused.value)
    why = "; ".join(s.text for s in refused.steps[-2:]) if suspended and not isinstance(refused, QueryError) else ""
    outstanding = []
    for rid in history.deposits.requests:
        amount = status.query(history, f"deposit.{rid}.amount", on, deadlines(on), lifecycle)
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
