"""The order fold and gate outside scenario files: error paths (as values with codes) and the
derived events billing reads, each passing its schema (docs/orders.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

from icaops.app.agreements import open_agreement
from icaops.app.events import check_events
from icaops.calendar.deadlines import Deadlines
from icaops.orders import gate, lifecycle
from icaops.orders.model import OrdersState, Standing
from icaops.relationship import lifecycle as relationship
from icaops.relationship.events import Event

REPO = Path(__file__).resolve().parents[2]
TERMS = open_agreement().terms
GOOD = Standing(
    "GRANITE",
    certificate_on_file=True,
    profile=MappingProxyType({"ocn": "1234", "cc": "GRNT", "ccna": "GRN"}),
)
LSR = {
    "account": "GRANITE",
    "ccna": "GRN",
    "entity": "centurytel_of_idaho",
    "end_user": "Acme",
    "address": "1 Main St",
}


def _ev(eid: str, day: str, type_: str, **data: Any) -> Event:
    return Event(eid, dt.date.fromisoformat(day), type_, tuple(data.items()))


def _fold(*events: Event, standing: Standing = GOOD) -> tuple[OrdersState, list[str]]:
    setup = _ev("setup", "2012-07-02", "account.setup_completed")
    rel, _ = relationship.fold((setup, *events), Deadlines(TERMS))
    state, errors = lifecycle.fold((setup, *events), lifecycle.Inputs(TERMS, rel, lambda a, d: standing))
    return state, [e.expected for e in errors]


def _submit(pon: str, day: str = "2013-03-04", **extra: Any) -> Event:
    return _ev(f"L-{pon}", day, "lsr.submitted", pon=pon, act="N", ddd="2013-03-15", **{**LSR, **extra})


def test_a_supplement_must_carry_the_next_ver() -> None:
    state, errors = _fold(_submit("A"), _ev("s", "2013-03-05", "lsr.supplemented", pon="A", ver=3, sup="cancel"))
    assert state.orders["A"].status == "acknowledged"
    assert errors and "[ver_not_incremented, IV.7.2]" in errors[0]


def test_a_jeopardy_needs_the_revised_due_date() -> None:
    _, errors = _fold(
        _submit("A"), _ev("f", "2013-03-04", "lsr.confirmed", pon="A"), _ev("j", "2013-03-06", "lsr.jeopardy", pon="A")
    )
    assert "[revised_due_date_missing, IV.7.2.4]" in errors[0]


def test_inactivity_cancellation_before_the_31_days_is_refused() -> None:
    state, errors = _fold(
        _submit("A"),
        _ev("f", "2013-03-04", "lsr.confirmed", pon="A"),
        _ev("k", "2013-04-01", "lsr.cancelled", pon="A", reason="inactivity"),
    )
    assert state.orders["A"].status == "inProgress"
    assert "[cancel_too_early, VI.16]" in errors[0]


def test_an_expedite_decision_needs_a_request_and_a_duplicate_pon_is_refused() -> None:
    _, errors = _fold(_submit("A"), _submit("A"), _ev("x", "2013-03-05", "lsr.expedite_decided", pon="A", granted=True))
    assert "[pon_duplicate, IV.7.2]" in errors[0]
    assert "[expedite_not_requested, IV.9.2]" in errors[1]


def test_a_due_date_inside_the_interval_needs_an_expedite() -> None:
    _, errors = _fold(_submit("A"), _ev("f", "2013-03-04", "lsr.confirmed", pon="A", due_date="2013-03-05"))
    assert "[due_date_inside_interval, IV.9.1]" in errors[0]


def test_the_gate_is_a_pure_function_of_its_inputs() -> None:
    lsr = lifecycle._lsr(_submit("A"))
    rel = relationship.Lifecycle(setup_completed_on=dt.date(2012, 7, 2))
    day = dt.date(2013, 3, 4)
    assert gate.check(lsr, day, rel, GOOD, TERMS, {}, {}) == ()
    suspended = Standing("GRANITE", True, GOOD.profile, ("DR1",), True, "past due", frozenset({"Acme"}))
    codes = [e.code for e in gate.check(lsr, day, rel, suspended, TERMS, {}, {})]
    assert codes == ["deposit_outstanding", "nonpayment_suspension", "end_user_unpaid_balance"]


@pytest.mark.parametrize("path", sorted((REPO / "scenarios" / "orders").glob("*.yaml")), ids=lambda p: p.name)
def test_every_emitted_event_passes_its_schema(path: Path) -> None:
    from icaops.scenarios.context import Context
    from icaops.scenarios.orders_kinds import fold_log
    from icaops.scenarios.runner import LoadedScenario, load_scenario

    loaded = load_scenario(path)
    assert isinstance(loaded, LoadedScenario)
    ctx = Context.of(loaded.agreement, loaded.scenario.events)
    state, errors = fold_log(ctx, max(e.date for e in ctx.events))
    assert errors == ()
    raw = [{"id": e.id, "date": e.date.isoformat(), "type": e.type, **dict(e.data)} for e in state.emitted]
    assert check_events(raw, TERMS, frozenset({"GRANITE"}), str(path)) == []
