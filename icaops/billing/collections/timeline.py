"""Fold an account's billing events into its history, one handler per event type (handlers.py).

Events are folded in date order (declared bills, then payments, disputes and deposits on a day,
then the cycles closed that day, whose bills are dated the next day); the
same events always give the same history, and an event repeated in the log changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal

from ...calendar.deadlines import Deadlines
from ...money import to_money
from ...relationship.events import Event
from ...terms.schema import Terms
from .book import Book
from .context import BillComputer, FoldTerms
from .handlers import HANDLERS
from .history import AccountHistory

__all__ = ["BILLING_EVENTS", "AccountHistory", "BillComputer", "FoldTerms", "fold_account", "fold_event"]

BILLING_EVENTS = tuple(HANDLERS)
# Events of a day fold bills first (a payment on a Bill Date pays toward that bill too), but a
# cycle closed on a day issues its bill the day after (II.2.8): that day's payments and disputes
# come before it, so that its carried late charges see a payment made on an earlier bill's due date.
_RANK = {t: len(BILLING_EVENTS) if t == "billing.cycle_closed" else i for i, t in enumerate(BILLING_EVENTS)}


def fold_event(state: AccountHistory, e: Event, ft: FoldTerms) -> AccountHistory:
    """The history after one more billing event; a refused event only adds its error."""
    state, errors = HANDLERS[e.type](state, e, ft)
    return replace(state, errors=state.errors + errors) if errors else state


def _forecast(account_id: str, events: Iterable[Event], as_of: dt.date) -> Decimal | None:
    """III.6.2: a deposit request without its own figure uses the forecast on the account."""
    forecast = None
    for e in events:
        if (
            e.type == "billing.account_opened"
            and e.get("account") == account_id
            and e.get("monthly_forecast") is not None
            and e.date <= as_of
        ):
            forecast = to_money(e.get("monthly_forecast"))
    return forecast


def fold_account(
    account_id: str,
    events: Iterable[Event],
    terms: Terms,
    as_of: dt.date,
    compute: BillComputer | None = None,
    cycle_close_day: int | None = None,
) -> AccountHistory:
    """The account's history from its events dated on or before `as_of`.

    `compute` computes the bill of a `billing.cycle_closed` event; `cycle_close_day` is the
    account's cycle close day, which fixes those bills' Bill Dates (II.2.8)."""
    events = tuple(events)
    ft = FoldTerms(terms, Deadlines(terms), compute, cycle_close_day)
    state = AccountHistory(
        account_id, as_of, Book(account_id, terms), monthly_forecast=_forecast(account_id, events, as_of)
    )
    mine = [e for e in events if e.type in _RANK and e.get("account", account_id) == account_id and e.date <= as_of]
    seen: set[tuple[str, str]] = set()
    for e in sorted(mine, key=lambda e: (e.date, _RANK[e.type], e.seq)):
        key = (e.id, e.fingerprint())
        if key not in seen:  # the same event twice is one event
            seen.add(key)
            state = fold_event(state, e, ft)
    return state
