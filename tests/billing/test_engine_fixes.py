"""Regressions for the billing engine bugs the hand-computed scenarios found (scenarios/billing/).

One test (or two) per fix, each citing the clause it checks; the scenario files that found
them are named in the docstrings.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest

from icaops.billing.books import Books, accounts_from_log, inventory_from_log
from icaops.billing.collections.status import query
from icaops.billing.collections.timeline import fold_account
from icaops.billing.cycle import cycle_for
from icaops.billing.late_charge import late_payment_charge
from icaops.billing.ledger import LedgerError
from icaops.billing.postings import history_transfers, new_ledger
from icaops.calendar.deadlines import Deadlines
from icaops.relationship import lifecycle
from icaops.relationship.events import event_from_mapping, ordered_log
from icaops.terms.loader import load_agreement

AGREEMENT = load_agreement("centurylink-granite-id-2012")
TERMS = AGREEMENT.terms
DL = Deadlines(TERMS)
D = dt.date


def _log(rows):
    log, errors = ordered_log([event_from_mapping(r, i, "engine-fixes") for i, r in enumerate(rows)])
    assert not errors
    return log


def _open(account="G", **fields):
    return {
        "id": f"open-{account}",
        "date": "2012-06-01",
        "type": "billing.account_opened",
        "account": account,
        **fields,
    }


def _close(day, period, account="G"):
    return {
        "id": f"C-{account}-{period}",
        "date": day,
        "type": "billing.cycle_closed",
        "account": account,
        "period": period,
    }


# -- 1. one source of billing books ---------------------------------------------------------


def test_billed_in_charge_is_billed_on_the_named_bill_only():
    """III.9.1: a charge billed late (`billed_in`) goes on that period's bill, not its own cycle's."""
    books = Books(
        AGREEMENT,
        _log(
            [
                _open(),
                {"id": "usf", "date": "2013-01-10", "type": "usf.certified", "account": "G", "year": 2013},
                {"id": "T1", "date": "2013-02-10", "type": "trip.dispatched", "account": "G", "billed_in": "2013-04"},
                {"id": "T2", "date": "2013-02-11", "type": "trip.dispatched", "account": "G"},
                _close("2013-03-03", "2013-03"),
                _close("2013-04-03", "2013-04"),
            ]
        ),
    )
    history = books.history("G", D(2013, 4, 10))
    sources = {
        bill: [l.source for l in history.full_bills[bill].lines if l.code == "trip_charge"]
        for bill in ("G:2013-03", "G:2013-04")
    }
    assert sources == {"G:2013-03": ["T2"], "G:2013-04": ["T1"]}


def test_scenario_runner_reads_bills_through_books():
    """II.2.8 / III.9.2: the scenario runner and the CLI compute the same bill from the same log."""
    from icaops.scenarios import billing_kinds

    assert not hasattr(billing_kinds, "_computer") and not hasattr(billing_kinds, "_inventory")
    assert billing_kinds.Books is Books


# -- 2. USF certification is dated (III.9.6.2) ------------------------------------------------


def _fusc_log():
    return _log(
        [
            _open(),
            {
                "id": "L1",
                "date": "2015-06-01",
                "type": "service.added",
                "account": "G",
                "wtn": "2085150001",
                "usoc": "1FB",
                "class_of_service": "business",
                "retail_mrc": "30.00",
            },
            _close("2016-03-03", "2016-03"),
            {"id": "usf16", "date": "2016-03-15", "type": "usf.certified", "account": "G", "year": 2016},
            _close("2016-04-03", "2016-04"),
        ]
    )


def test_late_usf_certification_counts_only_from_its_date():
    """III.9.6.2: a certification counts for bills dated on or after it; an earlier bill keeps its FUSC."""
    log = _fusc_log()
    assert accounts_from_log(log, on=D(2016, 3, 4))["G"].usf_certified_years == frozenset()
    assert accounts_from_log(log, on=D(2016, 3, 15))["G"].usf_certified_years == frozenset({2016})
    history = Books(AGREEMENT, log).history("G", D(2016, 4, 10))
    fusc = {
        bill: [l.amount for l in history.full_bills[bill].lines if l.code == "fusc"]
        for bill in ("G:2016-03", "G:2016-04")
    }
    assert fusc == {"G:2016-03": [Decimal("4.39")], "G:2016-04": []}


# -- 3. reconnection of the same WTN (IV.3.1.3) -------------------------------------------------


def test_reconnected_wtn_is_a_second_stretch_not_an_overwrite():
    """IV.3.1.3 proration: a line removed and added again is billed for both stretches of service."""
    line = {
        "account": "G",
        "wtn": "2085550130",
        "usoc": "1FR",
        "class_of_service": "residential",
        "retail_mrc": "30.00",
    }
    log = _log(
        [
            {"id": "A1", "date": "2014-02-03", "type": "service.added", **line},
            {"id": "X1", "date": "2014-05-10", "type": "service.removed", "account": "G", "wtn": "2085550130"},
            {"id": "A2", "date": "2014-05-25", "type": "service.added", **line},
            {"id": "X2", "date": "2014-05-30", "type": "service.removed", "account": "G", "wtn": "2085550130"},
        ]
    )
    rows = sorted(inventory_from_log(log, "G", D(2014, 6, 3)).to_pylist(), key=lambda r: r["start_date"])
    assert [(r["line_id"], r["wtn"], r["start_date"], r["end_date"]) for r in rows] == [
        ("2085550130", "2085550130", D(2014, 2, 3), D(2014, 5, 9)),
        ("2085550130@2014-05-25", "2085550130", D(2014, 5, 25), D(2014, 5, 29)),  # the removal ends the latest stretch
    ]


# -- 4. close days 28-31: the Bill Date is the same date each month (II.2.8) -------------------


@pytest.mark.parametrize("close_day", range(1, 32))
def test_one_bill_date_a_month_and_cycles_that_meet(close_day):
    """II.2.8: "The Bill Date is the same date each month": for every close day, 26 months of
    cycles meet end to end, each month has one Bill Date, always the day after the close."""
    months = [f"{2023 + m // 12}-{m % 12 + 1:02d}" for m in range(26)]
    cycles = [cycle_for("G", p, close_day, DL) for p in months]
    for before, after in itertools.pairwise(cycles):
        assert after.start == before.close + dt.timedelta(days=1)
    bill_dates = [c.bill_date.value for c in cycles]
    assert all(b == c.close + dt.timedelta(days=1) for b, c in zip(bill_dates, cycles))
    assert len({(b.year, b.month) for b in bill_dates}) == len(bill_dates)
    long_month_day = cycles[0].bill_date.value.day  # January: every day exists
    for b in bill_dates:
        last = (b.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        assert b.day == min(long_month_day, last.day)


def test_close_on_the_30th_in_leap_february_and_april():
    """II.2.8: closing on the 30th bills on the 31st, or the month's last day: 29 Feb 2024, 30 Apr 2024."""
    feb, apr = cycle_for("G", "2024-02", 30, DL), cycle_for("G", "2024-04", 30, DL)
    assert (feb.start, feb.close, feb.bill_date.value) == (D(2024, 1, 31), D(2024, 2, 28), D(2024, 2, 29))
    assert (apr.close, apr.bill_date.value) == (D(2024, 4, 29), D(2024, 4, 30))
    assert "II.2.8" in {s.clause for s in feb.bill_date.steps}


def test_late_charge_lines_use_the_accounts_bill_date_when_closing_on_the_31st():
    """III.9.3 / II.2.8: an account closing on the 31st closes April on the 30th and bills on 1 May;
    the late charges carried on that statement run to 1 May (not to a Bill Date of the 30th)."""
    line = {"account": "G", "wtn": "2085150001", "usoc": "1FB", "class_of_service": "business", "retail_mrc": "30.00"}
    books = Books(
        AGREEMENT,
        _log(
            [
                _open(cycle_close_day=31),
                {"id": "usf", "date": "2023-01-10", "type": "usf.certified", "account": "G", "year": 2023},
                {"id": "L1", "date": "2023-01-15", "type": "service.added", **line},
                _close("2023-02-28", "2023-02"),
                _close("2023-03-31", "2023-03"),
                _close("2023-04-30", "2023-04"),
            ]
        ),
    )
    history = books.history("G", D(2023, 5, 10))
    february = history.bills["G:2023-02"]
    assert (february.bill_date, february.due_date.value) == (D(2023, 3, 1), D(2023, 3, 31))
    assert history.bills["G:2023-04"].bill_date == D(2023, 5, 1)
    billed = sum(
        (l.amount for bill in ("G:2023-03", "G:2023-04") for l in history.carried[bill] if l.source == "G:2023-02"),
        Decimal(0),
    )
    assert billed == late_payment_charge(TERMS, february.total, D(2023, 3, 1), D(2023, 3, 31), D(2023, 5, 1)).value > 0


# -- 5. Account Establishment once per CLEC (VIII) ----------------------------------------------


def test_account_establishment_is_charged_once_for_granite_across_accounts():
    """VIII: Account Establishment is charged "the first time that Granite orders any service": once, on any account."""
    order = {"type": "order.submitted", "channel": "electronic", "variant": "standard"}
    books = Books(
        AGREEMENT,
        _log(
            [
                _open("A"),
                _open("B"),
                {
                    "id": "O2",
                    "date": "2013-03-20",
                    "account": "B",
                    **order,
                },  # Granite's first order, on its second account
                {"id": "O1", "date": "2013-03-25", "account": "A", **order},
                {"id": "O3", "date": "2013-04-10", "account": "B", **order},
                _close("2013-04-03", "2013-04", "A"),
                _close("2013-04-03", "2013-04", "B"),
                _close("2013-05-03", "2013-05", "B"),
            ]
        ),
    )
    codes = {}
    for acct in ("A", "B"):
        history = books.history(acct, D(2013, 5, 10))
        codes |= {bill: [l.code for l in b.lines if l.category == "nrc"] for bill, b in history.full_bills.items()}
    assert [bill for bill, c in codes.items() if "account_establishment" in c] == ["B:2013-04"]
    assert codes["A:2013-04"] == ["service_order_electronic"] and codes["B:2013-05"] == ["service_order_electronic"]


# -- 6. suspension notice by e-mail (III.9.5.1, III.34.1) ------------------------------------


def test_suspension_notice_may_be_emailed_and_counts_the_day_it_is_sent():
    """III.9.5.1 allows "email or certified mail" for the order-suspension notice; III.34.1 still bars e-mail otherwise."""
    received = DL.notice_received(D(2013, 10, 8), "email", kind="suspension")
    assert received.value == D(2013, 10, 8) and received.steps[0].clause == "III.9.5.1"
    with pytest.raises(ValueError, match=r"III\.34\.1"):
        DL.notice_received(D(2013, 10, 8), "email", kind="disconnection")
    with pytest.raises(ValueError, match=r"III\.34\.1"):
        DL.notice_received(D(2013, 10, 8), "email")
    with pytest.raises(ValueError, match="not one of"):  # the exception is chosen by the notice's kind only
        DL.notice_received(D(2013, 10, 8), "email_for_suspension", kind="termination")
    state, errors = lifecycle.fold(
        _log(
            [
                {
                    "id": "NS",
                    "date": "2013-10-08",
                    "type": "notice.given",
                    "kind": "suspension",
                    "method": "email",
                    "by": "ilec",
                },
                {
                    "id": "NT",
                    "date": "2013-10-08",
                    "type": "notice.given",
                    "kind": "termination",
                    "method": "email",
                    "by": "ilec",
                },
            ]
        ),
        DL,
    )
    assert state.notices["NS"].received.value == D(2013, 10, 8)
    assert [(e.event, e.field) for e in errors] == [("NT", "method")]


# -- 7. every deposit receipt reaches the ledger (III.6.4) -------------------------------------


def test_two_partial_deposit_receipts_are_both_posted():
    """III.6.4: each receipt is held, partial ones included; the ledger agrees with collections."""
    log = _log(
        [
            {
                "id": "R1",
                "date": "2014-02-03",
                "type": "deposit.requested",
                "account": "G",
                "amount": "8000.00",
                "ground": "no_established_credit",
            },
            {
                "id": "DR1",
                "date": "2014-02-20",
                "type": "deposit.received",
                "account": "G",
                "refers_to": "R1",
                "amount": "3000.00",
            },
            {
                "id": "DR2",
                "date": "2014-03-01",
                "type": "deposit.received",
                "account": "G",
                "refers_to": "R1",
                "amount": "5000.00",
            },
        ]
    )
    h = fold_account("G", log, TERMS, D(2014, 3, 10))
    transfers = list(history_transfers(h, "USD"))
    assert len({t.key for t in transfers}) == len(transfers) == 2
    ledger = new_ledger(["G"])
    for t in transfers * 2:  # posting twice changes nothing
        assert not isinstance(ledger.post(t), LedgerError)
    assert len(ledger.transfers()) == 2
    assert ledger.balance("G", "deposits_held").posted == h.deposit_held == Decimal("8000.00")
    assert query(h, "deposit.R1.in_default", D(2014, 3, 10), DL).value is False


# -- 8. money paid on time while a timely dispute is open (III.9.3, III.9.4) ---------------------


def _dispute_log(paid: str):
    return _log(
        [
            {
                "id": "B1",
                "date": "2012-09-04",
                "type": "bill.issued",
                "account": "G",
                "bill": "B1",
                "amount": "1600.00",
            },
            {
                "id": "D1",
                "date": "2012-09-20",
                "type": "billing_dispute.filed",
                "account": "G",
                "bill": "B1",
                "amount": "400.00",
                "reason": "r",
            },
            {
                "id": "B2",
                "date": "2012-10-04",
                "type": "bill.issued",
                "account": "G",
                "bill": "B2",
                "amount": "1600.00",
            },
            {"id": "P1", "date": "2012-10-04", "type": "payment.received", "account": "G", "amount": paid},
            {
                "id": "R1",
                "date": "2012-10-10",
                "type": "billing_dispute.resolved",
                "account": "G",
                "refers_to": "D1",
                "amount_for_clec": "0.00",
            },
            {"id": "P2", "date": "2012-11-05", "type": "payment.received", "account": "G", "amount": "2000.00"},
            {"id": "B3", "date": "2012-11-06", "type": "bill.issued", "account": "G", "bill": "B3", "amount": "10.00"},
        ]
    )


def test_payment_in_full_on_time_bears_no_late_charge_when_the_dispute_is_lost():
    """III.9.3: nothing is late if the money was received by the Bill Due Date; the payment's
    surplus pays the amount resolved against Granite as of its payment date."""
    h = fold_account("G", _dispute_log("1600.00"), TERMS, D(2012, 11, 6))
    assert query(h, "past_due", D(2012, 10, 11), DL).value == Decimal("0.00")
    assert not [l for l in h.carried["B3"] if l.category == "late_charge"]
    disputed = h.book.dispute_tranches("D1")
    assert [(t.outcome, t.paid_on, t.paid_by) for t in disputed] == [("against", D(2012, 10, 4), "P1")]


def test_undisputed_part_paid_only_the_lost_dispute_bears_late_charges_from_the_bill_date():
    """III.9.3 / III.9.4: when only the undisputed part was paid, the amount resolved against
    Granite was not received by the Bill Due Date and bears late payment charges."""
    h = fold_account("G", _dispute_log("1200.00"), TERMS, D(2012, 11, 6))
    late = [l.amount for l in h.carried["B3"] if l.category == "late_charge"]
    assert late == [late_payment_charge(TERMS, Decimal("400.00"), D(2012, 9, 4), D(2012, 10, 4), D(2012, 11, 5)).value]
