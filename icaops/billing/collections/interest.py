"""Interest on a cash deposit held (III.6.6), at the rate the terms enter for End User deposits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ...calendar.periods import fmt
from ...explain import Explained, Step
from ...money import CALC_CONTEXT, ZERO, round_money
from ...terms.schema import Terms
from .history import Deposits

__all__ = ["cash_deposit_interest"]


def _cash_changes(deposits: Deposits, on: dt.date) -> list[tuple[dt.date, Decimal]]:
    """(day, change of the cash held) up to `on`: cash receipts add, draws take cash first."""
    changes = [(r.provided_on, r.amount) for r in deposits.receipts if r.form == "cash" and r.provided_on <= on]
    changes += [(d.received_on, -d.amount) for d in deposits.draws if d.received_on <= on]
    return sorted(changes, key=lambda c: (c[0], c[1] < 0))


def cash_deposit_interest(deposits: Deposits, on: dt.date, terms: Terms) -> Explained[Decimal]:
    """Interest owed to the CLEC on its cash deposit up to `on` (III.6.6): simple interest at the
    annual rate of `deposit.cash_interest_annual_rate` on the cash held each day, over 365 days."""
    rate = terms.deposit.cash_interest_annual_rate
    if rate.value is None:
        return Explained(
            ZERO,
            (
                Step(
                    "no interest rate for End User deposits is entered in the terms: no interest computed", rate.clause
                ),
            ),
        )
    steps: list[Step] = []
    total, cash, since = ZERO, ZERO, None
    for day, change in [*_cash_changes(deposits, on), (on, ZERO)]:
        if since is not None and cash > 0 and day > since:
            days = (day - since).days
            part = CALC_CONTEXT.divide(CALC_CONTEXT.multiply(cash * rate.value, days), 365)
            total += part
            steps.append(
                Step(
                    f"${cash} cash held {since.isoformat()} to {day.isoformat()}, {days} days: ${part:.6f}", rate.clause
                )
            )
        cash, since = max(ZERO, cash + change), day
    interest = round_money(total, terms.money)
    steps.insert(0, Step(f"interest at {rate.value:%} a year on the cash deposit held, to {fmt(on)}", rate.clause))
    steps.append(Step(f"total ${total:.6f}, rounded to ${interest}", terms.money.rounding.clause))
    return Explained(interest, tuple(steps))
