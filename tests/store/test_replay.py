"""Replay: an account's log read back from the store folds to the same history as the
in-memory log (III.9.2 payments, III.9.3 late charges, III.9.4 disputes, III.6.4 deposits,
III.7.1.7 audit adjustments), and replaying it into a fresh database ledger, even twice,
gives the same ledger (state digest) as the in-memory one."""

from __future__ import annotations

import datetime as dt

from icaops.billing.collections.timeline import fold_account
from icaops.billing.postings import history_transfers, new_ledger
from icaops.relationship.events import Event, event_from_mapping, ordered_log
from icaops.store.db import writing
from icaops.store.events import append_events, load_events
from icaops.store.ledger import SqlLedgerStore, entry_sums, posting, stored_balances

ACCOUNT = "GRANITE"
AS_OF = dt.date(2013, 8, 31)
RAW = [
    {"id": "B1", "date": "2013-03-04", "type": "bill.issued", "account": ACCOUNT, "bill": "B1", "amount": "2000.00"},
    {
        "id": "D1",
        "date": "2013-03-20",
        "type": "billing_dispute.filed",
        "account": ACCOUNT,
        "bill": "B1",
        "items": [{"line": "B1:charges", "amount": "300.00", "reason": "lines billed after disconnect order"}],
    },
    {"id": "P1", "date": "2013-04-03", "type": "payment.received", "account": ACCOUNT, "amount": "1700.00"},
    {"id": "B2", "date": "2013-04-04", "type": "bill.issued", "account": ACCOUNT, "bill": "B2", "amount": "800.00"},
    {
        "id": "R1",
        "date": "2013-04-15",
        "type": "billing_dispute.resolved",
        "account": ACCOUNT,
        "refers_to": "D1",
        "amount_for_clec": "200.00",
    },
    {
        "id": "Q1",
        "date": "2013-04-20",
        "type": "deposit.requested",
        "account": ACCOUNT,
        "amount": "1000.00",
        "ground": "no_established_credit",
    },
    {
        "id": "Q1R",
        "date": "2013-04-25",
        "type": "deposit.received",
        "account": ACCOUNT,
        "refers_to": "Q1",
        "amount": "1000.00",
        "form": "cash",
    },
    {
        "id": "A1",
        "date": "2013-04-26",
        "type": "audit.adjustment_agreed",
        "account": ACCOUNT,
        "kind": "overcharge",
        "amount": "50.00",
        "originated_on": dt.date(2013, 1, 10),
    },
    {"id": "B3", "date": "2013-05-04", "type": "bill.issued", "account": ACCOUNT, "bill": "B3", "amount": "800.00"},
    {"id": "P2", "date": "2013-05-30", "type": "payment.received", "account": ACCOUNT, "amount": "600.00"},
    {"id": "B4", "date": "2013-06-04", "type": "bill.issued", "account": ACCOUNT, "bill": "B4", "amount": "800.00"},
    {"id": "P3", "date": "2013-07-15", "type": "payment.received", "account": ACCOUNT, "amount": "1000.00"},
]


def _log() -> list[Event]:
    events = [event_from_mapping(r, i, "test") for i, r in enumerate(RAW)]
    assert all(isinstance(e, Event) for e in events)
    return events


def _summary(history) -> tuple:
    return (
        history.bills,
        history.carried,
        history.payments,
        history.disputes,
        history.resolutions,
        history.deposits_received,
        history.audits,
        history.book.tranches,
        history.book.unapplied,
        history.book.applications,
        history.errors,
    )


def test_the_stored_log_folds_to_the_in_memory_history(engine, terms):
    memory = fold_account(ACCOUNT, _log(), terms, AS_OF)
    assert not memory.errors and memory.carried["B3"] and memory.payments
    with engine.begin() as conn:
        append_events(conn, _log()[::-1])  # stored in another order, and twice
        append_events(conn, _log())
    with engine.connect() as conn:
        stored = load_events(conn, ACCOUNT)
    assert stored == ordered_log(_log())[0]
    replayed = fold_account(ACCOUNT, stored, terms, AS_OF)
    assert _summary(replayed) == _summary(memory)
    assert list(history_transfers(replayed, "USD")) == list(history_transfers(memory, "USD"))


def _replay(engine, terms, events) -> None:
    history = fold_account(ACCOUNT, events, terms, AS_OF)
    for transfer in history_transfers(history, "USD"):
        with posting(engine, ACCOUNT) as store:
            result = new_ledger([ACCOUNT], store=store).post(transfer)
            assert result.key == transfer.key, result


def test_replaying_the_log_twice_gives_the_same_ledger(engine, terms):
    memory = new_ledger([ACCOUNT])
    for transfer in history_transfers(fold_account(ACCOUNT, _log(), terms, AS_OF), "USD"):
        memory.post(transfer)
    with writing(engine) as conn:
        append_events(conn, _log())
    with engine.connect() as conn:
        stored = load_events(conn, ACCOUNT)
    _replay(engine, terms, stored)
    with engine.connect() as conn:
        once = new_ledger([ACCOUNT], store=SqlLedgerStore(conn)).state()
    _replay(engine, terms, stored)
    with engine.connect() as conn:
        twice = new_ledger([ACCOUNT], store=SqlLedgerStore(conn)).state()
        assert stored_balances(conn, ACCOUNT) == entry_sums(conn, ACCOUNT)
    assert once == twice == memory.state()
    assert twice.digest() == memory.state().digest()
    assert len(twice.transfers) == len(memory.state().transfers) > 8
