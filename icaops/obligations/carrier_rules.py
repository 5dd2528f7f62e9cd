"""Obligations of the Carrier Partner Amendment (CPA.1, CPA.8): provider confirmations, stop notices,
and the remedy after a Denial of Service, read off the provider events of the log.

The amendment states these acts without a period; each is shown due `obligations.undated_act_period`
after the event calling for it (a system choice in the terms).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ..calendar.periods import fmt, shift
from ..explain import Explained, Step
from ..relationship.events import Event
from .model import Consequence, Duty, Fulfilment, PartyRef
from .relationship import Relationship

__all__ = ["cpa_confirmation", "cpa_dos_removal", "cpa_separate_trunk_group", "cpa_stop_notice"]


def _events(rel: Relationship, etype: str, action: str | None = None) -> list[Event]:
    found = [e for e in rel.events if e.type == etype]
    if action is not None:
        found = [e for e in found if str(e.get("action", "start")) == action and e.get("to_cam", True) is not False]
    return found


def _due(rel: Relationship, trigger: Event, what: str, clause: str) -> Explained[dt.date]:
    period = rel.terms.obligations.undated_act_period
    due = shift(trigger.date, period.value, 1, rel.deadlines.cal)
    return Explained(
        due,
        (
            Step(f"{what} ({trigger.id}, {fmt(trigger.date)})", clause),
            Step(
                f"the amendment states no period: due {period.value} later, {fmt(due)} (system choice)", period.clause
            ),
        ),
    )


def _answer(
    rel: Relationship, etype: str, provider: str, since: dt.date, text: str, action: str | None = None
) -> Fulfilment | None:
    found = next((e for e in _events(rel, etype, action) if e.get("provider") == provider and e.date >= since), None)
    return None if found is None else Fulfilment(found.id, found.date, text)


def cpa_confirmation(rel: Relationship) -> Iterator[Duty]:
    """CPA.1.1: after the CLEC's notice (to the CAM, CPA.1.3) CenturyLink confirms that the provider has
    entered into an Interconnected VoIP Provider Numbering Agreement; until then no traffic of it."""
    for notice in _events(rel, "traffic.provider_notice", "start"):
        provider = str(notice.get("provider"))
        yield Duty(
            id=f"cpa_confirmation:{notice.id}",
            rule="cpa_confirmation",
            debtor=PartyRef("ilec"),
            creditor=PartyRef("clec"),
            clause="CPA.1.1",
            owed=f"confirm that {provider} has an Interconnected VoIP Provider Numbering Agreement",
            trigger=notice.id,
            due=_due(rel, notice, f"the CLEC's notice that it will carry {provider}", "CPA.1.1"),
            fulfilled=_answer(rel, "traffic.provider_confirmed", provider, notice.date, "CenturyLink confirmed"),
        )


def cpa_stop_notice(rel: Relationship) -> Iterator[Duty]:
    """CPA.1.2: the CLEC notifies CenturyLink (its CAM, CPA.1.3) when it no longer routes a provider's traffic."""
    for removed in _events(rel, "traffic.provider_removed"):
        provider = str(removed.get("provider"))
        starts = [e.date for e in _events(rel, "traffic.provider_notice", "start") if e.get("provider") == provider]
        since = max((d for d in starts if d <= removed.date), default=removed.date)
        yield Duty(
            id=f"cpa_stop_notice:{removed.id}",
            rule="cpa_stop_notice",
            debtor=PartyRef("clec"),
            creditor=PartyRef("ilec"),
            clause="CPA.1.2",
            owed=f"notify the CAM that {provider}'s traffic is no longer routed",
            trigger=removed.id,
            due=_due(rel, removed, f"{provider} no longer routed", "CPA.1.2"),
            fulfilled=_answer(rel, "traffic.provider_notice", provider, since, "stop notice to the CAM", "stop"),
        )


def _refusal(rel: Relationship, dos: Event, text: str) -> tuple[Consequence, ...]:
    return (
        Consequence(
            "cpa8_remedy",
            text,
            "CPA.8",
            Explained(dos.date, (Step(f"Denial of Service detected ({dos.id}, {fmt(dos.date)})", "CPA.8"),)),
        ),
    )


def cpa_dos_removal(rel: Relationship) -> Iterator[Duty]:
    """CPA.8: after a DoS (or degradation) from a provider, the CLEC removes that provider's traffic before
    CenturyLink accepts its other traffic again."""
    for dos in _events(rel, "traffic.dos_detected"):
        provider = str(dos.get("provider"))
        yield Duty(
            id=f"cpa_dos_removal:{dos.id}",
            rule="cpa_dos_removal",
            debtor=PartyRef("clec"),
            creditor=PartyRef("ilec"),
            clause="CPA.8",
            owed=f"remove {provider}'s traffic from the CLEC's network",
            trigger=dos.id,
            due=_due(rel, dos, f"Denial of Service from {provider}", "CPA.8"),
            fulfilled=_answer(rel, "traffic.provider_removed", provider, dos.date, "provider's traffic removed"),
            consequences=_refusal(
                rel, dos, "CenturyLink may stop accepting all traffic on the CLEC's trunks until the removal"
            ),
        )


def cpa_separate_trunk_group(rel: Relationship) -> Iterator[Duty]:
    """CPA.8: "Following any such event, CLEC will establish a separate trunk group for the Interconnected
    VoIP Provider's exclusive use"."""
    for dos in _events(rel, "traffic.dos_detected"):
        provider = str(dos.get("provider"))
        yield Duty(
            id=f"cpa_separate_trunk_group:{dos.id}",
            rule="cpa_separate_trunk_group",
            debtor=PartyRef("clec"),
            creditor=PartyRef("ilec"),
            clause="CPA.8",
            owed=f"establish a separate trunk group for {provider}'s exclusive use",
            trigger=dos.id,
            due=_due(rel, dos, f"Denial of Service from {provider}", "CPA.8"),
            fulfilled=_answer(
                rel, "traffic.separate_trunk_group_established", provider, dos.date, "separate trunk group established"
            ),
            consequences=_refusal(rel, dos, f"{provider}'s traffic is not accepted on the CLEC's shared trunks"),
        )
