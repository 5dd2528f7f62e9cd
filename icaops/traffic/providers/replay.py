"""Replaying provider facts, in order, into the registry's state on a date."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from types import MappingProxyType

from icaops.traffic.providers.facts import (
    AgreementKind,
    AgreementSigned,
    AgreementTerminated,
    CarryConfirmed,
    CarryNoticeGiven,
    DenialOfService,
    Fact,
    FactIssue,
    ProviderAdded,
    SeparateTrunkGroupEstablished,
    StopNoticeGiven,
)

__all__ = ["ProviderStatus", "RegistryState", "replay"]

AgreementKey = tuple[str | None, AgreementKind]


@dataclass(frozen=True, slots=True)
class ProviderStatus:
    """One provider as of a date; None where the event has not happened (or was undone)."""

    provider: str
    added_on: date | None = None
    ocns: frozenset[str] = frozenset()
    npa_nxxs: frozenset[str] = frozenset()
    clec_own_ocn: bool = False
    notice_on: date | None = None
    misdirected_notice_on: date | None = None
    confirmed_on: date | None = None
    stopped_on: date | None = None
    dos_on: date | None = None
    trunk_group: str | None = None


@dataclass(frozen=True, slots=True)
class RegistryState:
    """All providers and agreements in effect (key → effective date) on `on`, with the issues met so far."""

    on: date
    providers: Mapping[str, ProviderStatus]
    agreements: Mapping[AgreementKey, date]
    issues: tuple[FactIssue, ...]

    def status(self, provider: str) -> ProviderStatus:
        """The provider's status (an empty one if no fact names it)."""
        return self.providers.get(provider) or ProviderStatus(provider)


class _Replay:
    """Mutable accumulator used only inside `replay`."""

    def __init__(self) -> None:
        self.providers: dict[str, ProviderStatus] = {}
        self.agreements: dict[AgreementKey, date] = {}
        self.issues: list[FactIssue] = []

    def get(self, provider: str) -> ProviderStatus:
        return self.providers.get(provider) or ProviderStatus(provider)

    def put(self, status: ProviderStatus, **changes) -> None:
        self.providers[status.provider] = replace(status, **changes)

    def warn(self, fact: Fact, message: str, clause: str | None) -> None:
        self.issues.append(FactIssue(fact.id, fact.on, message, clause))


def replay(facts: Iterable[Fact], on: date) -> RegistryState:
    """State after applying, in order, every fact dated on or before `on` (facts already sorted)."""
    r = _Replay()
    for fact in facts:
        if fact.on > on:
            break
        if not getattr(fact, "provider", None) and not isinstance(fact, (AgreementSigned, AgreementTerminated)):
            r.warn(fact, "a provider name is required", None)
            continue
        _HANDLERS[type(fact)](r, fact)
    return RegistryState(on, MappingProxyType(dict(r.providers)), MappingProxyType(dict(r.agreements)), tuple(r.issues))


def _added(r: _Replay, f: ProviderAdded) -> None:
    status = r.get(f.provider)
    ocns = _claims(r, f, f.ocns, "ocns", _ocn, "a four-character OCN")
    codes = _claims(r, f, f.npa_nxxs, "npa_nxxs", _npa_nxx, "an NPA-NXX (six digits) or NPA-NXX-X (seven)")
    r.put(status, added_on=status.added_on or f.on, ocns=ocns, npa_nxxs=codes, clec_own_ocn=f.clec_own_ocn)


def _claims(
    r: _Replay,
    f: ProviderAdded,
    values: tuple[str, ...],
    attr: str,
    normalize: Callable[[str], str | None],
    expected: str,
) -> frozenset[str]:
    """The valid values not already identified for another provider; the rest become issues (CPA.1.4)."""
    kept = set()
    for value in values:
        code = normalize(value)
        owner = next((p for p, s in r.providers.items() if p != f.provider and code in getattr(s, attr)), None)
        if code is None:
            r.warn(f, f"expected {expected}, found {value!r}", "CPA.1.4")
        elif owner is not None:
            r.warn(f, f"{code} is already identified for {owner}", "CPA.1.4")
        else:
            kept.add(code)
    return frozenset(kept)


def _ocn(value: str) -> str | None:
    """An OCN in upper case, or None if it is not four letters/digits."""
    code = value.strip().upper()
    return code if re.fullmatch(r"[0-9A-Z]{4}", code) else None


def _npa_nxx(value: str) -> str | None:
    """Six (NPA-NXX) or seven (NPA-NXX-X) digits, or None."""
    digits = re.sub(r"[\s.-]", "", value)
    return digits if re.fullmatch(r"[2-9][0-9]{2}[2-9][0-9]{2}[0-9]?", digits) else None


def _signed(r: _Replay, f: AgreementSigned) -> None:
    key = _agreement_key(r, f)
    if key is None:
        return
    if key in r.agreements:
        r.warn(f, f"{f.kind.value} already in effect since {r.agreements[key]}", None)
    else:
        r.agreements[key] = f.on


def _terminated(r: _Replay, f: AgreementTerminated) -> None:
    key = _agreement_key(r, f)
    if key is None:
        return
    if r.agreements.pop(key, None) is None:
        r.warn(f, f"no {f.kind.value} in effect to terminate", None)
    elif key[0] is not None:
        # CPA.1.1: CenturyLink's confirmation was of this agreement; a new one needs a new notice.
        r.put(r.get(key[0]), notice_on=None, confirmed_on=None)


def _agreement_key(r: _Replay, f: AgreementSigned | AgreementTerminated) -> AgreementKey | None:
    """(provider, kind), provider None for the Amendment; None (with an issue) if the fact is inconsistent."""
    provider = f.provider or None
    if (f.kind is AgreementKind.AMENDMENT) == (provider is not None):
        r.warn(f, "the Amendment names no provider; a numbering agreement names one", None)
        return None
    return (provider, f.kind)


def _notice(r: _Replay, f: CarryNoticeGiven) -> None:
    status = r.get(f.provider)
    if not f.to_cam:
        r.warn(f, "notices go to the CenturyLink Customer Account Manager", "CPA.1.3")
        r.put(status, misdirected_notice_on=f.on)
    elif status.notice_on is None:
        r.put(status, notice_on=f.on, confirmed_on=None, stopped_on=None, misdirected_notice_on=None)


def _confirmed(r: _Replay, f: CarryConfirmed) -> None:
    status = r.get(f.provider)
    if status.notice_on is None:
        r.warn(f, "CenturyLink confirmation without a CLEC notice to confirm", "CPA.1.1")
    elif status.confirmed_on is None:
        r.put(status, confirmed_on=f.on)


def _stopped(r: _Replay, f: StopNoticeGiven) -> None:
    status = r.get(f.provider)
    if not f.to_cam:
        r.warn(f, "notices go to the CenturyLink Customer Account Manager", "CPA.1.3")
    elif status.notice_on is None:
        r.warn(f, "stop notice for a provider the CLEC was not notified as carrying", "CPA.1.2")
    else:
        r.put(status, notice_on=None, confirmed_on=None, stopped_on=f.on)


def _dos(r: _Replay, f: DenialOfService) -> None:
    # CPA.8: the provider's traffic comes off the shared trunks; any earlier separate group no longer counts.
    r.put(r.get(f.provider), dos_on=f.on, trunk_group=None)


def _trunk_group(r: _Replay, f: SeparateTrunkGroupEstablished) -> None:
    if not f.trunk_group.strip():
        r.warn(f, "a trunk group id is required", "CPA.8")
    else:
        r.put(r.get(f.provider), trunk_group=f.trunk_group.strip())


_HANDLERS: Mapping[type, Callable] = MappingProxyType(
    {
        ProviderAdded: _added,
        AgreementSigned: _signed,
        AgreementTerminated: _terminated,
        CarryNoticeGiven: _notice,
        CarryConfirmed: _confirmed,
        StopNoticeGiven: _stopped,
        DenialOfService: _dos,
        SeparateTrunkGroupEstablished: _trunk_group,
    }
)
