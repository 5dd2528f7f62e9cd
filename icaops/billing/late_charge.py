"""The late payment charge of III.9.3: 1½ % per month, compounded daily, from the Bill Date."""

from __future__ import annotations

import calendar as stdcal
import datetime as dt
from decimal import Decimal

from ..explain import Explained, Step
from ..money import CALC_CONTEXT, ZERO, round_money
from ..terms.schema import Terms

__all__ = ["compound_factor", "late_payment_charge", "monthly_rate"]


def monthly_rate(terms: Terms) -> Explained[Decimal]:
    """The monthly rate in force: the contract rate, or the legal maximum if lower (III.9.3)."""
    lp = terms.billing.late_payment
    rate = lp.rate_per_month.value
    steps = [Step(f"late payment rate {rate:%} per month", lp.rate_per_month.clause)]
    cap = lp.legal_max_rate_per_month.value
    if cap is not None and cap < rate:
        steps.append(
            Step(
                f"the highest rate Applicable Law allows is {cap:%} per month: that lower rate applies",
                lp.legal_max_rate_per_month.clause,
            )
        )
        rate = cap
    return Explained(rate, tuple(steps))


def compound_factor(terms: Terms, rate: Decimal, start: dt.date, end: dt.date) -> Explained[Decimal]:
    """(1 + daily rate) compounded over the days from `start` to `end`, minus one."""
    lp = terms.billing.late_payment
    method = lp.daily_rate_method
    days = (end - start).days
    with_ctx = CALC_CONTEXT
    if days <= 0:
        return Explained(ZERO, ())
    if method.value == "nominal_annual_365":
        daily = with_ctx.divide(rate * 12, Decimal(365))
        factor = with_ctx.power(1 + daily, days) - 1
        text = f"daily rate {rate:%} x 12 / 365 = {daily:.10f}; compounded daily over {days} days: factor {factor:.10f}"
    elif method.value == "monthly_over_30":
        daily = with_ctx.divide(rate, Decimal(30))
        factor = with_ctx.power(1 + daily, days) - 1
        text = f"daily rate {rate:%} / 30 = {daily:.10f}; compounded daily over {days} days: factor {factor:.10f}"
    else:
        growth = Decimal(1)
        day = start
        while day < end:
            length = stdcal.monthrange(day.year, day.month)[1]
            growth = with_ctx.multiply(growth, 1 + with_ctx.divide(rate, Decimal(length)))
            day += dt.timedelta(days=1)
        factor = growth - 1
        text = f"daily rate {rate:%} / days in each month, compounded daily over {days} days: factor {factor:.10f}"
    return Explained(
        factor, (Step(text, method.clause), Step(f"reading of the daily rate: {method.value}", method.clause))
    )


def late_payment_charge(
    terms: Terms, balance: Decimal, bill_date: dt.date, due_date: dt.date, paid_on: dt.date
) -> Explained[Decimal]:
    """The late payment charge on an undisputed `balance` of the bill dated `bill_date` paid on `paid_on`.

    Nothing is charged when payment is received by the Bill Due Date; otherwise the
    charge accrues from the Bill Date (or the due date, as the terms say) until the day
    of payment, compounded daily, and is rounded to the cent (III.9.3).
    """
    lp = terms.billing.late_payment
    if balance <= 0:
        return Explained(ZERO, (Step("no undisputed past-due balance", lp.applies_to.clause),))
    if paid_on <= due_date:
        return Explained(
            ZERO,
            (
                Step(
                    f"paid {paid_on.isoformat()}, on or before the Bill Due Date {due_date.isoformat()}: no late payment charge",
                    lp.applies_to.clause,
                ),
            ),
        )
    start = bill_date if lp.accrues_from.value == "bill_date" else due_date
    rate = monthly_rate(terms)
    factor = compound_factor(terms, rate.value, start, paid_on)
    raw = CALC_CONTEXT.multiply(balance, factor.value)
    charge = round_money(raw, terms.money)
    steps = (
        Step(
            f"undisputed balance {balance} not received by the Bill Due Date {due_date.isoformat()}",
            lp.applies_to.clause,
        ),
        Step(
            f"accrues from the {lp.accrues_from.value.replace('_', ' ')} {start.isoformat()} until payment on {paid_on.isoformat()}: {(paid_on - start).days} days",
            lp.accrues_from.clause,
        ),
        *rate.steps,
        *factor.steps,
        Step(
            f"{balance} x {factor.value:.10f} = {raw:.6f}, rounded {terms.money.rounding.value} to {charge}",
            terms.money.rounding.clause,
        ),
    )
    return Explained(charge, steps)
