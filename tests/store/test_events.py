"""The event log: an event fed twice changes nothing; a reused id with other content is
refused and kept with its reason; the log reads back as the in-memory ordered log."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import func, select

from icaops.relationship.events import Event, event_from_mapping, ordered_log
from icaops.store.audit import audit_rows
from icaops.store.events import append_events, load_events
from icaops.store.models import EventRow

RAW = [
    {"id": "B1", "date": "2013-03-04", "type": "bill.issued", "account": "GRANITE", "bill": "B1", "amount": "2000.00"},
    {
        "id": "D1",
        "date": "2013-03-20",
        "type": "billing_dispute.filed",
        "account": "GRANITE",
        "bill": "B1",
        "items": [{"line": "B1:charges", "amount": "300.00", "reason": "lines billed after disconnect order"}],
    },
    {"id": "P1", "date": "2013-04-03", "type": "payment.received", "account": "GRANITE", "amount": "1700.00"},
    {"id": "P0", "date": "2013-04-03", "type": "payment.received", "account": "GRANITE", "amount": "5.00"},
    {"id": "X1", "date": "2013-03-01", "type": "bill.issued", "account": "OTHER", "bill": "X1", "amount": "9.00"},
]


def _events(raw=RAW) -> list[Event]:
    events = [event_from_mapping(r, i, "test") for i, r in enumerate(raw)]
    assert all(isinstance(e, Event) for e in events), events
    return events


def _count(conn) -> int:
    return conn.execute(select(func.count()).select_from(EventRow)).scalar_one()


def test_feeding_events_twice_changes_nothing(engine):
    with engine.begin() as conn:
        first = append_events(conn, _events())
        again = append_events(conn, _events())
        assert first.stored == [e["id"] for e in RAW] and not first.duplicates
        assert again.duplicates == first.stored and not again.stored and not again.errors
        assert _count(conn) == len(RAW)


def test_an_id_reused_with_other_content_is_refused_and_audited(engine):
    changed = dict(RAW[2], amount="1800.00")
    with engine.begin() as conn:
        append_events(conn, _events())
        result = append_events(conn, _events([changed]))
    assert [(e.event, e.field) for e in result.errors] == [("P1", "id")]
    assert "already used by the payment.received event of 2013-04-03" in result.errors[0].expected
    with engine.connect() as conn:
        [row] = audit_rows(conn, action="event.rejected")
        assert row.subject == "GRANITE/P1" and "a unique id" in row.reason
        assert row.detail["data"]["amount"] == "1800.00"
        [stored] = [e for e in load_events(conn, "GRANITE") if e.id == "P1"]
        assert stored.get("amount") == "1700.00"  # the first one stays


def test_the_same_id_in_two_tenants_is_two_events(engine):
    raw = [dict(RAW[2], account="A"), dict(RAW[2], account="B")]
    with engine.begin() as conn:
        assert append_events(conn, _events(raw)).stored == ["P1", "P1"]


def test_an_event_without_tenant_is_refused(engine):
    with engine.begin() as conn:
        result = append_events(conn, _events([{"id": "N1", "date": "2013-05-13", "type": "notice.given"}]))
        assert [(e.event, e.field) for e in result.errors] == [("N1", "account")]
        assert _count(conn) == 0
        assert append_events(
            conn, _events([{"id": "N1", "date": "2013-05-13", "type": "notice.given"}]), tenant="GRANITE"
        ).stored == ["N1"]


def test_a_tenant_log_reads_back_as_the_ordered_log(engine):
    """Stored in a shuffled order and fed twice, the log reads back as `ordered_log` of the originals."""
    events = _events()
    with engine.begin() as conn:
        append_events(conn, list(reversed(events)))
        append_events(conn, events)
    with engine.connect() as conn:
        loaded = load_events(conn, "GRANITE")
    expected, errors = ordered_log([e for e in events if e.get("account") == "GRANITE"])
    assert not errors
    assert loaded == expected
    assert [e.id for e in loaded] == ["B1", "D1", "P1", "P0"]  # same day: source order


def test_payload_values_keep_their_types(engine):
    raw = {
        "id": "Z",
        "date": "2013-01-02",
        "type": "deposit.requested",
        "account": "GRANITE",
        "due": dt.date(2013, 2, 1),
        "amount": Decimal("12.30"),
        "count": 3,
        "share": 0.5,
        "flag": True,
        "nested": [{"on": dt.date(2013, 1, 3), "x": None}],
        "at": dt.datetime(2013, 1, 2, 9, tzinfo=dt.UTC),
    }
    [event] = _events([raw])
    with engine.begin() as conn:
        append_events(conn, [event])
    with engine.connect() as conn:
        [loaded] = load_events(conn, "GRANITE")
    assert loaded == event
    assert loaded.fingerprint() == event.fingerprint()
    assert type(loaded.get("amount")) is Decimal and type(loaded.get("due")) is dt.date
