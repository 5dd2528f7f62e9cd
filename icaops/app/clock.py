"""The one place the application reads the clock: the domain is given dates, never `today()`."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from ..terms.loader import Agreement

__all__ = ["now", "today"]


def today(agreement: Agreement, now: dt.datetime | None = None) -> dt.date:
    """Today's date in the agreement's time zone (II.2.10: Central time) — `now` for tests."""
    moment = now or dt.datetime.now(dt.UTC)
    return moment.astimezone(ZoneInfo(agreement.terms.calendar.timezone.value)).date()


def now() -> dt.datetime:
    """The current moment, timezone-aware (UTC): when a feed or a report was made."""
    return dt.datetime.now(dt.UTC)
