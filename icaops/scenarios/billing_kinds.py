"""Billing events and `billing.ACCOUNT.…` state queries for scenario files.

A scenario can declare bills (`bill.issued`) or build them from an inventory of
`service.added` / `service.removed` events and billable events, closed by
`billing.cycle_closed`; collections then works on either. Accounts, inventories and bills
are read by `icaops.billing.books.Books`, exactly as the CLI reads a carrier's live log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from types import MappingProxyType

from ..billing.books import ACCOUNT_EVENTS, Books
from ..billing.collections import status
from ..billing.collections.errors import QueryError
from ..billing.collections.timeline import BILLING_EVENTS
from .context import Answer, Context, StateQuery

__all__ = ["BILLING_EVENT_TYPES", "BILLING_QUERIES", "billing_state"]


def billing_state(ctx: Context, name: str, on: dt.date) -> Answer:
    """Answer `billing.ACCOUNT.QUERY` from the scenario's events, with the errors reading the account found."""
    _, account_id, *rest = name.split(".")
    if not rest:
        raise KeyError(f"{name}: expected billing.ACCOUNT.QUERY (see docs/scenarios.md)")
    history = Books(ctx.agreement, ctx.events).history(account_id, on)
    answer = status.query(history, ".".join(rest), on, ctx.deadlines(on), ctx.lifecycle)
    if isinstance(answer, QueryError):
        raise KeyError(answer.message)  # the runner reports a KeyError's message as the expectation's error
    return Answer(answer, tuple(history.errors))


BILLING_QUERIES: Mapping[str, StateQuery] = MappingProxyType({"billing": billing_state})
"""State queries by the first segment of their name."""

BILLING_EVENT_TYPES: tuple[str, ...] = BILLING_EVENTS + ACCOUNT_EVENTS
"""Event types billing reads: collections events and the accounts' books."""
