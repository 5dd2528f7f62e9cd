"""What the rules read: the relationship's folded states as of a date, each from the existing fold.

`relationship_of` reads the log once: the lifecycle (relationship/lifecycle.py), every
account's collections history (billing/books.py), the obligations' own acts (acts.py), and
the trouble-ticket, directory and CPNI folds. The LSR orders fold needs each account's
standing by day (scenarios/orders_kinds.py builds it from the books); a rule on orders adds it.
Nothing here recomputes what those folds compute.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from types import MappingProxyType

from ..billing.books import Books
from ..billing.collections.history import AccountHistory
from ..billing.cycle import parse_period
from ..billing.model import Account
from ..calendar.deadlines import Deadlines
from ..cpni.fold import fold as fold_cpni
from ..cpni.model import CpniState
from ..directory.fold import fold as fold_directory
from ..directory.model import DirectoryState
from ..maintenance.fold import as_of as tickets_as_of
from ..maintenance.fold import fold as fold_tickets
from ..maintenance.model import Tickets
from ..orders import lifecycle as orders
from ..orders.model import OrdersState, Standing
from ..orders.standing import standing_of
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
    tickets: Tickets  # trouble tickets at the end of `as_of` (maintenance/fold.py)
    directory: DirectoryState  # listings, closes and galleys (directory/fold.py)
    cpni: CpniState  # CSR requests and authorizations (cpni/fold.py)
    orders: OrdersState  # LSRs and their notices (IV.7–IV.9, VI.16): orders/lifecycle.py

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


def _orders(
    agreement: Agreement, books: Books, lifecycle: Lifecycle, log: tuple[Event, ...], terms: Terms
) -> OrdersState:
    """The orders fold of the log, the gate's standing read from billing's books as of each
    submission (orders/standing.py); its refusals are the orders' own answers (`lsr.…` queries)."""

    def standing(account: str, on: dt.date) -> Standing:
        return standing_of(books, account, on, Deadlines(agreement.terms_at(on)), lifecycle)

    state, _ = orders.fold(log, orders.Inputs(terms, lifecycle, standing))
    return state


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
    # The other domains' folds, as their own queries fold them; their refusals are theirs to report.
    end_of_day = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(0), tzinfo=deadlines.cal.zone)
    tickets, _ = fold_tickets(tickets_as_of(log, end_of_day - dt.timedelta(microseconds=1), terms), terms)
    directory, _ = fold_directory(log, deadlines)
    cpni, _ = fold_cpni(log, deadlines)
    order_state = _orders(agreement, books, lifecycle, log, terms)
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
            tickets,
            directory,
            cpni,
            order_state,
        ),
        errors + act_errors,
    )
