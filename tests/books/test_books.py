"""An account's books read from the event log (III.9.1, III.9.2, III.9.5, IV.3)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from icaops.billing.books import Books, unbilled_events
from icaops.billing.cycle import cycle_for
from icaops.relationship.events import Event, event_from_mapping, ordered_log
from icaops.samples.activity import REFERENCE_ACCOUNT, after_the_bill, reference_month
from icaops.terms.loader import load_agreement


@pytest.fixture(scope="module")
def agreement():
    return load_agreement("centurylink-granite-id-2012")


def _log(raw):
    return ordered_log([event_from_mapping(r, i, "test") for i, r in enumerate(raw)])[0]


OPEN = {"id": "open", "date": "2013-01-01", "type": "billing.account_opened", "account": "G", "cycle_close_day": 3}


def test_late_recorded_charge_goes_on_the_next_bill_not_the_closed_one(agreement):
    """III.9.2 / ledger rule: a closed bill is never edited; activity recorded after the close
    but dated in the closed cycle is billed on the next bill (III.9.1 allows up to a year)."""
    raw = [
        OPEN,
        {"id": "T1", "date": "2013-02-10", "type": "trip.dispatched", "account": "G"},
        {"id": "C1", "date": "2013-03-03", "type": "billing.cycle_closed", "account": "G", "period": "2013-03"},
        {"id": "T2", "date": "2013-02-20", "type": "trip.dispatched", "account": "G"},  # recorded after C1
        {"id": "C2", "date": "2013-04-03", "type": "billing.cycle_closed", "account": "G", "period": "2013-04"},
    ]
    books = Books(agreement, _log(raw))
    history = books.history("G", dt.date(2013, 4, 10))
    first, second = history.full_bills["G:2013-03"], history.full_bills["G:2013-04"]
    assert [l.source for l in first.lines if l.code == "trip_charge"] == ["T1"]
    assert [l.source for l in second.lines if l.code == "trip_charge"] == ["T2"]


def test_back_billing_older_than_a_year_is_refused_with_its_reason(agreement):
    """III.9.1: charges for service more than one year before the bill are not billed."""
    raw = [
        OPEN,
        {"id": "C1", "date": "2013-03-03", "type": "billing.cycle_closed", "account": "G", "period": "2013-03"},
        {"id": "T9", "date": "2013-01-15", "type": "trip.dispatched", "account": "G"},
        {"id": "C2", "date": "2014-03-03", "type": "billing.cycle_closed", "account": "G", "period": "2014-03"},
    ]
    books = Books(agreement, _log(raw))
    bill = books.history("G", dt.date(2014, 3, 10)).full_bills["G:2014-03"]
    assert not [l for l in bill.lines if l.code == "trip_charge"]
    assert [r.clause for r in bill.refused] == ["III.9.1"]


def test_unbilled_events_takes_each_event_once():
    """Every billable event is billed by exactly one close (no double billing, none lost)."""
    d = dt.date
    closes = [
        Event("C1", d(2013, 3, 3), "billing.cycle_closed", seq=3),
        Event("C2", d(2013, 4, 3), "billing.cycle_closed", seq=7),
    ]
    others = [
        Event(f"E{i}", day, "trip.dispatched", seq=i)
        for i, day in [
            (1, d(2013, 2, 5)),
            (2, d(2013, 3, 3)),
            (4, d(2013, 3, 1)),
            (5, d(2013, 3, 20)),
            (6, d(2013, 4, 3)),
            (8, d(2013, 3, 30)),
        ]
    ]
    events = sorted(closes + others, key=lambda e: e.seq)
    first = unbilled_events(events, closes[0], d(2013, 2, 4), d(2013, 3, 3))
    second = unbilled_events(events, closes[1], d(2013, 3, 4), d(2013, 4, 3))
    billed = [e.id for e in first + second if e.type != "billing.cycle_closed"]
    assert sorted(billed) == ["E1", "E2", "E4", "E5", "E6"]  # E8 waits for the next close
    assert len(billed) == len(set(billed))


def _close(day, period):
    return {
        "id": f"close:{period}",
        "date": day,
        "type": "billing.cycle_closed",
        "account": REFERENCE_ACCOUNT,
        "period": period,
    }


def _closed(agreement, raw, period):
    """Close the period after the log (as `icaops bill run` does) and return the bill."""
    books = Books(agreement, _log(raw))
    close_day = cycle_for(
        REFERENCE_ACCOUNT, period, books.accounts[REFERENCE_ACCOUNT].cycle_close_day, books.deadlines()
    ).close
    books = Books(agreement, _log(raw + [_close(close_day, period)]))
    return books, books.history(REFERENCE_ACCOUNT, close_day).full_bills[f"{REFERENCE_ACCOUNT}:{period}"]


def test_period_closed_twice_is_refused_not_billed_twice(agreement):
    """III.9.2: a closed bill is never billed again; a second close of the period is an error."""
    raw = [
        OPEN,
        {"id": "T1", "date": "2013-02-10", "type": "trip.dispatched", "account": "G"},
        {"id": "C1", "date": "2013-03-03", "type": "billing.cycle_closed", "account": "G", "period": "2013-03"},
        {"id": "C1b", "date": "2013-03-03", "type": "billing.cycle_closed", "account": "G", "period": "2013-03"},
    ]
    history = Books(agreement, _log(raw)).history("G", dt.date(2013, 3, 10))
    assert list(history.bills) == ["G:2013-03"]
    assert history.book.unpaid(dt.date(2013, 3, 10)) == history.bills["G:2013-03"].total
    assert [(e.event, e.field) for e in history.errors] == [("C1b", "period")]


def test_reference_month_is_deterministic_and_bills_every_line(agreement):
    """The demo log: same seed, same events; the cycle bills every resold line (IV.3.1)."""
    (period, a), (_, b) = reference_month(agreement, 300), reference_month(agreement, 300)
    assert a == b
    books, bill = _closed(agreement, a, period)
    assert bill.recurring.num_rows == 300
    first_order = min(e.date for e in books.events if e.type == "order.submitted")
    assert first_order == books.deadlines().ordering_allowed_from(agreement.terms.lifecycle.effective_date.value).value
    assert [l.code for l in bill.lines].count("account_establishment") == 1  # VIII: first order only


def test_status_after_late_partial_payment_and_notice(agreement):
    """III.9.3 late charges accrue on the unpaid undisputed amount; III.9.5.1 orders may be
    refused after the notice; the disputed trip charges are held apart (III.9.4)."""
    period, raw = reference_month(agreement, 200)
    books, bill = _closed(agreement, raw, period)
    follow = after_the_bill(bill, books.deadlines())
    books = Books(agreement, _log(raw + [_close(bill.cycle.close, period)] + follow))
    notice = next(e for e in follow if e["type"] == "notice.given")
    status = books.status(REFERENCE_ACCOUNT, notice["date"] + dt.timedelta(days=6))
    trips = sum((l.amount for l in bill.lines if l.code == "trip_charge"), Decimal("0.00"))
    paid = Decimal(next(e for e in follow if e["type"] == "payment.received")["amount"])
    assert status["disputed_held"].value == trips
    assert status["past_due"].value == bill.total - trips - paid
    assert status["late_charges_accrued"].value > 0
    assert status["orders_may_be_refused"].value is True


def test_same_event_ids_in_two_accounts_post_separately():
    """III.9.2 payments: event ids are unique per account; the ledger keeps both payments P1."""
    from icaops.billing.collections.timeline import fold_account
    from icaops.billing.ledger import LedgerError
    from icaops.billing.postings import history_transfers, new_ledger

    terms = load_agreement("centurylink-granite-id-2012").terms
    ledger = new_ledger(["A", "B"])
    for acct in ("A", "B"):  # each account's own log (the store keeps one per tenant)
        log = _log(
            [
                {
                    "id": "B1",
                    "date": "2013-03-04",
                    "type": "bill.issued",
                    "account": acct,
                    "bill": "B1",
                    "amount": "100.00",
                },
                {"id": "P1", "date": "2013-03-20", "type": "payment.received", "account": acct, "amount": "100.00"},
            ]
        )
        history = fold_account(acct, log, terms, dt.date(2013, 4, 1))
        for transfer in history_transfers(history, "USD"):
            assert not isinstance(ledger.post(transfer), LedgerError)
    assert len(list(ledger.transfers())) == 4


def test_a_bill_whose_lines_net_to_zero_still_posts_its_lines():
    """III.9.3 / III.9.4.1: a statement whose late-charge reversal cancels its charges nets to zero;
    its lines still post (no zero receivable leg, which the ledger refuses) and the ledger balances."""
    from icaops.billing.collections.timeline import fold_account
    from icaops.billing.ledger import LedgerError
    from icaops.billing.postings import history_transfers, new_ledger

    terms = load_agreement("centurylink-granite-id-2012").terms
    log = _log(
        [
            {
                "id": "B1",
                "date": "2013-03-04",
                "type": "bill.issued",
                "account": "A",
                "bill": "B1",
                "lines": {"charge": "10.00", "adjust": "-10.00"},
            }
        ]
    )
    history = fold_account("A", log, terms, dt.date(2013, 3, 10))
    ledger = new_ledger(["A"])
    for transfer in history_transfers(history, "USD"):
        assert not isinstance(ledger.post(transfer), LedgerError)
    assert ledger.trial_balance().balanced
    assert len(ledger.transfers()[0].legs.accounts) == 2
