"""The registry of Interconnected VoIP Providers and whether the CLEC may carry one's traffic on a date."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from icaops.traffic.providers.facts import AgreementKind, Fact, FactIssue, sort_key
from icaops.traffic.providers.replay import ProviderStatus, RegistryState, replay
from icaops.traffic.reference.numbering import normalize_number

__all__ = ["CarryAnswer", "ProviderRegistry", "Reason"]


@dataclass(frozen=True, slots=True)
class Reason:
    """One condition checked for carrying a provider: whether it holds, why, and the clause."""

    clause: str
    text: str
    met: bool


@dataclass(frozen=True, slots=True)
class CarryAnswer:
    """Whether the CLEC may exchange the provider's traffic with CenturyLink on a date, and why.

    `trunk_group` is set when the provider's traffic is confined to a separate trunk group (CPA.8).
    """

    provider: str
    on: date
    allowed: bool
    reasons: tuple[Reason, ...]
    trunk_group: str | None = None

    @property
    def unmet(self) -> tuple[Reason, ...]:
        """The conditions that do not hold."""
        return tuple(r for r in self.reasons if not r.met)

    @property
    def clauses(self) -> tuple[str, ...]:
        """Distinct clause ids of the reasons, in order."""
        return tuple(dict.fromkeys(r.clause for r in self.reasons))


@dataclass(frozen=True, slots=True)
class ProviderRegistry:
    """Distinct facts in the order they apply; `applied` leaves out the `refused` ones (an id reused)."""

    facts: tuple[Fact, ...]
    applied: tuple[Fact, ...]
    refused: tuple[FactIssue, ...]

    @classmethod
    def from_facts(cls, facts: Iterable[Fact]) -> ProviderRegistry:
        """A registry from facts in any order; exact repeats collapse, an id naming two different facts is refused."""
        distinct = sorted(set(facts), key=lambda f: (sort_key(f), repr(f)))
        by_id: dict[str, list[Fact]] = {}
        for fact in distinct:
            by_id.setdefault(fact.id, []).append(fact)
        refused = tuple(
            FactIssue(fact_id, group[0].on, f"id names {len(group)} different facts; none applied")
            for fact_id, group in sorted(by_id.items())
            if len(group) > 1
        )
        applied = tuple(f for f in distinct if len(by_id[f.id]) == 1)
        return cls(tuple(distinct), applied, refused)

    def with_facts(self, *facts: Fact) -> ProviderRegistry:
        """A new registry with more facts (facts already known change nothing)."""
        return ProviderRegistry.from_facts((*self.facts, *facts))

    def state(self, on: date) -> RegistryState:
        """Providers and agreements as of the end of `on`."""
        return replay(self.applied, on)

    def issues(self, on: date = date.max) -> tuple[FactIssue, ...]:
        """Refused facts and issues raised applying facts up to `on`."""
        return self.refused + self.state(on).issues

    def may_carry(self, provider: str, on: date, trunk_group: str | None = None) -> CarryAnswer:
        """Whether the CLEC may exchange `provider`'s traffic on `on` (on `trunk_group`, if given), with reasons."""
        state = self.state(on)
        status = state.status(provider)
        reasons = _reasons(state, status, trunk_group)
        confined = status.trunk_group if status.dos_on else None
        return CarryAnswer(provider, on, all(r.met for r in reasons), reasons, confined)

    def provider_for_ocn(self, ocn: str, on: date) -> str | None:
        """The provider whose identified OCNs include `ocn` on `on` (CPA.1.4), or None."""
        code = ocn.strip().upper()
        return next((s.provider for s in self.state(on).providers.values() if code in s.ocns), None)

    def provider_for_npanxx(self, npanxx: str, on: date) -> str | None:
        """The provider identified for an NPA-NXX-X (block) or NPA-NXX on `on`; a block beats its NXX (CPA.1.4)."""
        digits = "".join(c for c in npanxx if c.isdigit())
        providers = self.state(on).providers.values()
        for code in (digits, digits[:6]) if len(digits) == 7 else (digits,):
            found = next((s.provider for s in providers if code in s.npa_nxxs), None)
            if found is not None:
                return found
        return None

    def provider_for_number(self, number: str, on: date) -> str | None:
        """The provider identified for a ten-digit number's block or NPA-NXX on `on`, or None."""
        digits = normalize_number(number)
        return self.provider_for_npanxx(digits[:7], on) if digits else None


def _reasons(state: RegistryState, s: ProviderStatus, trunk_group: str | None) -> tuple[Reason, ...]:
    """Every condition of CPA.1.1–1.4, 8 and 11 for this provider on the state's date."""
    own = s.clec_own_ocn
    numbering = AgreementKind.COMMERCIAL_NUMBERING if own else AgreementKind.NUMBERING
    amendment_on = state.agreements.get((None, AgreementKind.AMENDMENT))
    numbering_on = state.agreements.get((s.provider, numbering))
    reasons = [
        _check(
            "CPA.1.4",
            s.added_on is not None and bool(s.ocns or s.npa_nxxs),
            f"OCNs/NPA-NXXs identified on {s.added_on}",
            "no OCN or NPA-NXX identified for the provider",
        ),
        _check(
            "CPA.11" if own else "CPA.1",
            amendment_on is not None,
            f"Carrier Partner Amendment in effect since {amendment_on}",
            "Carrier Partner Amendment not in effect",
        ),
        _check(
            "CPA.11" if own else "CPA.1.1",
            numbering_on is not None,
            f"{numbering.value} in effect since {numbering_on}",
            f"no {numbering.value} in effect",
        ),
        _check(
            "CPA.1.1",
            s.notice_on is not None,
            f"CLEC notified the CenturyLink CAM on {s.notice_on}",
            "CLEC has not notified CenturyLink",
        ),
        _check(
            "CPA.1.1",
            s.confirmed_on is not None,
            f"CenturyLink confirmed on {s.confirmed_on}",
            "CenturyLink has not confirmed",
        ),
    ]
    if s.misdirected_notice_on is not None and s.notice_on is None:
        reasons.append(Reason("CPA.1.3", f"notice of {s.misdirected_notice_on} did not go to the CAM", False))
    if s.stopped_on is not None and s.notice_on is None:
        reasons.append(
            Reason("CPA.1.2", f"CLEC notified on {s.stopped_on} that it no longer routes this traffic", False)
        )
    if s.dos_on is not None:
        reasons.append(_trunk_reason(s, trunk_group))
    return tuple(reasons)


def _trunk_reason(s: ProviderStatus, trunk_group: str | None) -> Reason:
    """After a DoS event the provider's traffic may use only its own separate trunk group (CPA.8)."""
    if s.trunk_group is None:
        return Reason("CPA.8", f"DoS on {s.dos_on}: no separate trunk group established since", False)
    if trunk_group is not None and trunk_group != s.trunk_group:
        return Reason("CPA.8", f"DoS on {s.dos_on}: only on separate trunk group {s.trunk_group}", False)
    return Reason("CPA.8", f"DoS on {s.dos_on}: confined to separate trunk group {s.trunk_group}", True)


def _check(clause: str, met: bool, if_met: str, if_not: str) -> Reason:
    """A Reason with the text that fits the outcome."""
    return Reason(clause, if_met if met else if_not, met)
