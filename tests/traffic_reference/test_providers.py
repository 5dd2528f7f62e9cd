"""Interconnected VoIP Provider registry: Carrier Partner Amendment items 1.1–1.4, 8 and 11."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from icaops.traffic.providers import (
    AgreementKind,
    AgreementSigned,
    AgreementTerminated,
    CarryConfirmed,
    CarryNoticeGiven,
    DenialOfService,
    ProviderAdded,
    ProviderRegistry,
    SeparateTrunkGroupEstablished,
    StopNoticeGiven,
)

TELNYX = "TELNYX LLC"
ONVOY = "ONVOY, LLC - ID"
GRANITE_VOIP = "GRANITE TELECOMMUNICATIONS, LLC (VoIP OCN)"
D = date

AMENDMENT = AgreementSigned("amend", D(2020, 1, 2), AgreementKind.AMENDMENT)
TELNYX_FACTS = (
    AMENDMENT,
    ProviderAdded("add-telnyx", D(2020, 2, 1), TELNYX, ("Z202",), ("986-202-1",)),
    AgreementSigned("na-telnyx", D(2020, 2, 1), AgreementKind.NUMBERING, TELNYX),
    CarryNoticeGiven("notice-telnyx", D(2020, 2, 3), TELNYX),
    CarryConfirmed("confirm-telnyx", D(2020, 2, 10), TELNYX),
)


def registry(*facts) -> ProviderRegistry:
    """A registry from the facts given."""
    return ProviderRegistry.from_facts(facts)


def test_cpa_1_1_provider_with_notice_and_confirmation_may_be_carried_from_the_confirmation():
    """CPA.1.1: the CLEC notifies, CenturyLink confirms; only then may the traffic be exchanged."""
    reg = registry(*TELNYX_FACTS)
    before = reg.may_carry(TELNYX, on=D(2020, 2, 9))
    assert not before.allowed
    assert [(r.clause, r.text) for r in before.unmet] == [("CPA.1.1", "CenturyLink has not confirmed")]
    after = reg.may_carry(TELNYX, on=D(2020, 2, 10))
    assert after.allowed and after.unmet == () and after.trunk_group is None
    assert after.clauses == ("CPA.1.4", "CPA.1", "CPA.1.1")


def test_cpa_1_1_provider_without_numbering_agreement_may_not_be_carried():
    """CPA.1.1: notice and confirmation are not enough without the provider's numbering agreement."""
    facts = [f for f in TELNYX_FACTS if f.id != "na-telnyx"]
    answer = registry(*facts).may_carry(TELNYX, on=D(2020, 3, 1))
    assert not answer.allowed
    assert [r.clause for r in answer.unmet] == ["CPA.1.1"]
    assert "Interconnected VoIP Provider Numbering Agreement" in answer.unmet[0].text


def test_cpa_1_1_confirmation_without_notice_is_an_issue_and_authorizes_nothing():
    """CPA.1.1: CenturyLink confirms a CLEC notice; a confirmation with none before it does not count."""
    facts = [f for f in TELNYX_FACTS if f.id != "notice-telnyx"]
    reg = registry(*facts)
    assert not reg.may_carry(TELNYX, on=D(2020, 3, 1)).allowed
    assert [(i.fact_id, i.clause) for i in reg.issues()] == [("confirm-telnyx", "CPA.1.1")]


def test_cpa_1_1_terminated_numbering_agreement_needs_a_new_notice_and_confirmation():
    """CPA.1.1: after the provider's agreement ends, re-signing alone does not restore carrying."""
    reg = registry(
        *TELNYX_FACTS,
        AgreementTerminated("na-end", D(2021, 1, 1), AgreementKind.NUMBERING, TELNYX),
        AgreementSigned("na-again", D(2021, 2, 1), AgreementKind.NUMBERING, TELNYX),
    )
    assert not reg.may_carry(TELNYX, on=D(2021, 1, 1)).allowed
    assert not reg.may_carry(TELNYX, on=D(2021, 2, 1)).allowed
    reg = reg.with_facts(
        CarryNoticeGiven("notice-2", D(2021, 2, 2), TELNYX), CarryConfirmed("confirm-2", D(2021, 2, 3), TELNYX)
    )
    assert reg.may_carry(TELNYX, on=D(2021, 2, 3)).allowed


def test_cpa_1_amendment_must_be_in_effect():
    """CPA.1: the provider's traffic is exchanged "pursuant to the terms of this Amendment"."""
    facts = [f for f in TELNYX_FACTS if f is not AMENDMENT]
    answer = registry(*facts).may_carry(TELNYX, on=D(2020, 3, 1))
    assert [(r.clause, r.text) for r in answer.unmet] == [("CPA.1", "Carrier Partner Amendment not in effect")]


def test_cpa_1_2_stop_notice_ends_carrying_and_a_restart_needs_new_confirmation():
    """CPA.1.2: once the CLEC notifies it no longer routes the provider, carrying ends until re-notified."""
    reg = registry(*TELNYX_FACTS, StopNoticeGiven("stop", D(2020, 6, 1), TELNYX))
    assert reg.may_carry(TELNYX, on=D(2020, 5, 31)).allowed
    answer = reg.may_carry(TELNYX, on=D(2020, 6, 1))
    assert not answer.allowed and "CPA.1.2" in [r.clause for r in answer.unmet]
    reg = reg.with_facts(CarryNoticeGiven("restart", D(2020, 7, 1), TELNYX))
    assert [r.text for r in reg.may_carry(TELNYX, on=D(2020, 7, 1)).unmet] == ["CenturyLink has not confirmed"]


def test_cpa_1_2_stop_notice_for_a_provider_not_carried_is_an_issue():
    """CPA.1.2: a stop notice for a provider never notified is reported."""
    reg = registry(StopNoticeGiven("stop", D(2020, 6, 1), ONVOY))
    assert [(i.fact_id, i.clause) for i in reg.issues()] == [("stop", "CPA.1.2")]


def test_cpa_1_3_notice_not_sent_to_the_cam_does_not_count():
    """CPA.1.3: notices go to the CenturyLink Customer Account Manager."""
    facts = [f for f in TELNYX_FACTS if f.id not in ("notice-telnyx", "confirm-telnyx")]
    reg = registry(*facts, CarryNoticeGiven("notice-email", D(2020, 2, 3), TELNYX, to_cam=False))
    answer = reg.may_carry(TELNYX, on=D(2020, 3, 1))
    assert ("CPA.1.3", False) in [(r.clause, r.met) for r in answer.reasons]
    assert [i.clause for i in reg.issues()] == ["CPA.1.3"]


def test_cpa_1_4_provider_needs_identified_ocns_or_npa_nxxs():
    """CPA.1.4: the provider's OCNs / NPA-NXXs on the CLEC's switch must be identified."""
    facts = [f for f in TELNYX_FACTS if f.id != "add-telnyx"]
    answer = registry(*facts).may_carry(TELNYX, on=D(2020, 3, 1))
    assert [r.clause for r in answer.unmet] == ["CPA.1.4"]


def test_cpa_1_4_lookups_by_ocn_and_npa_nxx_as_of_a_date():
    """CPA.1.4: OCN and NPA-NXX(-X) lead to the provider from the date identified; re-adding replaces them."""
    reg = registry(
        *TELNYX_FACTS,
        ProviderAdded("add-onvoy", D(2020, 3, 1), ONVOY, ("Z201",), ("986202",)),
        ProviderAdded("telnyx-more", D(2021, 1, 1), TELNYX, ("Z202",), ("9862021", "986-666-4")),
    )
    assert reg.provider_for_ocn("z202", on=D(2020, 1, 31)) is None
    assert reg.provider_for_ocn("Z202", on=D(2020, 2, 1)) == TELNYX
    assert reg.provider_for_number("9862021234", on=D(2020, 3, 1)) == TELNYX  # block beats NXX
    assert reg.provider_for_number("9862025234", on=D(2020, 3, 1)) == ONVOY
    assert reg.provider_for_npanxx("986-202", on=D(2020, 3, 1)) == ONVOY
    assert reg.provider_for_number("9866664000", on=D(2020, 12, 31)) is None
    assert reg.provider_for_number("9866664000", on=D(2021, 1, 1)) == TELNYX


def test_cpa_1_4_ocn_already_identified_for_another_provider_is_refused():
    """CPA.1.4: an OCN or NPA-NXX belongs to one provider; a second claim is an issue and is not applied."""
    reg = registry(*TELNYX_FACTS, ProviderAdded("add-onvoy", D(2020, 3, 1), ONVOY, ("Z202", "Z201"), ("986-202-1",)))
    assert reg.provider_for_ocn("Z202", on=D(2020, 3, 1)) == TELNYX
    assert reg.provider_for_ocn("Z201", on=D(2020, 3, 1)) == ONVOY
    assert [i.message for i in reg.issues()] == [
        "Z202 is already identified for TELNYX LLC",
        "9862021 is already identified for TELNYX LLC",
    ]


def test_cpa_1_4_malformed_ocn_or_npa_nxx_is_an_issue():
    """CPA.1.4: an OCN is four letters/digits; an NPA-NXX six digits (seven with the block)."""
    reg = registry(ProviderAdded("add", D(2020, 3, 1), ONVOY, ("Z2O", "Z201"), ("986-02", "986202")))
    assert reg.state(D(2020, 3, 1)).status(ONVOY).ocns == {"Z201"}
    assert [i.message for i in reg.issues()] == [
        "expected a four-character OCN, found 'Z2O'",
        "expected an NPA-NXX (six digits) or NPA-NXX-X (seven), found '986-02'",
    ]


def test_cpa_8_dos_removes_the_provider_until_a_separate_trunk_group():
    """CPA.8: after a DoS event, the provider's traffic returns only on a trunk group for its exclusive use."""
    reg = registry(*TELNYX_FACTS, DenialOfService("dos", D(2021, 1, 1), TELNYX, "SIP INVITE flood"))
    answer = reg.may_carry(TELNYX, on=D(2021, 1, 1))
    assert not answer.allowed and [r.clause for r in answer.unmet] == ["CPA.8"]
    reg = reg.with_facts(SeparateTrunkGroupEstablished("tg", D(2021, 2, 1), TELNYX, "TGSN-0042"))
    answer = reg.may_carry(TELNYX, on=D(2021, 2, 1))
    assert answer.allowed and answer.trunk_group == "TGSN-0042"
    assert reg.may_carry(TELNYX, on=D(2021, 2, 1), trunk_group="TGSN-0042").allowed
    assert not reg.may_carry(TELNYX, on=D(2021, 2, 1), trunk_group="TGSN-0001").allowed


def test_cpa_8_a_later_dos_needs_a_new_separate_trunk_group():
    """CPA.8 "following any such event": a second DoS voids the earlier separate trunk group."""
    reg = registry(
        *TELNYX_FACTS,
        DenialOfService("dos1", D(2021, 1, 1), TELNYX),
        SeparateTrunkGroupEstablished("tg", D(2021, 2, 1), TELNYX, "TGSN-0042"),
        DenialOfService("dos2", D(2021, 5, 1), TELNYX),
    )
    assert not reg.may_carry(TELNYX, on=D(2021, 5, 1)).allowed


def test_cpa_8_dos_and_trunk_group_on_the_same_day_apply_in_that_order():
    """CPA.8: same-day facts apply in the Amendment's sequence (DoS, then the separate trunk group)."""
    reg = registry(
        *TELNYX_FACTS,
        SeparateTrunkGroupEstablished("a-tg", D(2021, 1, 1), TELNYX, "TGSN-0042"),
        DenialOfService("z-dos", D(2021, 1, 1), TELNYX),
    )
    assert reg.may_carry(TELNYX, on=D(2021, 1, 1)).trunk_group == "TGSN-0042"


GRANITE_FACTS = (
    AMENDMENT,
    ProviderAdded("add-granite", D(2020, 4, 1), GRANITE_VOIP, ("Z900",), ("208-263-9",), clec_own_ocn=True),
    CarryNoticeGiven("notice-granite", D(2020, 4, 2), GRANITE_VOIP),
    CarryConfirmed("confirm-granite", D(2020, 4, 3), GRANITE_VOIP),
)


def test_cpa_11_clec_own_ocn_needs_the_commercial_numbering_agreement():
    """CPA.11: the CLEC's own VoIP OCN needs the Commercial Interconnected VoIP Provider Numbering Agreement."""
    plain = registry(*GRANITE_FACTS, AgreementSigned("na", D(2020, 4, 1), AgreementKind.NUMBERING, GRANITE_VOIP))
    answer = plain.may_carry(GRANITE_VOIP, on=D(2020, 5, 1))
    assert not answer.allowed
    assert [(r.clause, r.text) for r in answer.unmet] == [
        ("CPA.11", "no Commercial Interconnected VoIP Provider Numbering Agreement in effect")
    ]
    commercial = plain.with_facts(
        AgreementSigned("cna", D(2020, 4, 1), AgreementKind.COMMERCIAL_NUMBERING, GRANITE_VOIP)
    )
    assert commercial.may_carry(GRANITE_VOIP, on=D(2020, 5, 1)).allowed


def test_cpa_11_clec_own_ocn_needs_the_amendment_too():
    """CPA.11: "both" agreements; without the Amendment the CLEC's VoIP OCN may not be routed."""
    reg = registry(
        *GRANITE_FACTS,
        AgreementSigned("cna", D(2020, 4, 1), AgreementKind.COMMERCIAL_NUMBERING, GRANITE_VOIP),
        AgreementTerminated("amend-end", D(2022, 1, 1), AgreementKind.AMENDMENT),
    )
    assert reg.may_carry(GRANITE_VOIP, on=D(2021, 12, 31)).allowed
    answer = reg.may_carry(GRANITE_VOIP, on=D(2022, 1, 1))
    assert [(r.clause, r.text) for r in answer.unmet] == [("CPA.11", "Carrier Partner Amendment not in effect")]


def test_agreement_facts_must_match_their_kind():
    """The Amendment names no provider; a numbering agreement names one."""
    reg = registry(
        AgreementSigned("bad1", D(2020, 1, 1), AgreementKind.AMENDMENT, TELNYX),
        AgreementSigned("bad2", D(2020, 1, 1), AgreementKind.NUMBERING),
        AgreementTerminated("bad3", D(2020, 1, 1), AgreementKind.NUMBERING, ONVOY),
    )
    assert [i.fact_id for i in reg.issues()] == ["bad1", "bad2", "bad3"]
    assert reg.state(D(2020, 1, 1)).agreements == {}


def test_same_fact_twice_changes_nothing():
    """Feeding a fact again (a retry) leaves the registry as it was."""
    once = registry(*TELNYX_FACTS)
    twice = once.with_facts(*TELNYX_FACTS)
    assert twice == once


def test_one_id_for_two_different_facts_is_refused():
    """A reused id cannot be resolved by order, so neither fact applies and the conflict is reported."""
    reg = registry(*TELNYX_FACTS, CarryConfirmed("confirm-telnyx", D(2020, 2, 11), TELNYX))
    assert not reg.may_carry(TELNYX, on=D(2020, 3, 1)).allowed
    assert [(i.fact_id, i.on) for i in reg.issues()] == [("confirm-telnyx", D(2020, 2, 10))]


ALL_FACTS = (
    *TELNYX_FACTS,
    ProviderAdded("add-onvoy", D(2020, 2, 3), ONVOY, ("Z201",), ("986202",)),
    AgreementSigned("na-onvoy", D(2020, 2, 3), AgreementKind.NUMBERING, ONVOY),
    CarryNoticeGiven("notice-onvoy", D(2020, 2, 3), ONVOY),
    CarryConfirmed("confirm-onvoy", D(2020, 2, 3), ONVOY),
    StopNoticeGiven("stop-telnyx", D(2020, 6, 1), TELNYX),
    DenialOfService("dos-onvoy", D(2020, 6, 1), ONVOY),
    SeparateTrunkGroupEstablished("tg-onvoy", D(2020, 7, 1), ONVOY, "TGSN-0007"),
)
PROBE_DATES = (D(2020, 2, 3), D(2020, 2, 10), D(2020, 6, 1), D(2020, 7, 1))


@settings(max_examples=40, deadline=None)
@given(st.permutations(ALL_FACTS))
def test_order_of_facts_does_not_matter(shuffled):
    """Facts apply by date, then kind, then id: any arrival order gives the same registry and answers."""
    expected = registry(*ALL_FACTS)
    got = registry(*shuffled)
    assert got == expected
    for on in PROBE_DATES:
        assert got.may_carry(ONVOY, on) == expected.may_carry(ONVOY, on)


def test_same_day_notice_and_confirmation_apply_in_amendment_order():
    """CPA.1.1 on one day: Onvoy's notice and confirmation (ids in either order) authorize carrying that day."""
    answer = registry(*ALL_FACTS).may_carry(ONVOY, on=D(2020, 2, 3))
    assert answer.allowed


def test_queries_never_read_the_clock():
    """Every query takes a date: no module of the registry or the reference loader calls today() or now()."""
    from pathlib import Path

    import icaops.traffic.providers as providers
    import icaops.traffic.reference as reference

    sources = [p for package in (providers, reference) for p in Path(package.__file__).parent.glob("*.py")]
    assert len(sources) >= 10  # both packages were found
    for path in sources:
        text = path.read_text(encoding="utf-8")
        assert "today(" not in text and "now(" not in text, path.name
