"""Billing cycles: the service period a bill covers, its Bill Date and Bill Due Date (II.2.8, II.2.9)."""

from __future__ import annotations

import calendar as stdcal
import datetime as dt
import re
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

from ..calendar.deadlines import Deadlines
from ..explain import Explained, Step

__all__ = ["BillingCycle", "cycle_for", "parse_period"]


@dataclass(frozen=True, slots=True)
class BillingCycle:
    """One account's billing cycle: service from `start` to `close` (inclusive), billed the day after."""

    account_id: str
    period: str  # YYYY-MM of the close date
    start: dt.date
    close: dt.date
    bill_date: Explained[dt.date]
    due_date: Explained[dt.date]

    @property
    def bill_id(self) -> str:
        """A stable id: account and period."""
        return f"{self.account_id}:{self.period}"

    @property
    def days(self) -> int:
        """Days in the service period."""
        return (self.close - self.start).days + 1


_PERIOD = re.compile(r"(\d{4})-(\d{1,2})")


def parse_period(text: str) -> str:
    """A billing period as `YYYY-MM`, however the month is spelled (`2012-9` is `2012-09`), so
    that a cycle has one name; anything else is refused with what was expected."""
    match = _PERIOD.fullmatch(str(text).strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"period: expected YYYY-MM such as 2012-08, got {text!r}")
    return f"{match.group(1)}-{int(match.group(2)):02d}"


def _close_in(year: int, month: int, close_day: int, deadlines: Deadlines) -> dt.date:
    """The cycle close in a month, so that the Bill Date is the same date each month (II.2.8).

    The Bill Date falls on the day of the month that `close_day` gives in a long month; in a
    shorter month that day falls on the month's last day (as `Deadlines.bill_dates_from`
    reads it), and the cycle closes on the latest day whose Bill Date is not after it. A close
    day whose Bill Date runs into the next month (the 31st) closes on the month's last day."""
    last = stdcal.monthrange(year, month)[1]
    reference = dt.date(2000, 1, close_day)  # a 31-day month: every close day exists
    bill_day = deadlines.bill_date(reference).value
    if bill_day.month != reference.month:
        return dt.date(year, month, min(close_day, last))
    target = dt.date(year, month, min(bill_day.day, last))
    close = dt.date(year, month, min(close_day, last))
    while deadlines.bill_date(close).value > target:
        close -= dt.timedelta(days=1)
    return close


def cycle_for(account_id: str, period: str, close_day: int, deadlines: Deadlines) -> BillingCycle:
    """The cycle of `account_id` closing in `period` (YYYY-MM) on day `close_day` of the month.

    Charges are billed for the closed period (interpretation billing-period): the service
    period runs from the day after the previous close through this close.
    """
    if not 1 <= close_day <= 31:
        raise ValueError(
            f"account {account_id}: cycle_close_day: expected a day of the month from 1 to 31, got {close_day!r}"
        )
    period = parse_period(period)
    year, month = (int(p) for p in period.split("-"))
    close = _close_in(year, month, close_day, deadlines)
    prev = close - relativedelta(months=1)
    start = _close_in(prev.year, prev.month, close_day, deadlines) + dt.timedelta(days=1)
    bill_date = deadlines.bill_date(close)
    due = deadlines.bill_due_date(bill_date.value)
    steps: tuple[Step, ...] = (
        Step(
            f"billing cycle {period}: service {start.isoformat()} to {close.isoformat()}, closing {close.isoformat()}",
            "II.2.8",
        ),
    )
    if close.day != close_day:
        steps += (
            Step(
                f"cycle close day {close_day}: the Bill Date is the same date each month, on the month's last day when the month is shorter, so this cycle closes {close.isoformat()}",
                "II.2.8",
            ),
        )
    bill_date = Explained(bill_date.value, steps + bill_date.steps)
    return BillingCycle(account_id, period, start, close, bill_date, due)
