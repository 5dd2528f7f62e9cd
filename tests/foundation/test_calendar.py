"""Business Days (II.2.10), bank holidays (III.9.2) and deadline arithmetic, with properties."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from icaops.calendar.business import BusinessCalendar
from icaops.calendar.deadlines import Deadlines
from icaops.calendar.periods import apply_rule, roll
from icaops.terms.values import PeriodUnit, Roll

DATES = st.dates(min_value=dt.date(2012, 1, 1), max_value=dt.date(2027, 12, 31))


@pytest.fixture(scope="module")
def cal(terms):
    return BusinessCalendar(terms.calendar)


@pytest.fixture(scope="module")
def dl(terms):
    return Deadlines(terms)


def test_ii_2_10_weekends_and_federal_holidays_are_not_business_days(cal):
    """II.2.10: Monday–Friday except federal holidays (with observed days)."""
    assert cal.is_business_day(dt.date(2012, 9, 4))
    assert cal.why_not_business_day(dt.date(2012, 9, 3)) == "Labor Day, federal holiday"
    assert cal.why_not_business_day(dt.date(2012, 9, 8)) == "Saturday"
    # New Year's Day 2022 fell on a Saturday; the federal government observed Friday 2021-12-31.
    assert not cal.is_business_day(dt.date(2021, 12, 31))
    # Juneteenth is a federal holiday from 2021 (observed Friday 2021-06-18), not in 2020.
    assert not cal.is_business_day(dt.date(2021, 6, 18))
    assert cal.is_business_day(dt.date(2020, 6, 19))


def test_iii_9_2_bank_holidays_follow_the_federal_reserve(cal):
    """III.9.2 'bank holiday': the Federal Reserve does not observe Saturday holidays on Friday."""
    assert cal.is_bank_holiday(dt.date(2012, 9, 3))
    assert not cal.is_bank_holiday(dt.date(2021, 12, 31))
    assert cal.is_bank_holiday(dt.date(2022, 6, 20))


def test_ii_2_10_3_company_holidays_from_the_terms(agreement):
    """II.2.10(3): a CenturyLink company holiday listed in the terms is not a Business Day."""
    changed = agreement.with_overrides(
        {"calendar.company_holidays": {"kind": "dates", "dates": ["2024-11-29 Day after Thanksgiving"]}}
    )
    cal = BusinessCalendar(changed.terms.calendar)
    assert cal.why_not_business_day(dt.date(2024, 11, 29)) == "Day after Thanksgiving, CenturyLink company holiday"
    assert BusinessCalendar(agreement.terms.calendar).is_business_day(dt.date(2024, 11, 29))


def test_business_days_count_from_the_day_after(cal):
    """III.34.1: three Business Days after a Friday mailing is the next Wednesday."""
    assert cal.add_business_days(dt.date(2013, 3, 1), 3) == dt.date(2013, 3, 6)
    assert cal.add_business_days(dt.date(2013, 3, 6), -3) == dt.date(2013, 3, 1)
    assert cal.add_business_days(dt.date(2013, 3, 2), 0) == dt.date(2013, 3, 2)


def test_local_date_is_central_time(cal):
    """II.2.10: the agreement runs on Central time; 03:00 UTC is still the previous day in Idaho's agreement."""
    moment = dt.datetime(2012, 9, 5, 3, 0, tzinfo=dt.UTC)
    assert cal.local_date(moment) == dt.date(2012, 9, 4)
    with pytest.raises(ValueError, match="timezone-aware"):
        cal.local_date(dt.datetime(2012, 9, 5, 3, 0))
    assert cal.within_business_hours(dt.datetime(2012, 9, 4, 15, 0, tzinfo=dt.UTC))
    assert not cal.within_business_hours(dt.datetime(2012, 9, 4, 23, 30, tzinfo=dt.UTC))


@settings(max_examples=200, deadline=None)
@given(day=DATES, n=st.integers(min_value=1, max_value=40))
def test_adding_business_days_lands_on_a_business_day(cal, day, n):
    """Property (II.2.10): adding N ≥ 1 Business Days always lands on a Business Day, N of them later."""
    result = cal.add_business_days(day, n)
    assert cal.is_business_day(result)
    assert cal.business_days_between(day, result) == n


@settings(max_examples=200, deadline=None)
@given(day=DATES, rule=st.sampled_from(list(Roll)))
def test_rolling_never_moves_a_forward_roll_backwards(cal, day, rule):
    """Property (III.9.2): a forward roll never moves a date earlier; a backward roll never later."""
    rolled = roll(day, rule, cal, "III.9.2", "date").value
    if rule is Roll.PREVIOUS_BUSINESS_DAY:
        assert rolled <= day
    else:
        assert rolled >= day


@settings(max_examples=60, deadline=None)
@given(a=DATES, b=DATES)
def test_every_deadline_rule_is_monotone_in_its_trigger(terms, cal, a, b):
    """Property: a later trigger never gives an earlier deadline, for every rule in the terms."""
    early, late = min(a, b), max(a, b)
    for name, rule in terms.deadlines.items():
        if rule.value.offset.unit is PeriodUnit.HOURS:
            continue
        assert apply_rule(rule, early, cal).value <= apply_rule(rule, late, cal).value, name


@settings(max_examples=60, deadline=None)
@given(a=DATES, b=DATES)
def test_composite_deadlines_are_monotone(dl, a, b):
    """Property: bill due date, dispute credit, disconnection and termination are monotone in their trigger."""
    early, late = min(a, b), max(a, b)
    anchor = dt.date(2012, 8, 4)
    assert dl.bill_due_date(early).value <= dl.bill_due_date(late).value
    assert dl.dispute_credit_deadline(early, anchor).value <= dl.dispute_credit_deadline(late, anchor).value
    assert dl.nonpayment(early).earliest_disconnection.value <= dl.nonpayment(late).earliest_disconnection.value
    assert dl.nonpayment_default(early).value <= dl.nonpayment_default(late).value
    assert dl.termination_date(early).value <= dl.termination_date(late).value


@settings(max_examples=100, deadline=None)
@given(day=DATES)
def test_bill_due_date_is_never_a_weekend_or_bank_holiday(dl, day):
    """Property (III.9.2): a Bill Due Date never falls on a Saturday, Sunday or bank holiday."""
    due = dl.bill_due_date(day).value
    assert due.weekday() < 5 and not dl.cal.is_bank_holiday(due)
    assert due >= day + dt.timedelta(days=30)


def test_ii_2_10_one_off_federal_closures_are_not_business_days(cal):
    """II.2.10(1)/(2): executive-order closures and days of mourning (no mail) are not Business Days, nor bank holidays."""
    assert cal.why_not_business_day(dt.date(2019, 12, 24)).endswith("federal closure")
    assert "Mourning" in cal.why_not_business_day(dt.date(2025, 1, 9))
    assert not cal.is_bank_holiday(dt.date(2019, 12, 24))
    assert cal.add_business_days(dt.date(2019, 12, 23), 1) == dt.date(2019, 12, 26)
