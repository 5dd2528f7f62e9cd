"""The tamper suite (issue 11 §1): TRUNCATE, DROP TRIGGER, UPDATE, DELETE, reordering and forged
INSERTs on both databases, each ending in a refusal or in `verify_store` naming the damage
(which table, which record, what was expected).

The attacker here owns the database (PostgreSQL: the tables' owner, a superuser who can switch
triggers off; SQLite: the file's owner, who can drop them). The application's own role cannot
do any of it: tests/store/test_app_role.py.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import DBAPIError

from icaops.app.verify import verify_store
from icaops.store.chain import EVENTS, LEDGER, Head, event_digest
from icaops.store.guards import expected_triggers
from icaops.store.models import EventRow
from icaops.store.verify import Finding
from tests.store.test_chain import fill

FORGED_PAYMENT = (
    "INSERT INTO events (tenant, event_id, date, type, source_seq, payload, fingerprint, recorded_at{chain}) "
    "VALUES ('GRANITE', 'P-FORGED', '2013-04-20', 'payment.received', 99, "
    """'{{"account": "GRANITE", "amount": "500.00"}}', 'x', '2013-04-20 00:00:00.000000'{values})"""
)


def tamper(engine: Engine, *statements: str) -> None:
    """Run `statements` past the guards: triggers off (PostgreSQL, as a superuser) or dropped (SQLite)."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        else:
            for _, trigger in expected_triggers("sqlite"):
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger}")
        for statement in statements:
            conn.exec_driver_sql(statement)


def damage(engine: Engine) -> list[Finding]:
    """The findings, without the dropped triggers (named in test_dropped_triggers_are_named)."""
    report = verify_store(engine)
    assert not report.intact
    return [f for f in report.findings if not f.record.startswith("trigger ")]


@pytest.fixture
def stored(engine, terms) -> Engine:
    fill(engine, terms)
    assert verify_store(engine).intact
    return engine


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE events SET payload = '{}'",
        "DELETE FROM events WHERE event_id = 'P01'",
        "UPDATE ledger_legs SET amount = 0",
        "DELETE FROM ledger_entries",
        "DELETE FROM audit_log",
    ],
)
def test_polite_sql_is_refused(stored, statement):
    with pytest.raises(DBAPIError, match="append-only"), stored.begin() as conn:
        conn.exec_driver_sql(statement)
    assert verify_store(stored).intact


def test_truncate_is_refused_on_postgresql(stored):
    if stored.dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE (DELETE without WHERE fires the row triggers)")
    for statement in ("TRUNCATE events, ledger_transfers, audit_log, bills CASCADE", "TRUNCATE ledger_periods"):
        with pytest.raises(DBAPIError, match="TRUNCATE refused"), stored.begin() as conn:
            conn.exec_driver_sql(statement)
    assert verify_store(stored).intact


def test_truncate_past_the_guards_is_named(stored):
    """Every event and transfer gone (TRUNCATE with triggers off; DELETE on SQLite): the heads
    the store kept, and the balances, still say what was there."""
    if stored.dialect.name == "postgresql":
        tamper(stored, "TRUNCATE events, ledger_transfers, audit_log, bills CASCADE")
    else:
        tables = ("ledger_entries", "ledger_legs", "ledger_refs", "ledger_transfers", "events", "audit_log", "bills")
        tamper(stored, *(f"DELETE FROM {t}" for t in tables))
    found = damage(stored)
    heads = {f.record: f for f in found if f.table == "chain_heads"}
    assert heads[EVENTS].expected.startswith("seq 7 ") and heads[EVENTS].found.startswith("seq 0 ")
    assert heads[LEDGER].expected.startswith("seq 3 ")
    assert any(f.table == "ledger_balances" for f in found)
    assert any(f.table == "ledger_sequences" for f in found)


def test_dropped_triggers_are_named(stored):
    if stored.dialect.name == "sqlite":
        tamper(stored)
        named = {(t, f"trigger {name}", "guard missing") for t, name in expected_triggers("sqlite")}
        assert {(f.table, f.record, f.problem) for f in verify_store(stored).findings} == named
        return
    with stored.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER events_no_truncate ON events")
        conn.exec_driver_sql("ALTER TABLE ledger_legs DISABLE TRIGGER ledger_legs_append_only")
    try:
        findings = verify_store(stored).findings
    finally:  # the cluster is the session's: put the guards back
        with stored.begin() as conn:
            conn.exec_driver_sql(
                "CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events "
                "FOR EACH STATEMENT EXECUTE FUNCTION icaops_no_truncate()"
            )
            conn.exec_driver_sql("ALTER TABLE ledger_legs ENABLE TRIGGER ledger_legs_append_only")
    assert {(f.table, f.record, f.problem) for f in findings} == {
        ("events", "trigger events_no_truncate", "guard missing"),
        ("ledger_legs", "trigger ledger_legs_append_only", "guard disabled"),
    }
    assert verify_store(stored).intact


def test_an_edited_event_is_named(stored):
    tamper(
        stored, """UPDATE events SET payload = '{"account": "GRANITE", "amount": "999.00"}' WHERE event_id = 'P01'"""
    )
    [finding] = damage(stored)
    assert (finding.table, finding.record) == (EVENTS, "chain_seq 6 (GRANITE/P01)")
    assert finding.problem == "content changed since it was stored (edited)"


def test_an_edit_with_its_digest_recomputed_breaks_the_next_link(stored):
    """The forger recomputes the row's digest and hash: the next event's link names it."""
    with stored.connect() as conn:
        row = conn.execute(select(EventRow.__table__).where(EventRow.event_id == "N1")).one()
    edited = {**row._mapping, "date": row.date.replace(day=28)}
    link = Head(row.chain_seq - 1, row.chain_prev).link(EVENTS, event_digest(edited))
    tamper(
        stored,
        f"UPDATE events SET date = '{edited['date'].isoformat()}', chain_digest = '{link.digest}', "
        f"chain_hash = '{link.hash}' WHERE event_id = 'N1'",
    )
    [finding] = damage(stored)
    assert (finding.table, finding.record) == (EVENTS, "chain_seq 3 (OTHER/N2)")
    assert finding.problem.startswith("link to the previous record broken")
    assert (finding.expected, finding.found) == (link.hash, row.chain_hash)


def test_a_deleted_event_is_named(stored):
    tamper(stored, "DELETE FROM events WHERE event_id = 'N2'")
    [finding] = damage(stored)
    assert (finding.table, finding.record) == (EVENTS, "chain_seq 4 (OTHER/N3)")
    assert finding.problem == "record(s) 3 before it are missing (deleted)"


def test_the_last_event_deleted_is_named_by_the_head(stored):
    tamper(stored, "DELETE FROM events WHERE chain_seq = 7")
    [finding] = damage(stored)
    assert (finding.table, finding.record) == ("chain_heads", EVENTS)
    assert finding.expected.startswith("seq 7 ") and finding.found.startswith("seq 6 ")


def test_reordered_events_are_named(stored):
    tamper(
        stored,
        "UPDATE events SET chain_seq = -1 WHERE chain_seq = 2",
        "UPDATE events SET chain_seq = 2 WHERE chain_seq = 3",
        "UPDATE events SET chain_seq = 3 WHERE chain_seq = -1",
    )
    records = {f.record for f in damage(stored)}
    assert {"chain_seq 2 (OTHER/N2)", "chain_seq 3 (GRANITE/N1)"} <= records


def test_a_forged_payment_is_named_or_refused(stored):
    """The issue's forged INSERT (a payment that never happened): PostgreSQL refuses a row
    without its chain columns; SQLite stores it, and verify names it."""
    plain = FORGED_PAYMENT.format(chain="", values="")
    if stored.dialect.name == "postgresql":
        with pytest.raises(DBAPIError, match="chain_seq"), stored.begin() as conn:
            conn.exec_driver_sql(plain)
        tamper(
            stored,
            FORGED_PAYMENT.format(
                chain=", chain_seq, chain_prev, chain_digest, chain_hash", values=", 8, 'x', 'y', 'z'"
            ),
        )
        expected = "chain_seq 8 (GRANITE/P-FORGED)"
    else:
        with stored.begin() as conn:
            conn.exec_driver_sql(plain)
        expected = "position 8 (GRANITE/P-FORGED)"
    records = {(f.table, f.record) for f in damage(stored)}
    assert (EVENTS, expected) in records


def test_a_forged_payment_with_a_valid_link_is_named_by_the_head(stored):
    """A forger who links the row properly but leaves the store's head alone."""
    with stored.connect() as conn:
        last = conn.execute(select(EventRow.chain_seq, EventRow.chain_hash).order_by(EventRow.chain_seq.desc())).first()
    assert last is not None
    row = {
        "tenant": "GRANITE",
        "event_id": "P-FORGED",
        "date": dt.date(2013, 4, 20),
        "type": "payment.received",
        "source_seq": 99,
        "payload": {"account": "GRANITE", "amount": "500.00"},
        "fingerprint": "x",
        "recorded_at": dt.datetime(2013, 4, 20, tzinfo=dt.UTC),
    }
    link = Head(last.chain_seq, last.chain_hash).link(EVENTS, event_digest(row))
    with stored.begin() as conn:  # INSERT is what the guards allow
        conn.execute(insert(EventRow), {**row, "chain_seq": link.seq, **link.columns()})
    [finding] = damage(stored)
    assert (finding.table, finding.record) == ("chain_heads", EVENTS)
    assert finding.expected.startswith("seq 7 ") and finding.found == f"seq 8 hash {link.hash}"


def test_an_edited_ledger_leg_is_named_on_its_transfer(stored):
    tamper(stored, "UPDATE ledger_legs SET amount = amount + 1 WHERE transfer_id = 2 AND position = 0")
    [finding] = damage(stored)
    assert (finding.table, finding.record) == (LEDGER, "id 2 (GRANITE/payment:P01)")
    assert finding.problem == "content changed since it was stored (edited)"


def test_a_deleted_transfer_is_named(stored):
    tamper(
        stored, *(f"DELETE FROM {t} WHERE transfer_id = 2" for t in ("ledger_entries", "ledger_legs", "ledger_refs"))
    )
    tamper(stored, "DELETE FROM ledger_transfers WHERE id = 2")
    found = damage(stored)
    assert (LEDGER, "id 3 (GRANITE/payment:P02)", "record(s) 2 before it are missing (deleted)") in {
        (f.table, f.record, f.problem) for f in found
    }
    assert any(f.table == "ledger_balances" for f in found)


@pytest.mark.parametrize(
    "statement, table, record",
    [
        (
            "UPDATE ledger_balances SET debits_posted = debits_posted + 100 WHERE account = 'cash'",
            "ledger_balances",
            "GRANITE/cash",
        ),
        ("INSERT INTO ledger_balances VALUES ('GRANITE', 'forged', 1, 0, 0, 0)", "ledger_balances", "GRANITE/forged"),
        ("UPDATE ledger_sequences SET last = 1", "ledger_sequences", "transfers"),
        ("UPDATE ledger_books SET transfers = 0", "ledger_books", "GRANITE"),
    ],
)
def test_derived_tables_are_rebuilt_and_compared(stored, statement, table, record):
    with stored.begin() as conn:  # no guard stops these: they are kept up to date
        conn.exec_driver_sql(statement)
    [finding] = damage(stored)
    assert (finding.table, finding.record) == (table, record)


def test_a_rewritten_chain_is_named_by_the_heads_kept(stored, terms):
    """Whoever rewrites the whole chain consistently (and the head) is caught by a head kept before."""
    kept = verify_store(stored).heads
    tamper(
        stored,
        "UPDATE events SET chain_hash = 'rewritten' WHERE chain_seq = 7",
        "UPDATE chain_heads SET hash = 'rewritten' WHERE name = 'events'",
    )
    report = verify_store(stored, kept)
    assert any(f.table == EVENTS and f.record.startswith("seq 7 (the head kept for") for f in report.findings)
