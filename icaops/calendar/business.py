"""The agreement's Business Day calendar (II.2.10) and bank-holiday calendar (III.9.2).

Holidays come from the `holidays` package (federal holidays with observed days, the
Federal Reserve calendar) and from dates listed in the terms (company holidays); which
sources apply is itself a term, so nothing here is specific to one agreement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from zoneinfo import ZoneInfo

import holidays

from ..terms.schema import CalendarTerms
from ..terms.values import HolidaySource

__all__ = ["BusinessCalendar"]

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class _Dates(dict[dt.date, str]):
    """A holiday source of listed dates, answering like a `holidays` object."""

    def __init__(self, entries: tuple[str, ...]):
        super().__init__()
        for entry in entries:
            day = dt.date.fromisoformat(entry[:10])
            self[day] = entry[10:].strip(" :-") or "company holiday"


def _holidays(source: HolidaySource) -> Mapping[dt.date, str]:
    if source.code is None:  # only "dates" sources: the schema requires a code of the others
        return _Dates(source.dates)
    if source.kind == "country":
        return holidays.country_holidays(source.code, subdiv=source.subdivision, observed=source.observed)
    if source.kind == "financial":
        return holidays.financial_holidays(source.code)
    return _Dates(source.dates)


@dataclass(frozen=True)
class BusinessCalendar:
    """Business Days and bank holidays as the terms define them."""

    terms: CalendarTerms

    @cached_property
    def zone(self) -> ZoneInfo:
        """The agreement's time zone (II.2.10: Central time)."""
        return ZoneInfo(self.terms.timezone.value)

    @cached_property
    def _closed(self) -> tuple[tuple[str, Mapping[dt.date, str]], ...]:
        t = self.terms
        return (
            ("federal holiday", _holidays(t.federal_holidays.value)),
            ("no non-priority mail delivery", _holidays(t.no_mail_delivery_days.value)),
            ("federal closure", _holidays(t.federal_closures.value)),
            ("CenturyLink company holiday", _holidays(t.company_holidays.value)),
        )

    @cached_property
    def _bank(self) -> Mapping[dt.date, str]:
        return _holidays(self.terms.bank_holidays.value)

    @cached_property
    def _open_weekdays(self) -> frozenset[int]:
        return frozenset(_WEEKDAYS.index(d) for d in self.terms.business_weekdays.value)

    def is_business_day(self, day: dt.date) -> bool:
        """True if `day` is a Business Day (II.2.10)."""
        return self.why_not_business_day(day) is None

    def why_not_business_day(self, day: dt.date) -> str | None:
        """Why `day` is not a Business Day (e.g. "Labor Day, federal holiday"), or None if it is."""
        if day.weekday() not in self._open_weekdays:
            return _DAY_NAMES[day.weekday()]
        for kind, calendar in self._closed:
            name = calendar.get(day)
            if name:
                return f"{name}, {kind}"
        return None

    def is_bank_holiday(self, day: dt.date) -> bool:
        """True if `day` is a designated bank holiday (III.9.2)."""
        return day in self._bank

    def bank_holiday_name(self, day: dt.date) -> str | None:
        """The bank holiday's name on `day`, if any."""
        return self._bank.get(day)

    def next_business_day(self, day: dt.date, *, include_today: bool = True) -> dt.date:
        """The first Business Day on or after `day` (after it, if include_today is False)."""
        day = day if include_today else day + dt.timedelta(days=1)
        while not self.is_business_day(day):
            day += dt.timedelta(days=1)
        return day

    def previous_business_day(self, day: dt.date, *, include_today: bool = True) -> dt.date:
        """The last Business Day on or before `day` (before it, if include_today is False)."""
        day = day if include_today else day - dt.timedelta(days=1)
        while not self.is_business_day(day):
            day -= dt.timedelta(days=1)
        return day

    def add_business_days(self, day: dt.date, count: int) -> dt.date:
        """The `count`-th Business Day after `day` (before it, if count is negative).

        `day` itself is never counted: three Business Days after a Friday mailing is the
        following Wednesday. With count 0 the day itself is returned.
        """
        step = dt.timedelta(days=1 if count >= 0 else -1)
        remaining = abs(count)
        while remaining:
            day += step
            if self.is_business_day(day):
                remaining -= 1
        return day

    def business_days_between(self, start: dt.date, end: dt.date) -> int:
        """How many Business Days fall after `start` and on or before `end`."""
        if end <= start:
            return 0
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            count += self.is_business_day(day)
        return count

    def local_date(self, moment: dt.datetime) -> dt.date:
        """The agreement-time (Central) date of an aware datetime."""
        if moment.tzinfo is None:
            raise ValueError(f"a timezone-aware datetime, got naive {moment.isoformat()}")
        return moment.astimezone(self.zone).date()

    def within_business_hours(self, moment: dt.datetime) -> bool:
        """True if `moment` is inside Business Day hours, Central time (II.2.10)."""
        local = moment.astimezone(self.zone)
        hours = self.terms.business_hours.value
        return self.is_business_day(local.date()) and hours.start <= local.time() < hours.end

    @staticmethod
    def day_name(day: dt.date) -> str:
        """The weekday's name, e.g. "Tuesday"."""
        return _DAY_NAMES[day.weekday()]
