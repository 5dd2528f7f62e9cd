"""State queries of the directory fold (docs/scenarios.md), each explained:
`directory.D.QUERY` for a directory's Business Office Close deadlines, `listings.ACCOUNT.QUERY`
for a CLEC's method, listings, galleys, annual files, refusals and derived charges."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from ..calendar.deadlines import Deadlines
from ..explain import Explained, Step
from .fold import listing_key
from .model import Book, DirectoryState

__all__ = ["BOOK_QUERIES", "query_book", "query_listings"]

BookQuery = Callable[[Book, Deadlines], Explained[Any]]


def _announced(book: Book) -> Step:
    return Step(
        f"CenturyLink announced the Business Office Close of {book.directory}: {book.close.isoformat()}", "VII.8"
    )


def _rule(name: str) -> BookQuery:
    def answer(book: Book, dl: Deadlines) -> Explained[Any]:
        result = dl.rule(name, book.close, "Business Office Close (BOC)")
        return Explained(result.value, (_announced(book), *result.steps))

    return answer


def _close_notice_timely(book: Book, dl: Deadlines) -> Explained[bool]:
    latest = _rule("close_date_notice")(book, dl)
    ok = book.announced_on <= latest.value
    verdict = "at least" if ok else "less than"
    return latest.then(
        ok,
        f"announced on {book.announced_on.isoformat()}: {verdict} the notice the text requires",
        latest.steps[-1].clause,
    )


def _file_by(book: Book, dl: Deadlines) -> Explained[dt.date]:
    last = book.close - dt.timedelta(days=1)
    return Explained(
        last,
        (
            _announced(book),
            Step(f"the annual data file goes in before the close date: by {last.isoformat()}", "VII.7.b.3"),
        ),
    )


BOOK_QUERIES: Mapping[str, BookQuery] = MappingProxyType(
    {
        "close": lambda book, dl: Explained(book.close, (_announced(book),)),
        "close_notice_by": _rule("close_date_notice"),
        "close_notice_timely": _close_notice_timely,
        "galley_by": _rule("galley_proof"),
        "corrections_by": lambda book, dl: dl.galley_corrections_by(book.close, Decimal(0)).with_steps(
            _announced(book)
        ),
        "annual_file_by": _file_by,
    }
)
"""`directory.D.NAME` queries by NAME."""


def query_book(state: DirectoryState, name: str, on: dt.date, dl: Deadlines) -> Explained[Any]:
    """Answer `directory.D.QUERY` (D: a directory whose close was announced by `on`); KeyError otherwise."""
    parts = name.split(".")
    if len(parts) != 3 or parts[2] not in BOOK_QUERIES:
        raise KeyError(f"unknown state query {name!r}; known: {', '.join(f'directory.D.{q}' for q in BOOK_QUERIES)}")
    book = state.books.get(parts[1])
    if book is None or book.announced_on > on:
        raise KeyError(f"{name}: no Business Office Close announced for directory {parts[1]!r} by {on.isoformat()}")
    return BOOK_QUERIES[parts[2]](book, dl)


def _method(state: DirectoryState, account: str, on: dt.date, dl: Deadlines, rest: list[str]) -> Explained[Any]:
    choice = state.method_on(account, on)
    if choice is None:
        return Explained(
            None, (Step(f"{account} has chosen no listing method in effect on {on.isoformat()}", "VII.7"),)
        )
    text = f"{account} chose {choice.method} on {choice.chosen_on.isoformat()}, in effect from {choice.effective.isoformat()}"
    return Explained(choice.method, (Step(text, dl.terms.directory.listing_methods.clause),))


def _listings(state: DirectoryState, account: str, on: dt.date, dl: Deadlines, rest: list[str]) -> Explained[Any]:
    live = [x for x in state.listings.values() if x.account == account and x.active]
    steps = tuple(
        Step(f"{x.wtn} {x.name}: listed since {x.since.isoformat()} ({x.last_event}, {x.via})", "VII.3.a") for x in live
    )
    return Explained(len(live), (*steps, Step(f"{len(live)} listing(s) of {account} on file", "VII.3.a")))


def _listing(state: DirectoryState, account: str, on: dt.date, dl: Deadlines, rest: list[str]) -> Explained[Any]:
    wtn, field = rest
    x = state.listings.get(listing_key(account, wtn))
    if field != "active":
        raise KeyError(f"listings.{account}.listing.{wtn}.{field}: expected …listing.WTN.active")
    if x is None:
        return Explained(False, (Step(f"no listing of {wtn} was submitted", "VII.2.e"),))
    state_text = "on file" if x.active else "deleted"
    return Explained(x.active, (Step(f"{wtn}: {state_text} by {x.last_event} ({x.via})", "VII.2.e"),))


def _galleys(state: DirectoryState, account: str, on: dt.date, dl: Deadlines, rest: list[str]) -> Explained[Any]:
    directory, field = rest
    found = [g for g in state.galleys if g.account == account and g.directory == directory and g.on <= on]
    free = dl.terms.directory.free_galleys_per_directory
    steps = tuple(
        Step(f"{g.event_id} on {g.on.isoformat()}: {'charged (additional)' if g.charged else 'no charge'}", free.clause)
        for g in found
    )
    if field == "count":
        return Explained(len(found), steps)
    if field == "charged":
        n = sum(1 for g in found if g.charged)
        return Explained(
            n, (*steps, Step(f"{free.value} galley(s) per directory at no charge; {n} charged", free.clause))
        )
    raise KeyError(f"listings.{account}.galley.{directory}.{field}: expected count or charged")


def _emitted(state: DirectoryState, account: str, on: dt.date, dl: Deadlines, rest: list[str]) -> Explained[Any]:
    found = [
        e
        for e in state.emitted
        if e.get("account") == account and e.date <= on and (not rest or e.type == ".".join(rest))
    ]
    steps = tuple(Step(f"{e.id} on {e.date.isoformat()}: {e.type} for billing", "VIII") for e in found)
    return Explained(len(found), (*steps, Step(f"{len(found)} priced event(s) derived", "VIII")))


def _refused(state: DirectoryState, account: str, on: dt.date, dl: Deadlines, rest: list[str]) -> Explained[Any]:
    (eid,) = rest
    err = state.refused.get(eid)
    if err is None:
        return Explained(None, (Step(f"event {eid} was not refused", None),))
    return Explained(err.code.value, (Step(f"{err.event}: {err.field}: expected {err.expected}", err.clause or None),))


_ACCOUNT_QUERIES: Mapping[
    tuple[str, int], Callable[[DirectoryState, str, dt.date, Deadlines, list[str]], Explained[Any]]
] = MappingProxyType(
    {
        ("method", 0): _method,
        ("listings", 0): _listings,
        ("listing", 2): _listing,
        ("galley", 2): _galleys,
        ("emitted", 0): _emitted,
        ("emitted", 2): _emitted,
        ("refused", 1): _refused,
    }
)


def query_listings(state: DirectoryState, name: str, on: dt.date, dl: Deadlines) -> Explained[Any]:
    """Answer `listings.ACCOUNT.QUERY` as of `on`; KeyError naming the known queries otherwise."""
    parts = name.split(".")
    if len(parts) >= 3 and (parts[2], len(parts) - 3) in _ACCOUNT_QUERIES:
        return _ACCOUNT_QUERIES[(parts[2], len(parts) - 3)](state, parts[1], on, dl, parts[3:])
    known = (
        "method, listings, listing.WTN.active, galley.D.count, galley.D.charged, emitted, emitted.TYPE, refused.EVENT"
    )
    raise KeyError(f"unknown state query {name!r}; known: listings.ACCOUNT.({known})")
