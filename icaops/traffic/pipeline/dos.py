"""Denial-of-Service detection (CPA.8): tumbling windows per trunk group and per provider, and their events.

The backend returns counts per window (onepass.py); ratios and threshold tests are computed here
from those integers, so every backend gives the same answer. Thresholds are compared exactly
(`attempts * q > p * window` for a threshold p/q), never in floating point.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from icaops.relationship.events import Event
from icaops.traffic.pipeline.params import CheckParams
from icaops.traffic.pipeline.result import DOS_WINDOW_SCHEMA, FINDINGS_SCHEMA

__all__ = ["dos_events", "dos_findings", "dos_windows"]


def dos_windows(counts: pa.Table, p: CheckParams) -> pa.Table:
    """Breached windows (DOS_WINDOW_SCHEMA) from per-window counts (`WINDOW_COUNT_SCHEMA`, onepass.py).

    `counts` holds the traffic CenturyLink receives on the CLEC's trunks, one row per scope, key
    and window; windows under the terms' minimum attempts are not judged. Ordered by scope, key, start.
    """
    g = counts.filter(pc.greater_equal(counts["attempts"], p.min_attempts))
    w = p.window_seconds
    attempts = g["attempts"].to_numpy().astype(np.int64)
    answered = g["answered"].to_numpy().astype(np.int64)
    short = g["short_calls"].to_numpy().astype(np.int64)
    aps, scr, asr = p.max_attempts_per_second, p.max_short_call_ratio, p.min_answer_seizure_ratio
    over_rate = attempts * aps.denominator > aps.numerator * w
    too_short = (answered > 0) & (short * scr.denominator > scr.numerator * answered)
    too_few = answered * asr.denominator < asr.numerator * attempts
    texts = [p.threshold_text[k] for k in ("attempts_per_second", "short_call_ratio", "answer_seizure_ratio")]
    breached = [
        ", ".join(text for text, hit in zip(texts, flags) if hit)
        for flags in zip(over_rate.tolist(), too_short.tolist(), too_few.tolist())
    ]
    keep = np.array([bool(b) for b in breached], dtype=bool)
    starts = g["window_start"].to_numpy().astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        scr_value = np.where(answered > 0, short / np.maximum(answered, 1), np.nan)
    table = pa.table(
        {
            "scope": g["scope"],
            "key": g["key"],
            "window_start": pa.array(starts, pa.int64()).cast(pa.timestamp("s", tz="UTC")),
            "window_end": pa.array(starts + w, pa.int64()).cast(pa.timestamp("s", tz="UTC")),
            "attempts": pa.array(attempts),
            "answered": pa.array(answered),
            "short_calls": pa.array(short),
            "attempts_per_second": pa.array(attempts / w, pa.float64()),
            "short_call_ratio": pa.array(scr_value, pa.float64(), mask=answered == 0),
            "answer_seizure_ratio": pa.array(answered / np.maximum(attempts, 1), pa.float64()),
            "breached": pa.array(breached, pa.string()),
            "clause": pa.array([p.clause_of_kind[f"dos_{s}"] for s in g["scope"].to_pylist()], pa.string()),
        },
        schema=DOS_WINDOW_SCHEMA,
    )
    table = table.filter(pa.array(keep))
    return table.sort_by([("scope", "ascending"), ("key", "ascending"), ("window_start", "ascending")])


def _local_date(instant: dt.datetime, zone: str) -> dt.date:
    return instant.astimezone(ZoneInfo(zone)).date()


def dos_findings(windows: pa.Table, zone: str) -> pa.Table:
    """One window-level finding per breached window (record_id null)."""
    rows = []
    local = ZoneInfo(zone)  # II.2.10: the agreement runs on Central time
    for w in windows.to_pylist():
        is_trunk = w["scope"] == "trunk_group"
        start, end = w["window_start"].astimezone(local), w["window_end"].astimezone(local)
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
                    f"breach {w['breached']}; expected traffic within the DoS thresholds"
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
            "first_window_start": first["window_start"].isoformat(),
            "last_window_end": last["window_end"].isoformat(),
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
                id=f"dos-{scope}-{key}-{first['window_start']:%Y%m%dT%H%M%SZ}",
                date=_local_date(first["window_start"], zone),
                type="dos_detected",
                data=tuple(sorted(data.items())),
            )
        )
    return tuple(events)
