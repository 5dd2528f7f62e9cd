"""Properties of collections (III.9): money is neither created nor lost, replay is deterministic."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from icaops.billing.collections.accrual import accrued
from icaops.billing.collections.timeline import fold_account
from icaops.money import round_money
from icaops.relationship.events import event_from_mapping, ordered_log
from icaops.terms.loader import load_agreement

pytestmark = pytest.mark.slow

TERMS = load_agreement("centurylink-granite-id-2012").terms
START = dt.date(2013, 1, 4)
CENTS = st.integers(min_value=1, max_value=500_000).map(lambda c: Decimal(c) / 100)


@st.composite
def histories(draw):
    """Monthly bills on the 4th, with payments, disputes and resolutions in between."""
    months = draw(st.integers(min_value=1, max_value=8))
    events, bills = [], []
    for m in range(months):
        day = dt.date(2013 + (m // 12), 1 + m % 12, 4)
        amount = draw(CENTS)
        bill = f"B{m}"
        bills.append((bill, day, amount))
        events.append(
            {"id": bill, "date": day, "type": "bill.issued", "account": "A", "bill": bill, "amount": str(amount)}
        )
        for k in range(draw(st.integers(min_value=0, max_value=3))):
            when = day + dt.timedelta(days=draw(st.integers(min_value=0, max_value=60)))
            events.append(
                {"id": f"P{m}{k}", "date": when, "type": "payment.received", "account": "A", "amount": str(draw(CENTS))}
            )
        if draw(st.booleans()):
            disputed = (amount * Decimal(draw(st.integers(min_value=1, max_value=100))) / 100).quantize(
                Decimal("0.01")
            ) or Decimal("0.01")
            filed = day + dt.timedelta(days=draw(st.integers(min_value=1, max_value=50)))
            events.append(
                {
                    "id": f"D{m}",
                    "date": filed,
                    "type": "billing_dispute.filed",
                    "account": "A",
                    "bill": bill,
                    "amount": str(disputed),
                    "reason": "test",
                }
            )
            if draw(st.booleans()):
                share = (disputed * Decimal(draw(st.integers(min_value=0, max_value=100))) / 100).quantize(
                    Decimal("0.01")
                )
                events.append(
                    {
                        "id": f"R{m}",
                        "date": filed + dt.timedelta(days=draw(st.integers(min_value=1, max_value=40))),
                        "type": "billing_dispute.resolved",
                        "account": "A",
                        "refers_to": f"D{m}",
                        "amount_for_clec": str(share),
                    }
                )
    return [event_from_mapping(e, i, "prop") for i, e in enumerate(events)]


def _fold(events, on=dt.date(2014, 12, 31)):
    log, errors = ordered_log(events)
    assert not errors
    return fold_account("A", log, TERMS, on)


@settings(max_examples=60, deadline=None)
@given(events=histories())
def test_no_money_is_created_or_lost(events):
    """III.9: every cent billed is either paid, credited or still unpaid; every cent paid is applied or on account."""
    h = _fold(events)
    assert not h.errors
    billed = sum((amount for b in h.bills.values() for _, _, amount in b.lines if amount > 0), Decimal(0))
    credited = sum((-amount for b in h.bills.values() for _, _, amount in b.lines if amount < 0), Decimal(0))
    tranche_total = sum((t.amount for t in h.book.tranches), Decimal(0))
    assert tranche_total == billed
    paid = sum((p.amount for p in h.payments), Decimal(0))
    applied = sum((t.amount for t in h.book.tranches if t.paid_on is not None), Decimal(0))
    assert applied + h.book.unapplied == paid + credited
    assert all(t.amount > 0 for t in h.book.tranches)


@settings(max_examples=60, deadline=None)
@given(events=histories())
def test_late_charges_billed_to_date_equal_the_accrual(events):
    """III.9.3: incremental statements never drift: cents billed per bill = accrual to the last statement, rounded."""
    last_statement = max(e.date for e in events if e.type == "bill.issued")
    # The state the last statement was computed from: everything before it, and the bill itself.
    upto = [e for e in events if e.date < last_statement or (e.date == last_statement and e.type == "bill.issued")]
    h = _fold(upto, last_statement)
    for bill_id in h.bills:
        if h.bills[bill_id].bill_date >= last_statement:
            continue
        total = sum((accrued(t, last_statement, TERMS) for t in h.book.tranches if t.bill_id == bill_id), Decimal(0))
        assert h.book.late_billed.get(bill_id, Decimal(0)) == round_money(total, TERMS.money)


@settings(max_examples=40, deadline=None)
@given(events=histories())
def test_replay_is_deterministic_and_repeats_change_nothing(events):
    """Replaying the log gives the same state; feeding every event twice changes nothing."""
    once = _fold(events)
    again = _fold(events)
    twice = _fold(events + events)
    for other in (again, twice):
        assert other.book.tranches == once.book.tranches
        assert other.book.unapplied == once.book.unapplied
        assert {k: v.lines for k, v in other.bills.items()} == {k: v.lines for k, v in once.bills.items()}


@settings(max_examples=40, deadline=None)
@given(events=histories())
def test_ledger_balances_agree_with_collections(events):
    """III.9 on the ledger: every history posts balanced transfers; receivable + resolved-for-CLEC holds = what is owed."""
    from icaops.billing.ledger import LedgerError
    from icaops.billing.postings import history_transfers, new_ledger

    h = _fold(events)
    ledger = new_ledger(["A"])
    for transfer in history_transfers(h, "USD"):
        result = ledger.post(transfer)
        assert not isinstance(result, LedgerError), result
    assert ledger.trial_balance().balanced
    owed = h.book.unpaid(dt.date(2014, 12, 31)) - h.book.unapplied
    receivable = ledger.balance("A", "receivable").posted
    awaiting_credit = ledger.balance("A", "disputes:pending").posted
    assert receivable + awaiting_credit == owed
    again = new_ledger(["A"])
    for transfer in list(history_transfers(h, "USD")) * 2:
        again.post(transfer)
    assert again.state().digest() == ledger.state().digest()
