"""The SQL `LedgerStore`: the in-memory Ledger runs on the database and gives exactly the
ledger it gives on `MemoryStore` (same results, same state digest, same balances)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy.exc import DBAPIError

from icaops.billing.ledger import (
    Code,
    Flow,
    Kind,
    LedgerError,
    Legs,
    Period,
    Ref,
    Transfer,
)
from icaops.billing.postings import new_ledger
from icaops.store.db import writing
from icaops.store.ledger import SqlLedgerStore, entry_sums, posting, stored_balances

UTC = dt.UTC
A, B = "CLEC001", "CLEC002"


def _t(key, ban, kind, on, legs, clause, refs=(), **kw) -> Transfer:
    legs = Legs.of(*[(a, Decimal(m), *rest) for a, m, *rest in legs])
    return Transfer(key, ban, kind, on, dt.datetime.combine(on, dt.time(6), UTC), "USD", legs, clause, refs, **kw)


def commands() -> list[Transfer | Period]:
    """A bill period of two accounts: bills, a dispute posted in part and credited (III.9.4,
    III.9.4.1), one voided, a payment (III.9.2), a closed period, a correction, refusals."""
    d = dt.date
    return [
        _t(
            "bill:A-07",
            A,
            Kind.BILL_LINE,
            d(2012, 8, 4),
            [
                ("receivable", "130.00"),
                ("revenue:recurring", "-100.00", "L1"),
                ("surcharges_payable:fusc", "-17.40", "L2"),
                ("taxes_payable:ID", "-12.60", "L3"),
            ],
            "III.9.2",
            (Ref("bill", "A-07"),),
        ),
        _t(
            "bill:B-07",
            B,
            Kind.BILL_LINE,
            d(2012, 8, 4),
            [("receivable", "50.00"), ("revenue:usage", "-50.00", "U1")],
            "III.9.2",
            (Ref("bill", "B-07"),),
        ),
        _t(
            "dispute:D1",
            A,
            Kind.DISPUTE_HOLD,
            d(2012, 8, 10),
            [("disputes:pending", "30.00"), ("receivable", "-30.00")],
            "III.9.4",
            (Ref("dispute", "D1"), Ref("bill", "A-07")),
            flow=Flow.PENDING,
        ),
        _t(
            "resolution:D1",
            A,
            Kind.DISPUTE_RELEASE,
            d(2012, 8, 20),
            [("disputes:pending", "20.00"), ("receivable", "-20.00")],
            "III.9.4.1",
            (Ref("dispute", "D1"),),
            flow=Flow.POST_PENDING,
            pending_key="dispute:D1",
        ),
        _t(
            "resolution:D1-again",
            A,
            Kind.DISPUTE_RELEASE,
            d(2012, 8, 21),
            [],
            "III.9.4.1",
            (Ref("dispute", "D1"),),
            flow=Flow.VOID_PENDING,
            pending_key="dispute:D1",
        ),  # refused: already resolved
        _t(
            "dispute:D2",
            B,
            Kind.DISPUTE_HOLD,
            d(2012, 8, 10),
            [("disputes:pending", "5.00"), ("receivable", "-5.00")],
            "III.9.4",
            (Ref("dispute", "D2"),),
            flow=Flow.PENDING,
        ),
        _t(
            "resolution:D2",
            B,
            Kind.DISPUTE_RELEASE,
            d(2012, 8, 25),
            [],
            "III.9.4.1",
            (Ref("dispute", "D2"),),
            flow=Flow.VOID_PENDING,
            pending_key="dispute:D2",
        ),
        _t(
            "payment:P1",
            A,
            Kind.PAYMENT,
            d(2012, 9, 4),
            [("cash", "80.00"), ("receivable", "-80.00")],
            "III.9.2",
            (Ref("payment", "P1"),),
        ),
        Period(A, d(2012, 7, 4), d(2012, 8, 3)),
        _t(
            "late:A-07",
            A,
            Kind.LATE_CHARGE,
            d(2012, 8, 3),
            [("receivable", "1.00"), ("revenue:late_charges", "-1.00")],
            "III.9.3",
        ),  # refused: in the closed period
        _t(
            "credit:D1",
            A,
            Kind.CREDIT,
            d(2012, 9, 4),
            [("credits", "20.00"), ("disputes:pending", "-20.00")],
            "III.9.4.1",
            (Ref("dispute", "D1"), Ref("bill", "A-08")),
        ),
        _t(
            "correct:A-07",
            A,
            Kind.REVERSAL,
            d(2012, 9, 5),
            [("receivable", "-12.60"), ("taxes_payable:ID", "12.60", "L3")],
            "III.45",
            (Ref("bill", "A-07"),),
            corrects="bill:A-07",
        ),
        _t(
            "payment:P1",
            A,
            Kind.PAYMENT,
            d(2012, 9, 4),
            [("cash", "80.00"), ("receivable", "-80.00")],
            "III.9.2",
            (Ref("payment", "P1"),),
        ),  # a retry: the original comes back
        _t(
            "payment:P1",
            A,
            Kind.PAYMENT,
            d(2012, 9, 4),
            [("cash", "81.00"), ("receivable", "-81.00")],
            "III.9.2",
            (Ref("payment", "P1"),),
        ),  # key_conflict
    ]


def _outcome(result) -> tuple:
    if isinstance(result, LedgerError):
        return ("error", result.code)
    if isinstance(result, Transfer):
        return ("transfer", result.id, result.key)
    return ("period", result)


def _run_on_database(engine, items) -> list[tuple]:
    out = []
    for item in items:
        with posting(engine, item.billing_account) as store:
            ledger = new_ledger([A, B], store=store)
            out.append(_outcome(ledger.post(item) if isinstance(item, Transfer) else ledger.close(item)))
    return out


def test_database_ledger_equals_memory_ledger(engine):
    """Every result, the state digest, every balance and the trial balance are the same."""
    memory = new_ledger([A, B])
    expected = [_outcome(memory.post(c) if isinstance(c, Transfer) else memory.close(c)) for c in commands()]
    assert _run_on_database(engine, commands()) == expected
    assert ("error", Code.PENDING_ALREADY_RESOLVED) in expected and ("error", Code.PERIOD_CLOSED) in expected
    assert expected[-1] == ("error", Code.KEY_CONFLICT)
    with engine.connect() as conn:
        ledger = new_ledger([A, B], store=SqlLedgerStore(conn))
        assert ledger.state() == memory.state()
        assert ledger.state().digest() == memory.state().digest()
        assert ledger.trial_balance() == memory.trial_balance() and ledger.trial_balance().balanced
        for ban in (A, B):
            assert ledger.balances(ban) == memory.balances(ban)
            assert ledger.balances(ban, as_of=dt.date(2012, 8, 15)) == memory.balances(ban, as_of=dt.date(2012, 8, 15))
            assert ledger.entries(ban) == memory.entries(ban)
            assert stored_balances(conn, ban) == entry_sums(conn, ban)
        assert ledger.entries(A, ref=Ref("dispute", "D1")) == memory.entries(A, ref=Ref("dispute", "D1"))
        assert ledger.transfers(Ref("bill", "A-07")) == memory.transfers(Ref("bill", "A-07"))
        assert ledger.store.closed(A) == memory.store.closed(A)
        assert ledger.balance(A, "receivable").posted == Decimal("130.00") - 20 - 80 - Decimal("12.60")


def test_transfer_ids_are_gapless_in_posting_order(engine):
    _run_on_database(engine, commands())
    with engine.connect() as conn:
        ids = [t.id for t in SqlLedgerStore(conn).transfers()]
    assert ids == list(range(1, len(ids) + 1)) and len(ids) == 9


def test_ledger_rows_are_append_only(engine):
    _run_on_database(engine, commands()[:2])
    for table in ("ledger_transfers", "ledger_legs", "ledger_entries", "ledger_refs"):
        with pytest.raises(DBAPIError, match="append-only"):
            with writing(engine) as conn:
                conn.exec_driver_sql(f"DELETE FROM {table}")


def test_a_refused_posting_stores_nothing(engine):
    bad = _t(
        "bill:bad",
        A,
        Kind.BILL_LINE,
        dt.date(2012, 8, 4),
        [("receivable", "1.00"), ("revenue:recurring", "-0.99")],
        "III.9.2",
    )
    assert _run_on_database(engine, [bad]) == [("error", Code.LEGS_UNBALANCED)]
    with engine.connect() as conn:
        assert list(SqlLedgerStore(conn).transfers()) == [] and SqlLedgerStore(conn).accounts() == ()
