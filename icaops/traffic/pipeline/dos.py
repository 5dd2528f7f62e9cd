"""Denial-of-Service detection (CPA.8): sliding windows per trunk group and per provider, and their events.

The backend returns the counts of every window with the minimum attempts (onepass.py:
`window_counts`, windows ending at a call's second or starting just after one: every distinct
window there is); each is judged here from those integers, so every backend gives the same answer.
Thresholds are compared exactly (`attempts * q > p * window` for a threshold p/q), never in
floating point. Breached windows that overlap or touch make one episode per trunk group or
provider: one DOS_WINDOW_SCHEMA row and one finding, whose evidence is the episode's busiest
window (most attempts, the earliest of equals) with the span of the whole episode.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa

from icaops.relationship.events import Event
from icaops.traffic.pipeline.params import CheckParams
from icaops.traffic.pipeline.result import DOS_WINDOW_SCHEMA, FINDINGS_SCHEMA

__all__ = ["WINDOW_COUNTS_SCHEMA", "dos_events", "dos_findings", "dos_windows"]

WINDOW_COUNTS_SCHEMA = pa.schema(
    [
        ("scope", pa.string()),  # "trunk_group" | "provider"
        ("key", pa.string()),  # trunk group or provider
        ("window_start", pa.int64()),  # epoch seconds (UTC); the window is [start, start + window_seconds)
        ("attempts", pa.int64()),
        ("answered", pa.int64()),
        ("short_calls", pa.int64()),
    ]
)
"""The counts of one window of one trunk group or provider (onepass.WINDOW_COUNT_SCHEMA with names)."""


def _breaches(attempts: np.ndarray, answered: np.ndarray, short: np.ndarray, p: CheckParams) -> list[str]:
    """Per window, the thresholds it breaches as text (empty when none)."""
    w = p.window_seconds
    aps, scr, asr = p.max_attempts_per_second, p.max_short_call_ratio, p.min_answer_seizure_ratio
    over_rate = attempts * aps.denominator > aps.numerator * w
    too_short = (answered > 0) & (short * scr.denominator > scr.numerator * answered)
    too_few = answered * asr.denominator < asr.numerator * attempts
    texts = [p.threshold_text[k] for k in ("attempts_per_second", "short_call_ratio", "answer_seizure_ratio")]
    return [
        ", ".join(text for text, hit in zip(texts, flags) if hit)
        for flags in zip(over_rate.tolist(), too_short.tolist(), too_few.tolist())
    ]


def _episodes(windows: list[dict], w: int) -> list[tuple[dict, int, int]]:
    """(busiest window, episode start, episode end) of one key's breached windows, in time order."""
    out: list[tuple[dict, int, int]] = []
    for win in sorted(windows, key=lambda r: r["window_start"]):
        start = win["window_start"]
        if out and start <= out[-1][2]:
            best, first, end = out[-1]
            if win["attempts"] > best["attempts"]:
                best = win
            out[-1] = (best, first, max(end, start + w))
        else:
            out.append((win, start, start + w))
    return out


def dos_windows(counts: pa.Table, p: CheckParams) -> pa.Table:
    """One row (DOS_WINDOW_SCHEMA) per episode of breached windows, from window counts (WINDOW_COUNTS_SCHEMA).

    `counts` holds the traffic CenturyLink receives on the CLEC's trunks, one row per scope, key and
    window (the same window may come twice); windows under the terms' minimum attempts are not
    judged. Ordered by scope, key, start.
    """
    w = p.window_seconds
    rows = [r for r in counts.to_pylist() if r["attempts"] >= p.min_attempts]
    breached = _breaches(
        np.array([r["attempts"] for r in rows], np.int64),
        np.array([r["answered"] for r in rows], np.int64),
        np.array([r["short_calls"] for r in rows], np.int64),
        p,
    )
    by_key: dict[tuple[str, str], dict[int, dict]] = {}
    for r, b in zip(rows, breached):
        if b:
            by_key.setdefault((r["scope"], r["key"]), {})[r["window_start"]] = {**r, "breached": b}
    out = []
    for (scope, key), windows in sorted(by_key.items()):
        for best, first, end in _episodes(list(windows.values()), w):
            answered, attempts = best["answered"], best["attempts"]
            out.append(
                {
                    "scope": scope,
                    "key": key,
                    "window_start": _instant(best["window_start"]),
                    "window_end": _instant(best["window_start"] + w),
                    "attempts": attempts,
                    "answered": answered,
                    "short_calls": best["short_calls"],
                    "attempts_per_second": attempts / w,
                    "short_call_ratio": best["short_calls"] / answered if answered else None,
                    "answer_seizure_ratio": answered / max(attempts, 1),
                    "breached": best["breached"],
                    "clause": p.clause_of_kind[f"dos_{scope}"],
                    "episode_start": _instant(first),
                    "episode_end": _instant(end),
                }
            )
    return pa.Table.from_pylist(out, schema=DOS_WINDOW_SCHEMA)


def _instant(seconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def _local_date(instant: dt.datetime, zone: str) -> dt.date:
    return instant.astimezone(ZoneInfo(zone)).date()


def dos_findings(windows: pa.Table, zone: str) -> pa.Table:
    """One window-level finding per breached window (record_id null)."""
    rows = []
    local = ZoneInfo(zone)  # II.2.10: the agreement runs on Central time
    for w in windows.to_pylist():
        is_trunk = w["scope"] == "trunk_group"
        start, end = w["window_start"].astimezone(local), w["window_end"].astimezone(local)
        first, last = w["episode_start"].astimezone(local), w["episode_end"].astimezone(local)
        rows.append(
            {
                "record_id": None,
                "source_file": None,
                "record_no": None,
                "call_date": _local_date(w["window_start"], zone),
                "connect_time": w["window_start"],
                "trunk_group": w["key"] if is_trunk else None,
                "clec_ocn": None,
                "provider_id": None if is_trunk else w["key"],
                "kind": f"dos_{w['scope']}",
                "clause": w["clause"],
                "detail": (
                    f"{w['attempts']} attempts in {w['scope'].replace('_', ' ')} {w['key']} between "
                    f"{start:%Y-%m-%d %H:%M:%S} and {end:%H:%M:%S} {end:%Z} "
                    f"({w['attempts_per_second']:.2f}/s, {w['answered']} answered, {w['short_calls']} short) "
                    f"breach {w['breached']}; windows breaching a threshold from {first:%H:%M:%S} to "
                    f"{last:%H:%M:%S} {last:%Z}; expected traffic within the DoS thresholds"
                ),
            }
        )
    return pa.Table.from_pylist(rows, schema=FINDINGS_SCHEMA)


def dos_events(windows: pa.Table, p: CheckParams, zone: str) -> tuple[Event, ...]:
    """One "dos_detected" event per breached trunk group or provider, dated by its first breached window."""
    firsts: dict[tuple[str, str], list[dict]] = {}
    for w in windows.to_pylist():
        firsts.setdefault((w["scope"], w["key"]), []).append(w)
    events = []
    for (scope, key), ws in sorted(firsts.items()):
        first, last = ws[0], ws[-1]
        breached = sorted({b for w in ws for b in w["breached"].split(", ")})
        data = {
            "scope": scope,
            "key": key,
            "clause": first["clause"],
            "windows": len(ws),
            "first_window_start": first["episode_start"].isoformat(),
            "last_window_end": last["episode_end"].isoformat(),
            "peak_attempts_per_second": max(w["attempts_per_second"] for w in ws),
            "breached": ", ".join(breached),
            "remedy": p.dos_remedy,
        }
        if scope == "provider":
            data["provider"] = key
        else:
            data["trunk_group"] = key
        events.append(
            Event(
                id=f"dos-{scope}-{key}-{first['episode_start']:%Y%m%dT%H%M%SZ}",
                date=_local_date(first["episode_start"], zone),
                type="dos_detected",
                data=tuple(sorted(data.items())),
            )
        )
    return tuple(events)
