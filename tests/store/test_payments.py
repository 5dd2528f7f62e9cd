"""Payments (III.9.2) posted concurrently: each distinct payment is posted exactly once,
duplicates change nothing, and the running balances equal the sums of the entries (no lost
update). PostgreSQL serialises posters of one account on its book row (SELECT ... FOR
UPDATE); SQLite serialises every writer with BEGIN IMMEDIATE."""

from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from sqlalchemy import func, select

from icaops.billing.ledger import Kind
from icaops.billing.postings import new_ledger
from icaops.relationship.events import Event, event_from_mapping
from icaops.store.audit import audit_rows
from icaops.store.events import load_events
from icaops.store.ledger import SqlLedgerStore, entry_sums, stored_balances
from icaops.store.models import EventRow, TransferRow
from icaops.store.payments import post_payment

ACCOUNT = "GRANITE"
THREADS = 8
DISTINCT = 24


def payment(n: int, amount: str | None = None, account: str = ACCOUNT, prefix: str = "") -> Event:
    raw = {
        "id": f"{prefix}P{n:02d}",
        "date": f"2013-04-{1 + n % 28:02d}",
        "type": "payment.received",
        "account": account,
        "amount": amount or f"{100 + n}.{n:02d}",
    }
    event = event_from_mapping(raw, n, "test")
    assert isinstance(event, Event)
    return event


def test_concurrent_payments_post_each_payment_exactly_once(engine, terms):
    """8 threads post the same 24 payments in different orders at once, and half of them
    also reuse an earlier payment's id with another amount: 24 new transfers and events,
    the reuses refused, balances equal the sum of the payments."""
    earlier = payment(99)
    assert post_payment(engine, earlier, terms).status == "posted"
    barrier = threading.Barrier(THREADS)

    def poster(seed: int) -> list[str]:
        todo = [payment(n) for n in range(DISTINCT)]
        random.Random(seed).shuffle(todo)
        if seed % 2:
            todo.insert(seed, payment(99, amount="1.00"))  # same id, other amount: refused
        barrier.wait()
        return [post_payment(engine, e, terms).status for e in todo]

    with ThreadPoolExecutor(THREADS) as pool:
        statuses = [s for result in pool.map(poster, range(THREADS)) for s in result]

    assert statuses.count("posted") == DISTINCT
    assert statuses.count("duplicate") == DISTINCT * (THREADS - 1)
    assert statuses.count("rejected") == THREADS // 2
    total = sum(Decimal(payment(n).get("amount")) for n in [*range(DISTINCT), 99])
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(EventRow)).scalar_one() == DISTINCT + 1
        kinds = conn.execute(select(TransferRow.kind, func.count()).group_by(TransferRow.kind)).all()
        assert kinds == [(str(Kind.PAYMENT), DISTINCT + 1)]
        ids = conn.execute(select(TransferRow.id).order_by(TransferRow.id)).scalars().all()
        assert ids == list(range(1, DISTINCT + 2))  # no gap, no double
        assert stored_balances(conn, ACCOUNT) == entry_sums(conn, ACCOUNT)
        ledger = new_ledger([ACCOUNT], store=SqlLedgerStore(conn))
        assert ledger.balance(ACCOUNT, "cash").posted == total
        assert ledger.balance(ACCOUNT, "receivable").posted == -total
        assert stored_balances(conn, ACCOUNT)["cash"][0] == total
        assert [e.get("amount") for e in load_events(conn, ACCOUNT) if e.id == "P99"] == [earlier.get("amount")]
        assert len(audit_rows(conn, subject=f"{ACCOUNT}/P99", action="event.rejected")) == THREADS // 2


def test_payments_of_many_accounts_at_once(engine, terms):
    """Posters of different accounts do not wait on each other's rows, and nothing is lost."""
    accounts = [f"CLEC{i:03d}" for i in range(THREADS)]

    def poster(account: str) -> list[str]:
        # Ledger keys are `payment:<event id>` across accounts (icaops.billing.postings),
        # so each account's payments get ids of their own.
        return [post_payment(engine, payment(n, account=account, prefix=account), terms).status for n in range(6)]

    with ThreadPoolExecutor(THREADS) as pool:
        assert all(s == ["posted"] * 6 for s in pool.map(poster, accounts))
    with engine.connect() as conn:
        ids = conn.execute(select(TransferRow.id).order_by(TransferRow.id)).scalars().all()
        assert ids == list(range(1, 6 * THREADS + 1))
        for account in accounts:
            assert stored_balances(conn, account) == entry_sums(conn, account)
            assert len(load_events(conn, account)) == 6


def test_a_payment_the_terms_refuse_leaves_nothing_but_its_reason(engine, terms):
    """An amount with a fraction of a cent is not a payment in whole cents (III.9.2)."""
    bad = payment(1, amount="10.005")
    result = post_payment(engine, bad, terms)
    assert result.status == "rejected" and "amount" in result.reason
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(EventRow)).scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(TransferRow)).scalar_one() == 0
        [row] = audit_rows(conn, action="payment.rejected")
        assert row.subject == f"{ACCOUNT}/P01" and row.reason == result.reason


def test_a_payment_event_without_amount_is_rejected_with_its_field(engine, terms):
    event = event_from_mapping(
        {"id": "P9", "date": "2013-04-03", "type": "payment.received", "account": ACCOUNT}, 0, "test"
    )
    result = post_payment(engine, event, terms)
    assert result.status == "rejected" and "amount" in result.reason
    with engine.connect() as conn:
        assert audit_rows(conn, subject=f"{ACCOUNT}/P9")[0].action == "payment.rejected"
