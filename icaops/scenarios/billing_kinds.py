"""Billing events and `billing.ACCOUNT.…` state queries for scenario files.

A scenario can declare bills (`bill.issued`) or build them from an inventory of
`service.added` / `service.removed` events and billable events, closed by
`billing.cycle_closed`; collections then works on either. Accounts, inventories and bills
are read by `icaops.billing.books.Books`, exactly as the CLI reads a carrier's live log.
"""

from __future__ import annotations

import datetime as dt

from ..billing.books import ACCOUNT_EVENTS, Books
from ..billing.collections import status
from ..billing.collections.errors import QueryError
from ..billing.collections.timeline import BILLING_EVENTS
from ..explain import Explained
from .kinds import STATE_QUERIES, Context, KNOWN_EVENT_TYPES

__all__ = ["billing_state"]


def billing_state(ctx: Context, name: str, on: dt.date) -> Explained | None:
    """Answer `billing.ACCOUNT.QUERY` from the scenario's events, or None for other names."""
    if not name.startswith("billing."):
        return None
    _, account_id, *rest = name.split(".")
    if not rest:
        raise KeyError(f"{name}: expected billing.ACCOUNT.QUERY (see docs/scenarios.md)")
    history = Books(ctx.agreement, ctx.events).history(account_id, on)
    ctx.errors.extend(e for e in history.errors if e not in ctx.errors)
    answer = status.query(history, ".".join(rest), on, ctx.deadlines(on), ctx.lifecycle)
    if isinstance(answer, QueryError):
        raise KeyError(answer.message)  # the scenario runner reports a KeyError's message as the expectation's error
    return answer


STATE_QUERIES.append(billing_state)
KNOWN_EVENT_TYPES.update(BILLING_EVENTS + ACCOUNT_EVENTS)
