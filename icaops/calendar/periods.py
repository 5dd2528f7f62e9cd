"""Apply one deadline rule from the terms: trigger date, plus or minus a period, then roll."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta

from ..explain import Explained, Step
from ..terms.schema import DeadlineSpec, Term
from ..terms.values import Direction, Period, PeriodUnit, Roll
from .business import BusinessCalendar

__all__ = ["apply_rule", "roll", "shift"]


def fmt(day: dt.date) -> str:
    """A date as `Tuesday 2012-09-04`."""
    return f"{BusinessCalendar.day_name(day)} {day.isoformat()}"


def shift(day: dt.date, period: Period, sign: int, cal: BusinessCalendar) -> dt.date:
    """`day` moved by `period` forward (sign +1) or back (sign -1)."""
    n = period.amount * sign
    unit = period.unit
    if unit is PeriodUnit.CALENDAR_DAYS:
        return day + dt.timedelta(days=n)
    if unit is PeriodUnit.BUSINESS_DAYS:
        return cal.add_business_days(day, n)
    if unit is PeriodUnit.WEEKS:
        return day + dt.timedelta(weeks=n)
    if unit is PeriodUnit.MONTHS:
        return day + relativedelta(months=n)
    if unit is PeriodUnit.YEARS:
        return day + relativedelta(years=n)
    raise ValueError(f"{period} is counted in hours; pass a datetime, not a date")


def roll(day: dt.date, rule: Roll, cal: BusinessCalendar, clause: str, what: str) -> Explained[dt.date]:
    """Move `day` as the roll rule says, explaining why (or that it stands)."""
    result = Explained(day)
    if rule is Roll.NONE:
        return result
    if rule is Roll.WEEKEND_OR_BANK_HOLIDAY_TO_NEXT_BUSINESS_DAY:
        reason = None
        if day.weekday() >= 5:
            reason = BusinessCalendar.day_name(day)
        elif cal.is_bank_holiday(day):
            reason = f"{cal.bank_holiday_name(day)}, a bank holiday"
        if reason is None:
            return result.then(
                day, f"{fmt(day)} is neither a weekend day nor a bank holiday: the {what} stands", clause
            )
        target = cal.next_business_day(day, include_today=False)
        return result.then(
            target, f"{day.isoformat()} is {reason}: the {what} rolls to the next Business Day, {fmt(target)}", clause
        )
    if rule is Roll.NEXT_BUSINESS_DAY:
        why = cal.why_not_business_day(day)
        if why is None:
            return result
        target = cal.next_business_day(day)
        return result.then(
            target, f"{day.isoformat()} is not a Business Day ({why}): rolled forward to {fmt(target)}", clause
        )
    why = cal.why_not_business_day(day)
    if why is None:
        return result
    target = cal.previous_business_day(day)
    return result.then(target, f"{day.isoformat()} is not a Business Day ({why}): rolled back to {fmt(target)}", clause)


def apply_rule(
    rule: Term[DeadlineSpec], trigger: dt.date, cal: BusinessCalendar, trigger_text: str | None = None
) -> Explained[dt.date]:
    """The deadline `rule` computes from `trigger`, with each step explained."""
    spec = rule.value
    sign = 1 if spec.direction is Direction.AFTER else -1
    if spec.offset.unit is PeriodUnit.HOURS:
        raise ValueError(f"deadline {spec.label!r} is counted in hours; use apply_hours_rule")
    target = shift(trigger, spec.offset, sign, cal)
    op = "+" if sign > 0 else "-"
    source = trigger_text or spec.trigger
    step = Step(f"{source} {trigger.isoformat()} {op} {spec.offset} = {fmt(target)}: {spec.label}", rule.clause)
    rolled = roll(target, spec.roll, cal, rule.clause, spec.label)
    return Explained(rolled.value, (step,) + rolled.steps)


def apply_hours_rule(rule: Term[DeadlineSpec], trigger: dt.datetime, cal: BusinessCalendar) -> Explained[dt.datetime]:
    """A deadline counted in hours from an aware datetime (e.g. 48-hour DSR processing, VII.7.a.2)."""
    spec = rule.value
    if trigger.tzinfo is None:
        raise ValueError(f"a timezone-aware datetime for {spec.label!r}, got {trigger.isoformat()}")
    sign = 1 if spec.direction is Direction.AFTER else -1
    target = (trigger + dt.timedelta(hours=sign * spec.offset.amount)).astimezone(cal.zone)
    op = "+" if sign > 0 else "-"
    return Explained(
        target,
        (
            Step(
                f"{spec.trigger} {trigger.astimezone(cal.zone).isoformat()} {op} {spec.offset} = {target.isoformat()}: {spec.label}",
                rule.clause,
            ),
        ),
    )
