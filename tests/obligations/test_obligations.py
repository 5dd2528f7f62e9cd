"""The obligations derivation (icaops/obligations) and its views (icaops/app/obligations.py):
replaying gives the same result, a repeated event changes nothing, waivers are the creditor's
(III.52), and the iCalendar feed reads back with a real parser (RFC 5545)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import icalendar
import pytest

import icaops.obligations as obligations_pkg
from icaops.app.errors import UserError
from icaops.app.obligations import digest, ical_feed, obligations_for
from icaops.obligations import CONSEQUENCE_KINDS, RULES, obligations
from icaops.relationship.events import Event, event_from_mapping
from icaops.scenarios.runner import LoadedScenario, load_scenario
from icaops.terms.loader import load_agreement

AGREEMENT = load_agreement("centurylink-granite-id-2012")

RAW = [
    {"id": "open", "date": "2015-07-01", "type": "billing.account_opened", "account": "GRANITE"},
    {"id": "R1", "date": "2015-08-03", "type": "deposit.requested", "account": "GRANITE", "amount": "5000.00",
     "ground": "no_established_credit"},
    {"id": "B1", "date": "2015-09-15", "type": "bill.issued", "account": "GRANITE", "bill": "B1", "amount": "3200.00"},
    {"id": "B2", "date": "2015-10-15", "type": "bill.issued", "account": "GRANITE", "bill": "B2", "amount": "1000.00"},
    {"id": "P1", "date": "2015-10-20", "type": "payment.received", "account": "GRANITE", "amount": "3200.00"},
    {"id": "N1", "date": "2015-10-01", "type": "notice.given", "kind": "dispute", "method": "personal", "by": "clec"},
    {"id": "W1", "date": "2015-10-02", "type": "obligation.waived", "refers_to": "deposit:GRANITE:R1", "by": "ilec"},
]  # fmt: skip


def _events(raw: list[dict]) -> tuple[Event, ...]:
    out = []
    for i, r in enumerate(raw):
        e = event_from_mapping(r, i, "test")
        assert isinstance(e, Event)
        out.append(e)
    return tuple(out)


EVENTS = _events(RAW)
ON = dt.date(2015, 11, 20)


def _by_id(events: tuple[Event, ...], on: dt.date = ON) -> dict:
    found, _ = obligations(AGREEMENT, events, on)
    return {o.id: o for o in found}


def test_replaying_the_log_gives_the_same_obligations_and_a_repeated_event_changes_nothing() -> None:
    """A derivation of the log: the same events give equal records; an event fed twice counts once."""
    first, errors = obligations(AGREEMENT, EVENTS, ON)
    again, _ = obligations(AGREEMENT, EVENTS, ON)
    twice, twice_errors = obligations(AGREEMENT, EVENTS + (replace(EVENTS[4], seq=99),), ON)
    assert first == again == twice
    assert errors == twice_errors == ()


def test_ids_are_stable_and_every_rule_is_named_in_the_table() -> None:
    """Each obligation's rule is a key of RULES and its id starts with what it is about (docs/obligations.md)."""
    found = _by_id(EVENTS)
    assert {"payment:B1", "payment:B2", "deposit:GRANITE:R1", "dispute_representative:N1"} <= set(found)
    assert all(o.rule in RULES for o in found.values())
    kinds = {c.kind for o in found.values() for c in o.consequences}
    assert kinds <= set(CONSEQUENCE_KINDS)


def test_a_waiver_by_the_creditor_waives_and_one_by_the_debtor_is_refused_III_52() -> None:
    """III.52: only an express waiver waives; the party owed the deposit (the ILEC) may give it, Granite may not."""
    assert _by_id(EVENTS)["deposit:GRANITE:R1"].state == "waived"
    by_debtor = _events([*RAW[:-1], {**RAW[-1], "by": "clec"}])
    found, errors = obligations(AGREEMENT, by_debtor, ON)
    assert {o.id: o for o in found}["deposit:GRANITE:R1"].state == "violated"
    assert [e.code for e in errors] == ["waiver_not_by_creditor"]
    unknown = _events([*RAW[:-1], {**RAW[-1], "refers_to": "deposit:GRANITE:R9"}])
    assert [e.code for e in obligations(AGREEMENT, unknown, ON)[1]] == ["obligation_unknown"]


def test_the_due_soon_state_follows_the_term_system_choice() -> None:
    """obligations.due_soon_window: B2 is due Monday 2015-11-16 (11-14 is a Saturday, III.9.2);
    5 Business Days before, skipping Veterans Day (Wed 11-11): 13, 12, 10, 9, 6 -> from Friday 11-06."""
    assert _by_id(EVENTS, dt.date(2015, 11, 5))["payment:B2"].state == "pending"
    assert _by_id(EVENTS, dt.date(2015, 11, 6))["payment:B2"].state == "due_soon"
    narrower = AGREEMENT.with_overrides({"obligations.due_soon_window": "2 business days"})
    found, _ = obligations(narrower, EVENTS, dt.date(2015, 11, 6))
    assert {o.id: o for o in found}["payment:B2"].state == "pending"


def test_obligations_for_filters_by_party_state_and_account() -> None:
    """The app function the CLI and the API call."""
    clec = obligations_for(EVENTS, "clec", ON, agreement=AGREEMENT)
    assert all(o.debtor.party == "clec" for o in clec)
    violated = obligations_for(EVENTS, "clec", ON, "violated", agreement=AGREEMENT)
    # III.20.1: the meeting on N1 (received 2015-10-01) was due by 10-31; B2 was due Monday 11-16
    assert [o.id for o in violated] == ["dispute_meeting:N1:clec", "payment:B2"]
    about = obligations_for(EVENTS, "clec", ON, "open", "GRANITE", agreement=AGREEMENT)
    assert (
        [o.id for o in about] == [o.id for o in clec if o.is_open and o.debtor.account == "GRANITE"] == ["payment:B2"]
    )
    owed = obligations_for(EVENTS, "ilec", ON, agreement=AGREEMENT, role="owed")
    assert {o.id for o in owed} >= {"payment:B1", "payment:B2"}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"party": "granite"}, "--party"), ({"state": "late"}, "--state"), ({"account": "NOPE"}, "--account")],
)
def test_a_wrong_party_state_or_account_is_a_user_error_naming_the_option(kwargs: dict, field: str) -> None:
    args = {"party": "clec", **kwargs}
    with pytest.raises(UserError) as err:
        obligations_for(EVENTS, args.pop("party"), ON, agreement=AGREEMENT, **args)
    assert err.value.field == field


def test_the_ical_feed_reads_back_with_icalendar_RFC_5545() -> None:
    """One VEVENT per obligation: stable UID, DTSTAMP, the due date, the clause in the description."""
    stamp = dt.datetime(2015, 11, 20, 15, 0, tzinfo=dt.UTC)
    feed = ical_feed(EVENTS, "clec", ON, stamp=stamp, agreement=AGREEMENT)
    cal = icalendar.Calendar.from_ical(feed)
    assert cal["version"] == "2.0" and cal["prodid"]
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    expected = obligations_for(EVENTS, "clec", ON, agreement=AGREEMENT)
    assert len(events) == len(expected)
    b2 = events["payment:B2@centurylink-granite-id-2012"]
    assert b2.decoded("dtstart") == dt.date(2015, 11, 16)
    assert b2.decoded("dtstamp") == stamp
    assert "Clause: III.9.2" in str(b2["description"])
    assert "violated" in str(b2["summary"])
    pending = next(e for e in cal.walk("VEVENT") if "pending" in str(e["summary"]) or "due_soon" in str(e["summary"]))
    assert pending.walk("VALARM"), "an open obligation carries an alarm for its due-soon window"
    later = ical_feed(EVENTS, "clec", ON, stamp=stamp + dt.timedelta(days=1), agreement=AGREEMENT)
    assert {str(e["uid"]) for e in icalendar.Calendar.from_ical(later).walk("VEVENT")} == set(events)


def test_the_digest_lists_what_falls_due_what_comes_next_and_what_was_violated_since_yesterday() -> None:
    """B2 is due 2015-11-16 and unpaid: due today on 11-16, newly violated on 11-17."""
    today = digest(EVENTS, "clec", dt.date(2015, 11, 16), agreement=AGREEMENT)
    assert "payment:B2" in [o.id for o in today.fell_due]
    tomorrow = digest(EVENTS, "clec", dt.date(2015, 11, 17), agreement=AGREEMENT)
    assert [o.id for o in tomorrow.newly_violated] == ["payment:B2"]
    ahead = digest(EVENTS, "clec", dt.date(2015, 11, 10), 7, agreement=AGREEMENT)
    assert ahead.until == dt.date(2015, 11, 17) and "payment:B2" in [o.id for o in ahead.due_next]


def test_the_public_names_are_locked() -> None:
    """The framework's surface (docs/obligations.md, "Adding a rule")."""
    assert set(obligations_pkg.__all__) == {
        "ACT_EVENTS",
        "CONSEQUENCE_KINDS",
        "Acts",
        "Consequence",
        "Duty",
        "Fulfilment",
        "OPEN_STATES",
        "Obligation",
        "ObligationError",
        "PARTIES",
        "PartyRef",
        "RULES",
        "Relationship",
        "Rule",
        "STATES",
        "Waiver",
        "derive",
        "due_soon_from",
        "obligations",
        "relationship_of",
        "settle",
    }


def test_every_act_event_type_has_a_schema_and_the_schemas_join_the_event_table() -> None:
    """One schema per act handler (event_schemas.py), and `icaops events load` knows them (docs/events.md)."""
    from icaops.app.events import EVENT_SCHEMAS
    from icaops.obligations.event_schemas import OBLIGATION_EVENT_SCHEMAS

    assert set(obligations_pkg.ACT_EVENTS) == set(OBLIGATION_EVENT_SCHEMAS)
    assert all(EVENT_SCHEMAS[t] is OBLIGATION_EVENT_SCHEMAS[t] for t in OBLIGATION_EVENT_SCHEMAS)


def test_an_act_without_refers_to_is_an_error_of_the_log() -> None:
    """A malformed act is an error value with its field, not a crash."""
    bad = _events([*RAW, {"id": "X1", "date": "2015-10-05", "type": "dispute.meeting_held"}])
    _, errors = obligations(AGREEMENT, bad, ON)
    assert [(e.code, e.event, e.field) for e in errors] == [("field_missing", "X1", "refers_to")]


SCENARIOS = sorted((Path(__file__).resolve().parents[2] / "scenarios" / "obligations").glob("*.yaml"))


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_each_scenario_log_fed_twice_gives_the_same_obligations(path: Path) -> None:
    """A derivation of the log: every event given a second time (a re-sent file) changes nothing,
    on every day an event of the log is dated."""
    loaded = load_scenario(path)
    assert isinstance(loaded, LoadedScenario)
    events = loaded.scenario.events
    twice = events + tuple(replace(e, seq=e.seq + 1000) for e in events)
    for on in sorted({e.date for e in events}):
        assert obligations(loaded.agreement, events, on) == obligations(loaded.agreement, twice, on)
