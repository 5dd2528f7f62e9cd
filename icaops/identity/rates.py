"""Per-token request limits in fixed windows of one minute (VI.13.2: the CLEC cooperates "to
avoid exceeding the capacity or capabilities" of CenturyLink's OSS; the number is the system's
choice, term `gateway.rate_limit_per_minute`)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

__all__ = ["WINDOW", "RateDecision", "decide", "window_start"]

WINDOW = dt.timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class RateDecision:
    """The state of a token's window after a request: the limit, the requests still allowed in
    it, and when the next window starts."""

    limit: int
    remaining: int
    reset_at: dt.datetime

    def retry_after(self, now: dt.datetime) -> int:
        """Whole seconds from `now` until the next window (at least 1)."""
        return max(1, math.ceil((self.reset_at - now).total_seconds()))


def window_start(now: dt.datetime) -> dt.datetime:
    """The start of the window `now` falls in: the minute, in UTC (`now` must be zone-aware)."""
    if now.tzinfo is None:
        raise ValueError(f"now: expected a zone-aware time, got {now.isoformat()}")
    return now.astimezone(dt.UTC).replace(second=0, microsecond=0)


def decide(count: int, limit: int, now: dt.datetime) -> tuple[bool, RateDecision]:
    """Whether the `count`-th request of the window `now` falls in is allowed under `limit`,
    and the decision to report."""
    start = window_start(now)
    return count <= limit, RateDecision(limit, max(0, limit - count), start + WINDOW)
