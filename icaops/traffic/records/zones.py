"""Wall-clock times in the agreement's zone to UTC, a few zone look-ups per chunk of records."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np

from icaops.traffic.records.schema import AGREEMENT_ZONE

__all__ = ["local_to_utc"]

_EPOCH = dt.date(1970, 1, 1)
_SLOT = 900  # US zones change offset on the hour; 15-minute slots cover any zone's rules


def _offset(tz: ZoneInfo, day: dt.date, second: int) -> int:
    # fold=0: an ambiguous wall time (fall back) is the earlier instant, a non-existent one
    # (spring forward) uses the offset in force before the change -- PEP 495 semantics.
    t = dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=second)
    offset = t.replace(tzinfo=tz, fold=0).utcoffset()
    assert offset is not None, f"{tz.key} gives no offset for {t}"
    return int(offset.total_seconds())


def _day_offsets(tz: ZoneInfo, days: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """Offset at midnight of each day, and the indices of days whose offset changes."""
    out = np.empty(days.size, dtype=np.int64)
    changing = []
    for i, d in enumerate(days.tolist()):
        day = _EPOCH + dt.timedelta(days=d)
        out[i] = start = _offset(tz, day, 0)
        if _offset(tz, day, 86399) != start:
            changing.append(i)
    return out, changing


def local_to_utc(local_s: np.ndarray, zone: str = AGREEMENT_ZONE) -> np.ndarray:
    """Wall-clock seconds since 1970 in ``zone`` to UTC seconds since 1970.

    Offsets are looked up per day, and per 15 minutes on days the offset changes, so a chunk
    costs a few zone look-ups rather than one per record.
    """
    if local_s.size == 0:
        return local_s.astype(np.int64)
    tz = ZoneInfo(zone)
    days = np.floor_divide(local_s, 86400)
    first, last = int(days.min()), int(days.max())
    if last - first < 64:  # a daily file: every day in the span, no sort needed
        table_days = np.arange(first, last + 1)
        index = days - first
    else:
        table_days, index = np.unique(days, return_inverse=True)
    per_day, changing = _day_offsets(tz, table_days)
    offsets = per_day[index]
    for i in changing:
        d = int(table_days[i])
        day = _EPOCH + dt.timedelta(days=d)
        slots = np.array([_offset(tz, day, s) for s in range(0, 86400, _SLOT)], dtype=np.int64)
        rows = np.flatnonzero(index == i)
        offsets[rows] = slots[(local_s[rows] - d * 86400) // _SLOT]
    return local_s - offsets
