"""LSR orders in scenario files: the order events and `lsr.…` state queries.

The order fold (icaops/orders) takes the collections standing as a plain record; here it is
filled from the scenario's log as billing reads it: the account opened (certificate, CLEC
Profile), `orders_may_be_refused` (III.9.5.1) and the deposit requests not yet provided in
full (III.6.9), each as of the day of the submission.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from types import MappingProxyType

from ..billing.books import Books
from ..orders import lifecycle as orders
from ..orders.model import OrdersState, Standing
from ..orders.queries import query
from ..orders.standing import standing_from_books
from .context import Answer, Context, StateQuery

__all__ = ["ORDER_EVENTS", "ORDER_QUERIES", "fold_log", "standing_from_log"]


def _books(ctx: Context) -> Books:
    return ctx.memo.get("orders.books", lambda: Books(ctx.agreement, ctx.events))


def standing_from_log(ctx: Context, account_id: str, on: dt.date) -> Standing:
    """The collections standing of an account on a day, as billing computes it from the log."""
    return standing_from_books(_books(ctx), ctx.lifecycle, ctx.deadlines, account_id, on)


def fold_log(ctx: Context, on: dt.date) -> tuple[OrdersState, tuple]:
    """The orders folded from the scenario's events dated up to `on` (once per run and date)."""

    def compute() -> tuple[OrdersState, tuple]:
        events = tuple(e for e in ctx.events if e.date <= on)
        inputs = orders.Inputs(
            ctx.agreement.terms_at(on), ctx.lifecycle, lambda account, day: standing_from_log(ctx, account, day)
        )
        state, errors = orders.fold(events, inputs)
        return state, tuple(errors)

    return ctx.memo.get(("orders.state", on), compute)


def orders_state(ctx: Context, name: str, on: dt.date) -> Answer:
    """Answer `lsr.…` from the scenario's events folded up to `on`."""
    state, errors = fold_log(ctx, on)
    return Answer(query(state, name, on, ctx.agreement.terms_at(on)), errors)


ORDER_QUERIES: Mapping[str, StateQuery] = MappingProxyType({"lsr": orders_state})
"""State queries by the first segment of their name."""

ORDER_EVENTS: tuple[str, ...] = orders.OWN_EVENT_TYPES
"""Event types the orders define (they also read billing's service.added / service.removed)."""
