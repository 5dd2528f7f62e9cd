"""The hash chains: every event and ledger transfer is linked as it is stored, in one serial
order with no gaps; `verify_store` finds the record intact; rows stored before the chain
existed are linked by migration 0003; per-day heads can be kept and compared later."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import psycopg
import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.engine import make_url

from icaops.app.verify import verify_store
from icaops.relationship.events import Event, event_from_mapping
from icaops.store import make_engine, migrate
from icaops.store.audit import record
from icaops.store.chain import EVENTS, GENESIS, LEDGER, canonical, link_hash
from icaops.store.db import writing
from icaops.store.events import append_events
from icaops.store.models import (
    BalanceRow,
    BookRow,
    ChainHeadRow,
    EntryRow,
    EventRow,
    LegRow,
    RefRow,
    SequenceRow,
    TransferRow,
)
from icaops.store.payments import post_payment
from icaops.store.verify import check_heads, parse_heads

UTC = dt.UTC


def payment(n: int, account: str = "GRANITE") -> Event:
    event = event_from_mapping(
        {
            "id": f"P{n:02d}",
            "date": f"2013-04-{1 + n:02d}",
            "type": "payment.received",
            "account": account,
            "amount": f"{100 + n}.{n:02d}",
        },
        n,
        "test",
    )
    assert isinstance(event, Event)
    return event


def fill(engine, terms) -> None:
    """A small record: notices of two tenants, and three payments (events and transfers)."""
    with writing(engine) as conn:
        events = [
            Event(f"N{i}", dt.date(2013, 3, 1 + i), "notice.sent", (("text", f"notice {i}"), ("n", Decimal("1.5"))))
            for i in range(4)
        ]
        append_events(conn, events[:2], tenant="GRANITE")
        append_events(conn, events[2:], tenant="OTHER")
        record(conn, "test.done", "GRANITE", "an audit row")
    for n in range(3):
        assert post_payment(engine, payment(n), terms).status == "posted"


def test_events_and_transfers_are_linked_in_one_gapless_order(engine, terms):
    fill(engine, terms)
    with engine.connect() as conn:
        rows = conn.execute(select(EventRow).order_by(EventRow.chain_seq)).all()
        assert [r.chain_seq for r in rows] == list(range(1, 8))
        prev = GENESIS
        for r in rows:
            assert r.chain_prev == prev
            assert r.chain_hash == link_hash(EVENTS, r.chain_seq, r.chain_prev, r.chain_digest)
            prev = r.chain_hash
        transfers = conn.execute(select(TransferRow).order_by(TransferRow.id)).all()
        assert [t.chain_prev for t in transfers][1:] == [t.chain_hash for t in transfers][:-1]
        heads = dict(conn.execute(select(ChainHeadRow.name, ChainHeadRow.seq)).all())
        assert heads == {EVENTS: 7, LEDGER: 3}
    report = verify_store(engine)
    assert report.intact, [str(f) for f in report.findings]
    assert [(w.chain, w.records) for w in report.chains] == [(EVENTS, 7), (LEDGER, 3)]


def test_a_repeated_event_adds_no_link(engine, terms):
    fill(engine, terms)
    assert post_payment(engine, payment(1), terms).status == "duplicate"
    with writing(engine) as conn:
        append_events(conn, [Event("N0", dt.date(2013, 3, 1), "notice.sent", (("text", "notice 0"),))], "GRANITE")
    report = verify_store(engine)
    assert report.intact, [str(f) for f in report.findings]
    assert report.chains[0].last[0] == 7


def test_day_heads_can_be_kept_and_compared(engine, terms):
    fill(engine, terms)
    report = verify_store(engine)
    [events_head, ledger_head] = report.heads
    assert (events_head.chain, events_head.seq) == (EVENTS, 7)
    assert (ledger_head.chain, ledger_head.seq) == (LEDGER, 3)
    kept, errors = parse_heads(["# kept by Granite", *map(str, report.heads)], "kept.txt")
    assert kept == list(report.heads) and not errors
    assert verify_store(engine, kept).intact
    with engine.connect() as conn:
        assert check_heads(conn, kept) == []
    _, errors = parse_heads(["2013-04-01 events 7"], "kept.txt")
    assert errors == ["kept.txt:1: expected DAY CHAIN SEQ HASH (events or ledger_transfers), got '2013-04-01 events 7'"]


def test_canonical_form_is_the_same_whatever_the_database_read_back():
    a = {"amount": Decimal("18.40"), "at": dt.datetime(2013, 4, 1, 2, tzinfo=dt.timezone(dt.timedelta(hours=-6)))}
    b = {"at": dt.datetime(2013, 4, 1, 8, tzinfo=UTC), "amount": Decimal("18.4")}
    assert canonical(a) == canonical(b) == '{"amount":"18.4","at":"2013-04-01T08:00:00.000000+00:00"}'
    assert canonical({"zero": Decimal("0.00"), "hundred": Decimal("100")}) == '{"hundred":"100","zero":"0"}'


def _old_rows(conn) -> None:
    """Rows as revision 0002 stored them (no chain), the way the store wrote them then."""
    for i, (tenant, event_id) in enumerate((("GRANITE", "E1"), ("GRANITE", "E2"), ("OTHER", "E1"))):
        conn.execute(
            insert(EventRow),
            {
                "tenant": tenant,
                "event_id": event_id,
                "date": dt.date(2013, 3, 1 + i),
                "type": "notice.sent",
                "source_seq": i,
                "payload": {"text": f"notice {i}"},
                "fingerprint": "f" * 64,
                "recorded_at": dt.datetime(2013, 3, 1 + i, 12, tzinfo=UTC),
            },
        )
    for transfer_id in (1, 2):
        conn.execute(
            insert(TransferRow),
            {
                "id": transfer_id,
                "key": f"payment:P{transfer_id}",
                "billing_account": "GRANITE",
                "kind": "payment",
                "flow": "posted",
                "effective_date": dt.date(2013, 4, transfer_id),
                "posted_at": dt.datetime(2013, 4, transfer_id, tzinfo=UTC),
                "currency": "USD",
                "clause": "III.9.2",
                "memo": "",
                "pending_key": None,
                "corrects": "",
                "has_lines": False,
            },
        )
        amount = Decimal(f"{10 * transfer_id}.50")
        conn.execute(
            insert(LegRow),
            [
                {"transfer_id": transfer_id, "position": 0, "account": "cash", "amount": amount, "line": ""},
                {"transfer_id": transfer_id, "position": 1, "account": "receivable", "amount": -amount, "line": ""},
            ],
        )
        conn.execute(insert(RefRow), {"transfer_id": transfer_id, "position": 0, "source": "event", "ref_id": "P"})
        conn.execute(
            insert(EntryRow),
            {
                "transfer_id": transfer_id,
                "billing_account": "GRANITE",
                "account": "cash",
                "effective_date": dt.date(2013, 4, transfer_id),
                "pending": False,
                "debit": amount,
                "credit": Decimal("0.00"),
            },
        )
    zero = Decimal("0.00")
    conn.execute(
        insert(BalanceRow),
        {
            "billing_account": "GRANITE",
            "account": "cash",
            "debits_posted": Decimal("31.00"),
            "credits_posted": zero,
            "debits_pending": zero,
            "credits_pending": zero,
        },
    )
    conn.execute(insert(SequenceRow), {"name": "transfers", "last": 2})
    conn.execute(insert(BookRow), {"billing_account": "GRANITE", "transfers": 2})


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def fresh_url(request, tmp_path):
    """An empty database (not migrated): a new SQLite file, or a new database in the cluster."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.sqlite'}"
        return
    cluster = request.getfixturevalue("pg_cluster")
    url = make_url(cluster.url)
    connect = {"host": str(cluster.socket_dir), "port": url.query["port"], "user": url.username, "autocommit": True}
    with psycopg.connect(dbname=url.database, **connect) as conn:
        conn.execute("DROP DATABASE IF EXISTS icaops_0002")
        conn.execute("CREATE DATABASE icaops_0002")
    yield url.set(database="icaops_0002").render_as_string(hide_password=False)
    with psycopg.connect(dbname=url.database, **connect) as conn:
        conn.execute("DROP DATABASE icaops_0002 WITH (FORCE)")


def test_migration_links_the_rows_already_stored(fresh_url, terms):
    migrate(fresh_url, revision="0002")
    engine = make_engine(fresh_url)
    try:
        with engine.begin() as conn:
            _old_rows(conn)
        migrate(engine)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "0009"
            seqs = conn.execute(select(EventRow.event_id, EventRow.chain_seq).order_by(EventRow.position)).all()
            assert [s for _, s in seqs] == [1, 2, 3]
        report = verify_store(engine)
        assert report.intact, [str(f) for f in report.findings]
        assert [w.last[0] for w in report.chains] == [3, 2]
        assert post_payment(engine, payment(5), terms).status == "posted"  # the chains go on from there
        report = verify_store(engine)
        assert report.intact, [str(f) for f in report.findings]
        assert [w.last[0] for w in report.chains] == [4, 3]
    finally:
        engine.dispose()
