"""What the rules read: the relationship's folded states as of a date, each from the existing fold.

`relationship_of` reads the log once: the lifecycle (relationship/lifecycle.py), every
account's collections history (billing/books.py) and the obligations' own acts (acts.py).
Nothing here recomputes what those folds compute.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from types import MappingProxyType

from ..billing.books import Books
from ..billing.collections.history import AccountHistory
from ..billing.cycle import parse_period
from ..billing.model import Account
from ..calendar.deadlines import Deadlines
from ..directory.fold import fold as fold_directory
from ..directory.model import DirectoryState
from ..maintenance.fold import fold as fold_tickets
from ..maintenance.model import Tickets
from ..orders import lifecycle as orders
from ..orders.model import OrdersState, Standing
from ..orders.standing import standing_from_books
from ..relationship.events import Event, ordered_log
from ..relationship.lifecycle import Lifecycle
from ..relationship.lifecycle import fold as fold_lifecycle
from ..terms.loader import Agreement
from ..terms.schema import Terms
from .acts import Acts, fold_acts
from .model import ObligationError

__all__ = ["Relationship", "relationship_of"]


@dataclass(frozen=True, slots=True)
class Relationship:
    """The relationship as of `as_of`: the terms in force, the log up to that day and its folds."""

    agreement: Agreement
    terms: Terms
    deadlines: Deadlines
    as_of: dt.date
    events: tuple[Event, ...]
    lifecycle: Lifecycle
    accounts: Mapping[str, Account]
    histories: Mapping[str, AccountHistory]
    acts: Acts
    bills_issued: Mapping[str, str]  # bill id -> the event that issued or closed it (III.9.2)
    orders: OrdersState = field(default_factory=OrdersState)  # LSRs (IV.7–IV.9, VI.16): orders/lifecycle.py
    tickets: Tickets = field(default_factory=Tickets)  # trouble tickets (V): maintenance/fold.py
    directory: DirectoryState = field(
        default_factory=DirectoryState
    )  # listings, books, galleys (VII): directory/fold.py

    def bill_events(self) -> Mapping[str, str]:
        """Bill id -> the id of the event that issued or closed it (III.9.2)."""
        return self.bills_issued


def _bills_issued(events: tuple[Event, ...]) -> Mapping[str, str]:
    found: dict[str, str] = {}
    for e in events:
        if e.type == "bill.issued" and e.get("bill") is not None:
            found[str(e.get("bill"))] = e.id
        elif e.type == "billing.cycle_closed" and e.get("account") and e.get("period"):
            with suppress(ValueError):  # a malformed period is the billing fold's error to report
                found[f"{e.get('account')}:{parse_period(str(e.get('period')))}"] = e.id
    return MappingProxyType(found)


def _process_folds(
    agreement: Agreement, books: Books, lifecycle: Lifecycle, log: tuple[Event, ...], terms: Terms, dl: Deadlines
) -> tuple[OrdersState, Tickets, DirectoryState]:
    """The orders, tickets and directory folds of the log; their refusals are those domains' own
    answers (`lsr.…`, `ticket.…`, `listings.…` queries), not errors of the log."""

    def standing(account: str, on: dt.date) -> Standing:
        return standing_from_books(books, lifecycle, lambda day: Deadlines(agreement.terms_at(day)), account, on)

    order_state, _ = orders.fold(log, orders.Inputs(terms, lifecycle, standing))
    tickets, _ = fold_tickets(log, terms)
    directory, _ = fold_directory(log, dl)
    return order_state, tickets, directory


def relationship_of(
    agreement: Agreement, events: Iterable[Event], as_of: dt.date
) -> tuple[Relationship, tuple[ObligationError, ...]]:
    """The relationship folded from the events dated on or before `as_of` (an event given twice counts once)."""
    log, dup = ordered_log(events)
    log = tuple(e for e in log if e.date <= as_of)
    terms = agreement.terms_at(as_of)
    deadlines = Deadlines(terms)
    books = Books(agreement, log)
    lifecycle, life_errors = fold_lifecycle(log, Deadlines(agreement.terms))
    histories = {a: books.history(a, as_of) for a in sorted(books.accounts)}
    acts, act_errors = fold_acts(log)
    errors = tuple(ObligationError("event_invalid", e.event, e.field, e.expected) for e in [*dup, *life_errors])
    return (
        Relationship(
            agreement,
            terms,
            deadlines,
            as_of,
            log,
            lifecycle,
            MappingProxyType(dict(books.accounts)),
            MappingProxyType(histories),
            acts,
            _bills_issued(log),
            *_process_folds(agreement, books, lifecycle, log, terms, deadlines),
        ),
        errors + act_errors,
    )
