"""The migrated schema is the models' schema, append-only tables refuse changes, and money
columns keep exact Decimals on both databases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import insert, inspect, select, text, update
from sqlalchemy.exc import DBAPIError, StatementError

from icaops.relationship.events import Event
from icaops.store import make_engine, migrate
from icaops.store.events import append_events
from icaops.store.models import AccountRow, Base, BillRow, EventRow
from icaops.store.types import to_units

UTC = dt.UTC


def test_migrated_schema_equals_the_models(engine):
    """Alembic's autogenerate comparison finds no difference after `migrate` (both databases)."""
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
        assert set(inspect(conn).get_table_names()) == set(Base.metadata.tables) | {"alembic_version"}


def test_migrate_again_is_a_no_op(db_url):
    migrate(db_url)
    engine = make_engine(db_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "0009"
    engine.dispose()


def _event(conn, event_id="E1"):
    event = Event(event_id, dt.date(2012, 8, 4), "payment.received", (("amount", "1.00"),))
    append_events(conn, [event], tenant="CLEC001", at=dt.datetime(2012, 8, 4, tzinfo=UTC))


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE events SET type = 'x'",
        "DELETE FROM events",
    ],
)
def test_event_log_is_append_only(engine, statement):
    with engine.begin() as conn:
        _event(conn)
    with pytest.raises(DBAPIError, match="append-only"):
        with engine.begin() as conn:
            conn.execute(text(statement))
    with engine.connect() as conn:
        assert conn.execute(select(EventRow.type)).scalar_one() == "payment.received"


def _bill(conn, closed: bool) -> None:
    conn.execute(insert(AccountRow), {"id": "CLEC001", "name": "CLEC 001", "cycle_close_day": 3})
    zero = Decimal("0.00")
    conn.execute(
        insert(BillRow),
        {
            "id": "CLEC001:2012-08",
            "account_id": "CLEC001",
            "period": "2012-08",
            "cycle_start": dt.date(2012, 7, 4),
            "cycle_close": dt.date(2012, 8, 3),
            "bill_date": dt.date(2012, 8, 4),
            "due_date": dt.date(2012, 9, 4),
            **dict.fromkeys(("mrc", "nrc", "usage", "tax", "surcharge", "late_charge", "credit", "adjustment"), zero),
            "total": Decimal("12.34"),
            "line_count": 0,
            "explanation": {},
            "closed": closed,
            "stored_at": dt.datetime(2012, 8, 4, tzinfo=UTC),
        },
    )


def test_a_closed_bill_is_never_edited(engine):
    """A closed bill (III.9.2: the bill as rendered) refuses UPDATE and DELETE."""
    with engine.begin() as conn:
        _bill(conn, closed=True)
    for statement in (update(BillRow).values(total=Decimal("1.00")), BillRow.__table__.delete()):
        with pytest.raises(DBAPIError, match="closed"):
            with engine.begin() as conn:
                conn.execute(statement)
    with engine.connect() as conn:
        assert conn.execute(select(BillRow.total)).scalar_one() == Decimal("12.34")


def test_an_open_bill_may_be_closed(engine):
    with engine.begin() as conn:
        _bill(conn, closed=False)
        conn.execute(update(BillRow).values(closed=True))
    with engine.connect() as conn:
        assert conn.execute(select(BillRow.closed)).scalar_one() is True


def test_money_reads_back_as_the_exact_decimal(engine):
    with engine.begin() as conn:
        _bill(conn, closed=False)
        conn.execute(update(BillRow).values(total=Decimal("12345678901234.56")))
    with engine.connect() as conn:
        total = conn.execute(select(BillRow.total)).scalar_one()
        assert type(total) is Decimal and total == Decimal("12345678901234.56")
        if engine.dialect.name == "sqlite":  # stored as integer cents, not as a binary float
            assert conn.execute(text("SELECT typeof(total), total FROM bills")).one() == ("integer", 1234567890123456)


@pytest.mark.parametrize("value, expected", [(1.5, "never float"), (Decimal("1.005"), "more than 2 decimal places")])
def test_money_refuses_floats_and_unrounded_amounts(engine, value, expected):
    with pytest.raises(StatementError, match=expected):
        with engine.begin() as conn:
            _bill(conn, closed=False)
            conn.execute(update(BillRow).values(total=value))


def test_naive_timestamps_are_refused(engine):
    with pytest.raises(StatementError, match="no time zone"):
        with engine.begin() as conn:
            conn.execute(
                insert(EventRow),
                {
                    "tenant": "T",
                    "event_id": "E",
                    "date": dt.date(2012, 8, 4),
                    "type": "x",
                    "source_seq": 0,
                    "payload": {},
                    "fingerprint": "",
                    "recorded_at": dt.datetime(2012, 8, 4),
                    "chain_seq": 1,
                    "chain_prev": "",
                    "chain_digest": "",
                    "chain_hash": "",
                },
            )


def test_to_units():
    assert to_units(Decimal("-3.10"), 2) == -310
    with pytest.raises(ValueError, match=r"amount: 0\.001 has more than 2 decimal places"):
        to_units(Decimal("0.001"), 2)
