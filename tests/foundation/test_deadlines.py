"""Deadlines with their explanations: each result cites the clauses that produce it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from icaops.calendar.deadlines import Deadlines

D = dt.date


@pytest.fixture(scope="module")
def dl(terms):
    return Deadlines(terms)


def test_iii_9_2_labor_day_2012_explained(dl):
    """III.9.2: Bill Date 2012-08-04 + 30 days = Labor Day 2012-09-03, rolled to Tuesday 2012-09-04."""
    due = dl.bill_due_date(D(2012, 8, 4))
    assert due.value == D(2012, 9, 4)
    assert due.clauses == ("III.9.2",)
    assert "Labor Day" in due.render() and "Tuesday 2012-09-04" in due.render()


def test_ii_2_8_bill_date_is_day_after_cycle_close(dl):
    """II.2.8: the Bill Date is one day past the billing cycle close date."""
    assert dl.bill_date(D(2016, 2, 28)).value == D(2016, 2, 29)


def test_iii_9_4_1_credit_by_second_due_date_after_resolution(dl):
    """III.9.4.1: credit no later than the second Bill Due Date after resolution."""
    result = dl.dispute_credit_deadline(D(2013, 3, 10), D(2012, 8, 4))
    assert result.value == D(2013, 5, 6)  # bill of 2013-04-04 due Saturday 2013-05-04, rolled
    assert "III.9.4.1" in result.clauses


def test_iii_9_5_nonpayment_timeline(dl):
    """III.9.5.1/.2: suspension on/after due + 10 days with 5 days' notice; disconnection on 10 Business Days' notice."""
    t = dl.nonpayment(D(2012, 8, 4), suspension_notice_on=D(2012, 9, 12), disconnection_notice_on=D(2012, 9, 12))
    assert t.bill_due_date.value == D(2012, 9, 4)
    assert t.suspension_notice_by.value == D(2012, 9, 9)
    assert t.earliest_suspension.value == D(2012, 9, 17)  # notice 09-12 + 5 days, later than 09-14
    assert t.earliest_disconnection.value == D(2012, 9, 26)
    assert t.deposit_draw.value == D(2012, 10, 5)  # III.6.7: due 09-04 + 30 = 10-04 is still within the 30 days
    with pytest.raises(ValueError, match="precedes non-payment"):
        dl.nonpayment(D(2012, 8, 4), disconnection_notice_on=D(2012, 9, 1))


def test_iii_34_1_notice_receipt_rules(dl):
    """III.34.1: personal same day; first-class mail 3 Business Days after mailing; certified on the receipt date; e-mail is not notice."""
    assert dl.notice_received(D(2021, 12, 30), "personal").value == D(2021, 12, 30)
    assert dl.notice_received(D(2021, 12, 30), "first_class_mail").value == D(2022, 1, 5)
    assert dl.notice_received(D(2021, 12, 30), "certified_mail", D(2022, 1, 3)).value == D(2022, 1, 3)
    with pytest.raises(ValueError, match="not a valid way to give notice"):
        dl.notice_received(D(2021, 12, 30), "email")
    with pytest.raises(ValueError, match="give the receipt date"):
        dl.notice_received(D(2021, 12, 30), "overnight_courier")
    with pytest.raises(ValueError, match="not one of"):
        dl.notice_received(D(2021, 12, 30), "carrier_pigeon")


def test_iii_2_3_termination_initial_and_follow_on(dl):
    """III.2.2/2.3: 90 days' notice for the end of the Initial Term, 30 days for a Follow-on Term."""
    assert dl.initial_term_end().value == D(2014, 6, 20)
    assert dl.termination_date(D(2014, 3, 22)).value == D(2014, 6, 20)
    assert dl.termination_date(D(2014, 3, 23)).value == D(2014, 7, 20)
    assert dl.termination_date(D(2014, 6, 21)).value == D(2014, 8, 20)
    assert dl.successor_limit(D(2014, 6, 20)).value == D(2014, 12, 17)


def test_iii_35_2_ordering_gate(dl):
    """III.35.2: orders not before the later of set-up completion and 60 days after the Effective Date."""
    assert dl.ordering_allowed_from(D(2012, 7, 1)).value == D(2012, 8, 19)
    assert dl.ordering_allowed_from(D(2012, 9, 1)).value == D(2012, 9, 1)


def test_iii_7_1_audit_frequency(dl):
    """III.7.1: once per Contract Year; quarterly after a finding of at least 1.5 %."""
    assert dl.next_audit_allowed(D(2013, 1, 10), Decimal("0.01")).value == D(2013, 6, 20)
    assert dl.next_audit_allowed(D(2013, 1, 10), Decimal("0.015")).value == D(2013, 3, 20)  # next contract quarter


def test_iii_7_1_1_audit_scope_is_the_shorter_period(dl):
    """III.7.1.1: the shorter of since the last audited period and the 12 months before notice."""
    assert dl.audit_scope_start(D(2014, 3, 1), None).value == D(2013, 3, 1)
    assert dl.audit_scope_start(D(2014, 3, 1), D(2013, 9, 30)).value == D(2013, 10, 1)
    assert dl.audit_scope_start(D(2013, 3, 1), None).value == D(2012, 6, 20)


def test_iii_9_6_2_usf_certification(dl):
    """III.9.6.2: annual USF certification no later than February 1."""
    assert dl.usf_certification_due(2027).value == D(2027, 2, 1)
