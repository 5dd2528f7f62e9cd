"""The CPNI fold: every error code from an event that causes it, replay, and the access rule (IV.8.5)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from icaops.calendar.deadlines import Deadlines
from icaops.cpni.access import ROLES, may_read
from icaops.cpni.errors import INPUT_CODES, Code
from icaops.cpni.fold import fold
from icaops.relationship.events import Event
from icaops.terms.loader import load_agreement

DL = Deadlines(load_agreement("centurylink-granite-id-2012").terms)
D = dt.date(2013, 2, 4)


def ev(eid: str, etype: str, day: dt.date = D, **data: Any) -> Event:
    return Event(eid, day, etype, tuple(sorted(data.items())))


LOA = ev("L", "cpni.blanket_loa_filed", dt.date(2013, 1, 1), account="G1")
AUTH = ev("A", "cpni.authorization_recorded", dt.date(2013, 1, 1), account="G1", wtn="2085550101")
CSR = {"account": "G1", "wtn": "2085550101", "channel": "electronic", "authorization": "A"}

CASES: list[tuple[Code, tuple[Event, ...]]] = [
    (Code.FIELD_MISSING, (ev("x", "csr.requested", account="G1", channel="electronic"),)),
    (Code.CHANNEL_INVALID, (LOA, AUTH, ev("x", "csr.requested", **{**CSR, "channel": "fax"}))),
    (Code.ROLE_INVALID, (ev("x", "cpni.accessed", account="G1", actor="a", role="janitor"),)),
    (Code.KIND_INVALID, (ev("x", "cpni.accessed", account="G1", actor="a", role="ilec_operations", kind="dna"),)),
    (Code.FILE_INVALID, (ev("x", "dvf.requested", account="G1", file="everything"),)),
    (Code.AUTHORIZATION_UNKNOWN, (ev("x", "cpni.authorization_withdrawn", account="G1", refers_to="nope"),)),
    (Code.BLANKET_LOA_MISSING, (AUTH, ev("x", "csr.requested", **CSR))),
    (Code.AUTHORIZATION_MISSING, (LOA, ev("x", "csr.requested", **CSR))),
    (Code.READ_NOT_ALLOWED, (ev("x", "cpni.accessed", account="G1", actor="a", role="ilec_retail_sales"),)),
    (
        Code.DVF_LIMIT_REACHED,
        (
            ev("d1", "dvf.requested", account="G1", file="community_names"),
            ev("x", "dvf.requested", account="G1", file="community_names"),
        ),
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


def test_granted_search_derives_the_priced_event_and_an_access_record():
    state, errors = fold((LOA, AUTH, ev("s", "csr.requested", **CSR)), DL)
    assert errors == ()
    (searched,) = state.emitted
    assert (searched.type, searched.get("channel"), searched.get("account")) == ("csr.searched", "electronic", "G1")
    assert [a.granted for a in state.accesses] == [True]


def test_replaying_the_log_gives_the_same_state():
    log = (
        LOA,
        AUTH,
        ev("s", "csr.requested", **CSR),
        ev("r", "cpni.accessed", account="G1", actor="a", role="auditor"),
    )
    assert fold(log, DL) == fold(log, DL)


@pytest.mark.parametrize("kind", ["order", "customer_record", "listing", "ticket", "bill", "access_record"])
def test_retail_sales_reads_nothing_of_a_clec(kind: str):
    answer = may_read("ilec_retail_sales", "ilec", "G1", kind)
    assert answer.value is False and answer.clauses == ("IV.8.5",)


def test_a_clec_reads_only_its_own():
    assert may_read("clec_user", "G1", "G1", "order").value is True
    assert may_read("clec_admin", "G2", "G1", "order").value is False
    assert may_read("clec_user", "G1", "G1", "access_record").value is False


def test_ilec_roles_belong_to_the_ilec():
    assert may_read("ilec_operations", "ilec", "G1", "customer_record").value is True
    assert may_read("ilec_operations", "G2", "G1", "customer_record").value is False
    assert may_read("auditor", "ilec", "G1", "access_record").value is True
    with pytest.raises(ValueError):
        may_read("nobody", "ilec", "G1", "order")
    assert len(ROLES) == 6
