"""III.9.3 late payment charge: 1½ % per month, compounded daily, from the Bill Date to payment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from icaops.billing.late_charge import late_payment_charge

D = dt.date
BILL, DUE = D(2012, 8, 4), D(2012, 9, 4)


def test_iii_9_3_no_charge_when_paid_by_the_due_date(terms):
    """III.9.3: only amounts not received by the Bill Due Date bear a late payment charge."""
    assert late_payment_charge(terms, Decimal("1000.00"), BILL, DUE, DUE).value == Decimal("0")


def test_iii_9_3_charge_accrues_from_the_bill_date_compounded_daily(terms):
    """III.9.3: 61 days from 2012-08-04 to 2012-10-04 on $1,000.00 at 18 %/365 compounded daily = $30.53."""
    result = late_payment_charge(terms, Decimal("1000.00"), BILL, DUE, D(2012, 10, 4))
    assert result.value == Decimal("30.53")
    assert "III.9.3" in result.clauses
    assert "61 days" in result.render()


def test_daily_rate_reading_is_a_term(agreement):
    """Interpretation late-charge-daily-rate: the monthly/30 reading gives a different cent amount."""
    changed = agreement.with_overrides({"billing.late_payment.daily_rate_method": "monthly_over_30"}).terms
    # (1 + 0.015/30)^61 - 1 = 0.0309620... -> $30.96
    assert late_payment_charge(changed, Decimal("1000.00"), BILL, DUE, D(2012, 10, 4)).value == Decimal("30.96")


def test_legal_maximum_caps_the_rate(agreement):
    """III.9.3 'or the highest rate ... under Applicable Law': a lower legal maximum applies."""
    changed = agreement.with_overrides({"billing.late_payment.legal_max_rate_per_month": "0.01"}).terms
    result = late_payment_charge(changed, Decimal("1000.00"), BILL, DUE, D(2012, 10, 4))
    assert result.value == Decimal("20.25")  # (1 + 0.12/365)^61 - 1 = 0.020254...


@settings(max_examples=100, deadline=None)
@given(cents=st.integers(min_value=1, max_value=10**9), days=st.integers(min_value=31, max_value=800))
def test_late_charge_is_cents_and_monotone_in_days(terms, cents, days):
    """Property: the charge is whole cents, never negative, and never shrinks as payment is later."""
    balance = Decimal(cents) / 100
    one = late_payment_charge(terms, balance, BILL, DUE, BILL + dt.timedelta(days=days)).value
    two = late_payment_charge(terms, balance, BILL, DUE, BILL + dt.timedelta(days=days + 1)).value
    assert one == one.quantize(Decimal("0.01")) and Decimal(0) <= one <= two
