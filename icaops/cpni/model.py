"""The facts of customer-record access, as of the last event folded in (frozen, replayable)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from ..relationship.events import Event
from .errors import CpniError

__all__ = ["Access", "Authorization", "CpniState", "DvfRequest", "LoaPeriod"]


@dataclass(frozen=True, slots=True)
class LoaPeriod:
    """A CLEC's Blanket Letter of Authorization on file from `start` until `end` (None: still on file), VI.8.4.1."""

    account: str
    start: dt.date
    end: dt.date | None = None

    def covers(self, day: dt.date) -> bool:
        """Whether the LOA is on file on `day`."""
        return self.start <= day and (self.end is None or day < self.end)


@dataclass(frozen=True, slots=True)
class Authorization:
    """An End User Customer's authorisation for release of CPNI or a change of provider, on the CLEC's records (VI.8.4.2)."""

    id: str
    account: str
    wtn: str
    scope: str
    recorded_on: dt.date
    withdrawn_on: dt.date | None = None

    def valid_on(self, day: dt.date) -> bool:
        """Recorded on or before `day` and not withdrawn by then."""
        return self.recorded_on <= day and (self.withdrawn_on is None or day < self.withdrawn_on)


@dataclass(frozen=True, slots=True)
class Access:
    """One read (or attempted read) of a CLEC's customer information: the access record of VI.8.3.2."""

    event_id: str
    on: dt.date
    account: str
    wtn: str
    actor: str
    role: str
    organisation: str
    kind: str
    authorization: str | None
    blanket_loa: bool
    granted: bool
    code: str | None = None


@dataclass(frozen=True, slots=True)
class DvfRequest:
    """A Data Validation File obtained (VI.8.5)."""

    event_id: str
    account: str
    file: str
    on: dt.date


@dataclass(frozen=True)
class CpniState:
    """Every CLEC's LOAs, its end users' authorisations, the access records, Data Validation Files,
    refusals by event id, and the events billing prices that the fold derived (`emitted`)."""

    loas: tuple[LoaPeriod, ...] = ()
    authorizations: Mapping[str, Authorization] = field(default_factory=lambda: MappingProxyType({}))
    accesses: tuple[Access, ...] = ()
    dvfs: tuple[DvfRequest, ...] = ()
    refused: Mapping[str, CpniError] = field(default_factory=lambda: MappingProxyType({}))
    emitted: tuple[Event, ...] = ()

    def loa_on_file(self, account: str, day: dt.date) -> bool:
        """Whether `account` has a Blanket LOA on file on `day`."""
        return any(p.account == account and p.covers(day) for p in self.loas)
