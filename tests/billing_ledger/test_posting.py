"""Posting, idempotency, balances, disputes and corrections, in the agreement's words."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from icaops.billing.ledger import Code, Flow, Kind, LedgerError, Period, Ref, replay

from .helpers import BAN, BILL_DATE, OTHER_BAN, POSTED_AT, bill, hold, new_ledger, transfer

D = Decimal


def test_bill_posts_balanced_and_moves_receivable_and_revenue():
    """Double entry: a bill debits receivable (what the CLEC owes) and credits revenue."""
    ledger = new_ledger()
    stored = ledger.post(bill("B1", "120.00"))
    assert not isinstance(stored, LedgerError)
    assert stored.id == 1
    assert ledger.balance(BAN, "receivable").posted == D("120.00")
    assert ledger.balance(BAN, "revenue:recurring").posted == D("120.00")
    assert ledger.trial_balance().balanced


def test_ids_are_assigned_in_posting_order():
    """Transfers never change; the ledger numbers them 1, 2, 3 as they are appended."""
    ledger = new_ledger()
    ids = [ledger.post(bill(f"B{n}", "1.00")).id for n in range(3)]
    assert ids == [1, 2, 3]


def test_same_key_same_content_returns_the_original():
    """Idempotency: a retry with the same key and content is a no-op returning the original,
    even when made later (posted_at is when the poster acted, not content)."""
    ledger = new_ledger()
    first = ledger.post(bill("B1", "50.00"))
    retry = bill("B1", "50.00")
    later = transfer(
        "B1",
        ("receivable", "50.00"),
        ("revenue:recurring", "-50.00", "L1"),
        refs=(Ref("bill", "B1"),),
        posted_at=POSTED_AT + timedelta(hours=3),
    )
    assert ledger.post(retry) is first
    assert ledger.post(later) is first
    assert len(ledger.transfers()) == 1


def test_same_key_same_value_in_other_decimal_spelling_is_the_same_content():
    """Idempotency compares values: 50.0 and 50.00 are the same amount."""
    ledger = new_ledger()
    first = ledger.post(bill("B1", "50.00"))
    assert ledger.post(bill("B1", "50.0")) is first


def test_same_key_different_content_names_key_and_field():
    """Idempotency: the same key with other content is an error value naming key and field."""
    ledger = new_ledger()
    ledger.post(bill("B1", "50.00"))
    error = ledger.post(bill("B1", "50.00", on=date(2012, 8, 1)))
    assert isinstance(error, LedgerError)
    assert (error.code, error.key, error.field) == (Code.KEY_CONFLICT, "B1", "effective_date")
    assert "B1" in str(error) and "effective_date" in str(error)


def test_balance_as_of_counts_entries_effective_on_or_before_the_date():
    """Balances as of a date: the sum of entries with effective date <= as_of."""
    ledger = new_ledger()
    ledger.post(bill("B1", "100.00", on=date(2012, 7, 31)))
    ledger.post(bill("B2", "40.00", on=date(2012, 8, 31)))
    assert ledger.balance(BAN, "receivable", as_of=date(2012, 7, 30)).posted == 0
    assert ledger.balance(BAN, "receivable", as_of=date(2012, 7, 31)).posted == D("100.00")
    assert ledger.balance(BAN, "receivable", as_of=date(2012, 8, 31)).posted == D("140.00")
    assert ledger.balance(BAN, "receivable").posted == D("140.00")


def test_payment_reduces_receivable_and_balances_are_per_billing_account():
    """III.9.2 payment: cash debited, receivable credited; other CLEC accounts untouched."""
    ledger = new_ledger()
    ledger.post(bill("B1", "100.00"))
    ledger.post(bill("B9", "7.00", ban=OTHER_BAN))
    ledger.post(
        transfer(
            "P1",
            ("cash", "60.00"),
            ("receivable", "-60.00"),
            kind=Kind.PAYMENT,
            on=date(2012, 8, 20),
            refs=(Ref("payment", "P1"), Ref("bill", "B1")),
        )
    )
    assert ledger.balance(BAN, "receivable").posted == D("40.00")
    assert ledger.balance(OTHER_BAN, "receivable").posted == D("7.00")
    assert set(ledger.balances(BAN)) == {"cash", "receivable", "revenue:recurring"}


def test_entries_filtered_by_reference_give_billing_what_a_bill_owes():
    """Past-due is billing's job; the ledger exposes a bill's receivable entries by reference."""
    ledger = new_ledger()
    ledger.post(bill("B1", "100.00"))
    ledger.post(bill("B2", "30.00"))
    ledger.post(
        transfer(
            "P1",
            ("cash", "60.00"),
            ("receivable", "-60.00"),
            kind=Kind.PAYMENT,
            on=date(2012, 8, 20),
            refs=(Ref("payment", "P1"), Ref("bill", "B1")),
        )
    )
    entries = ledger.entries(BAN, "receivable", ref=Ref("bill", "B1"))
    assert [(e.transfer_key, e.debit, e.credit) for e in entries] == [("B1", D("100.00"), 0), ("P1", 0, D("60.00"))]
    assert [t.key for t in ledger.transfers(Ref("bill", "B1"))] == ["B1", "P1"]


def test_dispute_hold_is_kept_apart_as_pending():
    """III.9.4: a disputed amount is held apart — pending, not posted — so receivable still
    shows what was billed and its pending side shows what is disputed."""
    ledger = new_ledger()
    ledger.post(bill("B1", "100.00"))
    ledger.post(hold("H1", "30.00", on=date(2012, 8, 10)))
    receivable = ledger.balance(BAN, "receivable")
    assert (receivable.posted, receivable.pending) == (D("100.00"), D("-30.00"))
    assert receivable.credits_pending == D("30.00")
    assert ledger.balance(BAN, "disputes:pending").pending == D("30.00")
    assert ledger.balance(BAN, "disputes:pending").posted == 0
    assert ledger.trial_balance().balanced


def test_dispute_resolved_against_billed_party_voids_the_hold():
    """III.9.4: a dispute resolved against the CLEC releases the hold; the full billed
    amount stays owed (void_pending)."""
    ledger = new_ledger()
    ledger.post(bill("B1", "100.00"))
    ledger.post(hold("H1", "30.00", on=date(2012, 8, 10)))
    void = transfer(
        "R1",
        kind=Kind.DISPUTE_RELEASE,
        on=date(2012, 9, 10),
        clause="III.9.4",
        flow=Flow.VOID_PENDING,
        pending_key="H1",
        refs=(Ref("dispute", "D1"),),
    )
    assert not isinstance(ledger.post(void), LedgerError)
    receivable = ledger.balance(BAN, "receivable")
    assert (receivable.posted, receivable.pending) == (D("100.00"), 0)
    assert ledger.balance(BAN, "disputes:pending", as_of=date(2012, 9, 9)).pending == D("30.00")
    assert ledger.balance(BAN, "disputes:pending").pending == 0


def test_dispute_resolved_in_part_for_billed_party_posts_that_part_then_credits():
    """III.9.4.1: the portion resolved for the CLEC is posted out of receivable (the rest of
    the hold is released), then credited on an invoice from disputes:pending."""
    ledger = new_ledger()
    ledger.post(bill("B1", "100.00"))
    ledger.post(hold("H1", "30.00", on=date(2012, 8, 10)))
    post = transfer(
        "R1",
        ("disputes:pending", "20.00"),
        ("receivable", "-20.00"),
        kind=Kind.DISPUTE_RELEASE,
        on=date(2012, 9, 10),
        clause="III.9.4.1",
        flow=Flow.POST_PENDING,
        pending_key="H1",
        refs=(Ref("dispute", "D1"),),
    )
    credit = transfer(
        "C1",
        ("credits", "20.00"),
        ("disputes:pending", "-20.00"),
        kind=Kind.CREDIT,
        on=date(2012, 9, 30),
        clause="III.9.4.1",
        refs=(Ref("dispute", "D1"), Ref("bill", "B2")),
    )
    assert replay(ledger, [post, credit])[0].flow is Flow.POST_PENDING
    receivable = ledger.balance(BAN, "receivable")
    assert (receivable.posted, receivable.pending) == (D("80.00"), 0)
    assert ledger.balance(BAN, "disputes:pending").posted == 0
    assert ledger.balance(BAN, "credits").posted == D("20.00")
    assert ledger.trial_balance().balanced


def test_correction_is_a_new_transfer_in_an_open_period():
    """Corrections are new entries: a closed period refuses new transfers, but a reversal
    dated in an open period that names the original is accepted; nothing is edited."""
    ledger = new_ledger()
    original = ledger.post(bill("B1", "100.00"))
    ledger.close(Period(BAN, date(2012, 7, 1), date(2012, 7, 31)))
    late = ledger.post(bill("B1b", "5.00", on=date(2012, 7, 15)))
    assert isinstance(late, LedgerError) and late.code is Code.PERIOD_CLOSED
    reversal = transfer(
        "B1-rev",
        ("receivable", "-100.00"),
        ("revenue:recurring", "100.00"),
        kind=Kind.REVERSAL,
        on=date(2012, 8, 5),
        clause="III.9.1",
        corrects="B1",
        refs=(Ref("bill", "B1"),),
    )
    stored = ledger.post(reversal)
    assert not isinstance(stored, LedgerError) and stored.corrects == "B1"
    assert ledger.transfers()[0] is original
    assert ledger.balance(BAN, "receivable").posted == 0
    assert ledger.balance(BAN, "receivable", as_of=date(2012, 7, 31)).posted == D("100.00")


def test_closed_period_is_per_billing_account_and_closing_twice_is_harmless():
    """A bill period closes for one billing account; closing it again changes nothing."""
    ledger = new_ledger()
    period = Period(BAN, date(2012, 7, 1), date(2012, 7, 31))
    assert ledger.close(period) == period
    assert ledger.close(period) == period
    assert ledger.state().closed == (period,)
    assert not isinstance(ledger.post(bill("B9", "1.00", ban=OTHER_BAN)), LedgerError)


def test_retry_after_close_still_returns_the_original():
    """Idempotency wins over the closed-period rule: a retry is not a new posting."""
    ledger = new_ledger()
    first = ledger.post(bill("B1", "10.00"))
    ledger.close(Period(BAN, date(2012, 7, 1), date(2012, 7, 31)))
    assert ledger.post(bill("B1", "10.00")) is first


def test_family_accounts_from_the_chart_are_admitted():
    """The chart is data: `taxes_payable:*` admits any jurisdiction."""
    ledger = new_ledger()
    result = ledger.post(
        transfer(
            "B1",
            ("receivable", "10.60"),
            ("revenue:usage", "-10.00", "L1"),
            ("taxes_payable:ID", "-0.50", "L2"),
            ("surcharges_payable:e911", "-0.10", "L3"),
        )
    )
    assert not isinstance(result, LedgerError)
    assert ledger.balance(BAN, "taxes_payable:ID").posted == D("0.50")
    assert [leg.line for leg in result.legs] == ["", "L1", "L2", "L3"]


def test_posted_at_in_any_zone_is_accepted_and_digest_uses_utc():
    """posted_at is caller-supplied and zone-aware; the same instant digests the same."""
    one, two = new_ledger(), new_ledger()
    mountain = timezone(timedelta(hours=-6))
    one.post(bill("B1", "1.00"))
    two.post(
        transfer(
            "B1",
            ("receivable", "1.00"),
            ("revenue:recurring", "-1.00", "L1"),
            refs=(Ref("bill", "B1"),),
            posted_at=datetime(2012, 8, 1, 0, 0, tzinfo=mountain),
        )
    )
    assert one.state().digest() == two.state().digest()


def test_post_many_posts_each_transfer_on_its_own():
    """Batch API: one result per transfer; a refused one does not stop the others."""
    ledger = new_ledger()
    results = ledger.post_many([bill("B1", "1.00"), bill("B2", "0.001"), bill("B3", "3.00")])
    assert [getattr(r, "code", None) for r in results] == [None, Code.AMOUNT_SCALE_EXCEEDED, None]
    assert [t.key for t in ledger.transfers()] == ["B1", "B3"]


def test_bill_with_many_lines_is_one_transfer():
    """Bulk: a bill of many lines posts as one transfer of many legs with line ids."""
    lines = 20_000
    amounts = tuple(D(n % 997 + 1).scaleb(-2) for n in range(lines))
    rows = [("receivable", sum(amounts))]
    rows += [("revenue:usage", -a, f"L{n}") for n, a in enumerate(amounts)]
    ledger = new_ledger()
    stored = ledger.post(transfer("B1", *rows, refs=(Ref("bill", "B1"),)))
    assert len(stored.legs) == lines + 1
    assert ledger.balance(BAN, "revenue:usage").posted == sum(amounts)
    assert len(ledger.entries(BAN)) == 2  # one entry per account touched, legs kept as detail
    assert stored.legs[lines].line == f"L{lines - 1}"


def test_bill_date_is_the_effective_date_not_the_posting_time():
    """Nothing reads the clock: the effective date and posted_at are what the caller gave."""
    ledger = new_ledger()
    stored = ledger.post(bill("B1", "1.00"))
    assert (stored.effective_date, stored.posted_at) == (BILL_DATE, POSTED_AT)


def test_key_taken_by_another_writer_between_check_and_append():
    """Idempotency under concurrency: when the store's atomic append finds the key already
    taken, post compares content again — the original if equal, key_conflict if not."""
    from icaops.billing.ledger import MemoryStore

    class RacyStore(MemoryStore):
        """A store where another writer appends just after the ledger looked the key up."""

        def get(self, key):
            return None if key.startswith("race") else super().get(key)

    ledger = new_ledger()
    ledger.store = RacyStore()
    other = ledger.store.append(bill("race-1", "5.00"), ())
    assert ledger.post(bill("race-1", "5.00")) is other
    error = ledger.post(bill("race-1", "6.00"))
    assert (error.code, error.field) == (Code.KEY_CONFLICT, "legs.amounts")


def test_key_conflict_names_the_lines_column():
    """Idempotency: a retry whose only change is a bill line id is still a conflict."""
    ledger = new_ledger()
    ledger.post(transfer("B1", ("receivable", "1"), ("cash", "-1", "L1")))
    error = ledger.post(transfer("B1", ("receivable", "1"), ("cash", "-1", "L2")))
    assert (error.code, error.field, error.leg) == (Code.KEY_CONFLICT, "legs.lines", 1)
    error = ledger.post(transfer("B1", ("receivable", "1"), ("cash", "-1")))
    assert (error.code, error.field, error.leg) == (Code.KEY_CONFLICT, "legs.lines", None)


def test_rebuilding_from_stored_transfers_gives_the_same_state():
    """Deterministic replay: a ledger rebuilt from another's stored transfers (ids reset to
    0) and closed periods equals it, digest included; re-posting a stored one is a no-op."""
    ledger = new_ledger()
    ledger.post(bill("B1", "100.00"))
    ledger.post(hold("H1", "30.00", on=date(2012, 8, 10)))
    ledger.close(Period(BAN, date(2012, 7, 1), date(2012, 7, 31)))
    rebuilt = new_ledger()
    state = ledger.state()
    replay(rebuilt, [t.with_id(0) for t in state.transfers] + list(state.closed))
    assert rebuilt.state() == state and rebuilt.state().digest() == state.digest()
    assert ledger.post(state.transfers[0]) is state.transfers[0]
