"""Trouble tickets (Article V): the fold's refusals are values with stable codes, its derived
events are ones billing already prices, and the tables agree with the schemas."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from icaops.app.events import check_events
from icaops.billing.charges import matches
from icaops.maintenance.event_schemas import MAINTENANCE_EVENT_SCHEMAS
from icaops.maintenance.fold import TICKET_EVENTS, fold
from icaops.maintenance.model import CODES
from icaops.maintenance.queries import answer
from icaops.relationship.events import Event, event_from_mapping
from icaops.terms.loader import Agreement, load_agreement
from icaops.terms.yamlsource import read_yaml

SCENARIOS = sorted((Path(__file__).parents[2] / "scenarios" / "maintenance").glob("*.yaml"))


@pytest.fixture(scope="module")
def agreement() -> Agreement:
    return load_agreement("centurylink-granite-id-2012")


def _events(*raw: dict) -> tuple[Event, ...]:
    out = []
    for i, r in enumerate(raw):
        e = event_from_mapping(r, i, "test")
        assert isinstance(e, Event)
        out.append(e)
    return tuple(out)


def _log(path: Path) -> tuple[Event, ...]:
    data = read_yaml(path)[0].data
    return _events(*data.get("events", []))


REPORT = {
    "id": "R1",
    "date": "2013-03-04",
    "type": "ticket.reported",
    "account": "GRANITE",
    "ticket": "T1",
    "at": "2013-03-04T09:15:00-06:00",
    "isolation": "tested to the NID",
    "isolation_attested": True,
}


def test_every_event_type_has_a_handler_and_a_schema():
    assert set(TICKET_EVENTS) == set(MAINTENANCE_EVENT_SCHEMAS)


def test_every_refusal_in_the_scenarios_has_a_documented_code(agreement: Agreement):
    for path in SCENARIOS:
        _, errors = fold(_log(path), agreement.terms)
        assert {e.code for e in errors} <= set(CODES), path.name


def test_derived_events_pass_billing_schemas_and_trigger_a_price(agreement: Agreement):
    terms = agreement.terms
    emitted = []
    for path in SCENARIOS:
        if "override" in path.name:
            continue
        state, _ = fold(_log(path), terms)
        emitted += state.emitted
    assert {e.type for e in emitted} == {"dispatch.no_fault", "dispatch.erroneous"}
    raw = [{"id": e.id, "date": e.date.isoformat(), "type": e.type, **dict(e.data)} for e in emitted]
    assert check_events(raw, terms, frozenset({"GRANITE"}), "derived") == []
    for e in emitted:
        priced = [code for code, t in terms.prices.items() if matches(t.value, e, False)]
        assert len(priced) == 1, e
        assert e.get("account") == "GRANITE"  # V.6.1: billed to the CLEC


def test_a_naive_time_is_refused_as_input(agreement: Agreement):
    state, errors = fold(_events({**REPORT, "at": "2013-03-04T09:15:00"}), agreement.terms)
    assert [(e.code, e.field) for e in errors] == [("field_invalid", "at")]
    assert "T1" not in state.tickets


def test_a_time_on_another_day_than_the_event_is_refused(agreement: Agreement):
    # 23:30 CST on the 4th is the 5th in UTC; the event is dated by the Central day
    _, ok = fold(_events({**REPORT, "at": "2013-03-05T05:30:00+00:00"}), agreement.terms)
    assert ok == ()
    _, errors = fold(_events({**REPORT, "at": "2013-03-05T07:30:00+00:00"}), agreement.terms)
    assert [e.code for e in errors] == ["field_invalid"]


def test_replaying_the_log_gives_the_same_state(agreement: Agreement):
    for path in SCENARIOS:
        log = _log(path)
        assert fold(log, agreement.terms) == fold(log, agreement.terms)


def test_age_is_elapsed_time_across_the_end_of_daylight_time(agreement: Agreement):
    # 2013-11-03: 01:00-02:00 happens twice; 00:30 CDT to 03:30 CST is 4 hours, not 3
    log = _events({**REPORT, "date": "2013-11-03", "at": "2013-11-03T00:30:00-05:00"})
    at = dt.datetime.fromisoformat("2013-11-03T03:30:00-06:00")
    explained, _ = answer(log, "ticket.T1.age_hours", at, agreement.terms)
    assert str(explained.value) == "4.00"


def test_unknown_query_names_the_known_ones(agreement: Agreement):
    at = dt.datetime.fromisoformat("2013-03-05T00:00:00-06:00")
    with pytest.raises(KeyError, match=r"tickets\.restoration_order"):
        answer(_events(REPORT), "ticket.T1.colour", at, agreement.terms)
