"""The facts of directory listings, as of the last event folded in (frozen, replayable)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

from ..relationship.events import Event
from .errors import DirectoryError

__all__ = ["AnnualFile", "Book", "Correction", "DirectoryState", "Galley", "Listing", "MethodChoice"]


@dataclass(frozen=True, slots=True)
class MethodChoice:
    """A CLEC's choice of LSR/DSR or annual data file for all directory markets, from `effective` (VII.7)."""

    account: str
    method: str
    chosen_on: dt.date
    effective: dt.date


@dataclass(frozen=True, slots=True)
class Book:
    """A directory and its Business Office Close, as CenturyLink announced it (VII.7.b.3, VII.8)."""

    directory: str
    close: dt.date
    announced_on: dt.date


@dataclass(frozen=True, slots=True)
class Listing:
    """One end user's listing, kept by CenturyLink from LSR/DSR submissions (VII.2.a, VII.2.e, VII.3.a)."""

    account: str
    wtn: str
    name: str
    via: str
    active: bool
    since: dt.date
    last_event: str


@dataclass(frozen=True, slots=True)
class Galley:
    """A galley proof of a CLEC's listings in one directory: provided (the first) or requested (VII.2.g, VII.8)."""

    event_id: str
    account: str
    directory: str
    on: dt.date
    charged: bool


@dataclass(frozen=True, slots=True)
class Correction:
    """Galley corrections submitted, with the share of listings they correct (VII.2.g)."""

    event_id: str
    account: str
    directory: str
    on: dt.date
    share: Decimal


@dataclass(frozen=True, slots=True)
class AnnualFile:
    """An annual data file's intent notice (VII.2.h) or the file itself (VII.7.b)."""

    event_id: str
    account: str
    directory: str
    on: dt.date
    submission: dt.date


def _empty() -> Mapping[str, DirectoryError]:
    return MappingProxyType({})


@dataclass(frozen=True)
class DirectoryState:
    """Method choices, directories, listings by `ACCOUNT/WTN`, galleys, corrections, annual files,
    refusals by event id, and the events billing prices that the fold derived (`emitted`)."""

    methods: tuple[MethodChoice, ...] = ()
    books: Mapping[str, Book] = field(default_factory=lambda: MappingProxyType({}))
    listings: Mapping[str, Listing] = field(default_factory=lambda: MappingProxyType({}))
    galleys: tuple[Galley, ...] = ()
    corrections: tuple[Correction, ...] = ()
    intents: tuple[AnnualFile, ...] = ()
    files: tuple[AnnualFile, ...] = ()
    refused: Mapping[str, DirectoryError] = field(default_factory=_empty)
    emitted: tuple[Event, ...] = ()

    def method_on(self, account: str, day: dt.date) -> MethodChoice | None:
        """The account's listing method in effect on `day` (the latest choice effective by then)."""
        effective = [m for m in self.methods if m.account == account and m.effective <= day]
        return max(effective, key=lambda m: (m.effective, m.chosen_on)) if effective else None
