"""The directory fold: every error code from an event that causes it, derived charges, replay."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from icaops.calendar.deadlines import Deadlines
from icaops.directory.errors import INPUT_CODES, Code
from icaops.directory.fold import fold
from icaops.relationship.events import Event
from icaops.terms.loader import load_agreement

DL = Deadlines(load_agreement("centurylink-granite-id-2012").terms)


def ev(eid: str, etype: str, day: str = "2014-01-02", **data: Any) -> Event:
    return Event(eid, dt.date.fromisoformat(day), etype, tuple(sorted(data.items())))


LSR = ev("m", "directory.method_chosen", "2013-01-02", account="G1", method="lsr_dsr")
FILE = ev("m", "directory.method_chosen", "2013-01-02", account="G1", method="annual_file")
BOOK = ev("b", "directory.close_announced", "2013-11-01", directory="boise", close="2014-03-14")
ADD = {"account": "G1", "wtn": "2085550101", "action": "add", "via": "dsr"}

CASES: list[tuple[Code, tuple[Event, ...]]] = [
    (Code.FIELD_MISSING, (ev("x", "listing.submitted", account="G1", action="add", via="dsr"),)),
    (Code.METHOD_INVALID, (ev("x", "directory.method_chosen", account="G1", method="carrier_pigeon"),)),
    (Code.ACTION_INVALID, (LSR, ev("x", "listing.submitted", **{**ADD, "action": "move"}))),
    (Code.VIA_INVALID, (LSR, ev("x", "listing.submitted", **{**ADD, "via": "fax"}))),
    (Code.DIRECTORY_UNKNOWN, (ev("x", "galley.provided", account="G1", directory="nowhere"),)),
    (Code.METHOD_NOT_CHOSEN, (ev("x", "listing.submitted", **ADD),)),
    (
        Code.METHOD_CHANGE_NOTICE_LATE,
        (
            LSR,
            ev(
                "x", "directory.method_chosen", "2013-06-01", account="G1", method="annual_file", effective="2013-07-01"
            ),
        ),
    ),
    (Code.METHOD_IS_ANNUAL_FILE, (FILE, ev("x", "listing.submitted", **ADD))),
    (Code.METHOD_IS_LSR_DSR, (LSR, BOOK, ev("x", "annual_file.submitted", account="G1", directory="boise"))),
    (Code.LISTING_EXISTS, (LSR, ev("a", "listing.submitted", **ADD), ev("x", "listing.submitted", **ADD))),
    (Code.LISTING_UNKNOWN, (LSR, ev("x", "listing.submitted", **{**ADD, "action": "delete"}))),
    (Code.AFTER_CLOSE, (FILE, BOOK, ev("x", "annual_file.submitted", "2014-03-20", account="G1", directory="boise"))),
    (
        Code.INTENT_NOTICE_LATE,
        (FILE, BOOK, ev("x", "annual_file.submitted", "2014-03-01", account="G1", directory="boise")),
    ),
    (
        Code.GALLEY_REQUEST_LATE,
        (
            LSR,
            BOOK,
            ev("x", "directory.galley_requested", "2014-02-20", account="G1", directory="boise", desired="2014-02-21"),
        ),
    ),
    (
        Code.CORRECTIONS_LATE,
        (BOOK, ev("x", "galley.corrections_submitted", "2014-03-13", account="G1", directory="boise", share="0.01")),
    ),
]


def test_every_code_has_a_case():
    assert {code for code, _ in CASES} == set(Code)


@pytest.mark.parametrize(("code", "events"), CASES, ids=[c.value for c, _ in CASES])
def test_each_code_from_its_event(code: Code, events: tuple[Event, ...]):
    state, errors = fold(events, DL)
    assert [e.code for e in errors] == [code]
    assert errors[0].event == "x"
    if code not in INPUT_CODES:
        assert state.refused["x"].code is code and errors[0].clause


def test_a_dsr_derives_the_priced_event_and_an_lsr_listing_does_not():
    log = (LSR, ev("a", "listing.submitted", **ADD), ev("b", "listing.submitted", **{**ADD, "wtn": "2", "via": "lsr"}))
    state, errors = fold(log, DL)
    assert errors == ()
    (dsr,) = state.emitted
    assert (dsr.type, dsr.get("standalone"), dsr.get("account")) == ("dsr.submitted", True, "G1")


def test_replaying_the_log_gives_the_same_state():
    log = (LSR, BOOK, ev("a", "listing.submitted", **ADD), ev("g", "galley.provided", account="G1", directory="boise"))
    assert fold(log, DL) == fold(log, DL)
