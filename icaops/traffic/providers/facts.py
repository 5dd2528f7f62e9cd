"""Dated facts about Interconnected VoIP Providers carried by the CLEC (Carrier Partner Amendment)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum
from types import MappingProxyType
from typing import Union

__all__ = [
    "AgreementKind",
    "AgreementSigned",
    "AgreementTerminated",
    "CarryConfirmed",
    "CarryNoticeGiven",
    "DenialOfService",
    "Fact",
    "FactIssue",
    "ProviderAdded",
    "SeparateTrunkGroupEstablished",
    "StopNoticeGiven",
    "sort_key",
]


class AgreementKind(Enum):
    """The agreements the Amendment names."""

    AMENDMENT = "Carrier Partner Amendment"  # CPA.1, CPA.11: between the CLEC and CenturyLink
    NUMBERING = "Interconnected VoIP Provider Numbering Agreement"  # CPA.1.1
    COMMERCIAL_NUMBERING = "Commercial Interconnected VoIP Provider Numbering Agreement"  # CPA.11


@dataclass(frozen=True, slots=True)
class ProviderAdded:
    """The CLEC identifies a provider's OCNs and NPA-NXX(s) (or NPA-NXX-X blocks) on its switch (CPA.1.4).

    Adding a provider again replaces its OCNs and NPA-NXXs from that date. `clec_own_ocn` marks the
    CLEC itself holding numbering under a different OCN as an Interconnected VoIP Provider (CPA.11).
    """

    id: str
    on: date
    provider: str
    ocns: tuple[str, ...] = ()
    npa_nxxs: tuple[str, ...] = ()
    clec_own_ocn: bool = False


@dataclass(frozen=True, slots=True)
class AgreementSigned:
    """An agreement takes effect: the Amendment (provider None) or a provider's numbering agreement."""

    id: str
    on: date
    kind: AgreementKind
    provider: str | None = None


@dataclass(frozen=True, slots=True)
class AgreementTerminated:
    """An agreement ends (provider None for the Amendment itself)."""

    id: str
    on: date
    kind: AgreementKind
    provider: str | None = None


@dataclass(frozen=True, slots=True)
class CarryNoticeGiven:
    """The CLEC notifies CenturyLink that it will exchange a provider's traffic (CPA.1.1), via the CAM (CPA.1.3)."""

    id: str
    on: date
    provider: str
    to_cam: bool = True


@dataclass(frozen=True, slots=True)
class CarryConfirmed:
    """CenturyLink confirms the provider has a numbering agreement with it (CPA.1.1)."""

    id: str
    on: date
    provider: str


@dataclass(frozen=True, slots=True)
class StopNoticeGiven:
    """The CLEC notifies CenturyLink it no longer routes the provider's traffic (CPA.1.2), via the CAM (CPA.1.3)."""

    id: str
    on: date
    provider: str
    to_cam: bool = True


@dataclass(frozen=True, slots=True)
class DenialOfService:
    """CenturyLink experiences a DoS attack or degradation from the provider's traffic (CPA.8)."""

    id: str
    on: date
    provider: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class SeparateTrunkGroupEstablished:
    """The CLEC establishes a trunk group for the provider's exclusive use (CPA.8)."""

    id: str
    on: date
    provider: str
    trunk_group: str


Fact = Union[  # noqa: UP007 - a module-level alias, evaluated at import: Union reads better across lines
    ProviderAdded,
    AgreementSigned,
    AgreementTerminated,
    CarryNoticeGiven,
    CarryConfirmed,
    StopNoticeGiven,
    DenialOfService,
    SeparateTrunkGroupEstablished,
]

# Within one day facts apply in the Amendment's own sequence (identify, sign, notify, confirm, end,
# stop, DoS, separate trunk group), then by id, so that arrival order never changes the result.
_RANK = MappingProxyType(
    {
        ProviderAdded: 0,
        AgreementSigned: 1,
        CarryNoticeGiven: 2,
        CarryConfirmed: 3,
        AgreementTerminated: 4,
        StopNoticeGiven: 5,
        DenialOfService: 6,
        SeparateTrunkGroupEstablished: 7,
    }
)


def sort_key(fact: Fact) -> tuple[date, int, str]:
    """The order facts apply in: date, then the rank of their kind within a day, then id."""
    return (fact.on, _RANK[type(fact)], fact.id)


@dataclass(frozen=True, slots=True)
class FactIssue:
    """A fact that could not apply, or applied with a warning: which fact, why, and the clause."""

    fact_id: str
    on: date
    message: str
    clause: str | None = None

    def __str__(self) -> str:
        """`date id: message [clause]`."""
        clause = f" [{self.clause}]" if self.clause else ""
        return f"{self.on.isoformat()} {self.fact_id}: {self.message}{clause}"
