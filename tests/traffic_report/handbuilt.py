"""A TrafficCheck built by hand: every finding kind, two breached DoS windows, a little traffic."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from icaops.relationship.events import Event
from icaops.traffic.pipeline.result import (
    COMPENSATION_SCHEMA,
    DOS_WINDOW_SCHEMA,
    FINDINGS_SCHEMA,
    MESSAGE_COUNT_SCHEMA,
    PER_MINUTE_SCHEMA,
    TrafficCheck,
)

DAY = dt.date(2024, 3, 12)
UTC = dt.UTC


def at(hh: int, mm: int, ss: int = 0) -> dt.datetime:
    """A UTC instant on DAY."""
    return dt.datetime(2024, 3, 12, hh, mm, ss, tzinfo=UTC)


def finding(
    kind: str,
    clause: str,
    when: dt.datetime,
    detail: str,
    *,
    record: str | None = "r1",
    tg: str | None = "4101",
    provider: str | None = "TELNYX",
    record_no: int | None = 1,
) -> dict:
    """One row of FINDINGS_SCHEMA."""
    return {
        "record_id": record,
        "source_file": "day.parquet" if record else None,
        "record_no": record_no if record else None,
        "call_date": DAY,
        "connect_time": when,
        "trunk_group": tg,
        "clec_ocn": "Z301",
        "provider_id": provider,
        "kind": kind,
        "clause": clause,
        "detail": detail,
    }


FINDINGS = [
    finding(
        "provider_not_authorized",
        "CPA.1.1",
        at(14, 0, 5),
        "BANDWIDTH: CLEC has not notified CenturyLink",
        record="r2",
        provider="BANDWIDTH",
        record_no=2,
    ),
    finding(
        "provider_not_authorized",
        "CPA.1.1",
        at(14, 1, 5),
        "BANDWIDTH: CLEC has not notified CenturyLink",
        record="r3",
        provider="BANDWIDTH",
        record_no=3,
    ),
    finding(
        "outside_serving_area",
        "CPA.9",
        at(15, 2),
        "called 2086640123 is outside every CenturyLink serving area",
        record="r4",
        record_no=4,
    ),
    finding("cpn_missing", "CPA.7", at(15, 3), "no calling number", record="r5", record_no=5),
    finding("cpn_altered", "CPA.7", at(15, 4), "calling 2081234567 is not a NANP number", record="r6", record_no=6),
    finding("voip_911_to_ilec", "CPA.10", at(15, 5), "911 call <b>from</b> a VoIP provider", record="r7", record_no=7),
    # Window-level findings, worded as the pipeline words them (in UTC): the report lists the windows instead.
    finding(
        "dos_trunk_group",
        "CPA.8",
        at(15, 15),
        "3750 attempts in trunk group 4101 between 2024-03-12 15:15:00 and 15:16:00 UTC",
        record=None,
        provider=None,
    ),
    finding(
        "dos_provider",
        "CPA.8",
        at(15, 15),
        "3790 attempts in provider TELNYX between 2024-03-12 15:15:00 and 15:16:00 UTC",
        record=None,
        tg=None,
    ),
]

WINDOWS = [
    {
        "scope": "trunk_group",
        "key": "4101",
        "window_start": at(15, 15),
        "window_end": at(15, 16),
        "attempts": 3750,
        "answered": 281,
        "short_calls": 281,
        "attempts_per_second": 62.5,
        "short_call_ratio": 0.075,
        "answer_seizure_ratio": 0.075,
        "breached": "attempts_per_second>50,answer_seizure_ratio<0.15",
        "clause": "CPA.8",
    },
    {
        "scope": "trunk_group",
        "key": "4101",
        "window_start": at(15, 16),
        "window_end": at(15, 17),
        "attempts": 3750,
        "answered": 281,
        "short_calls": 281,
        "attempts_per_second": 62.5,
        "short_call_ratio": 0.075,
        "answer_seizure_ratio": 0.075,
        "breached": "attempts_per_second>50",
        "clause": "CPA.8",
    },
    {
        "scope": "provider",
        "key": "TELNYX",
        "window_start": at(15, 15),
        "window_end": at(15, 16),
        "attempts": 3790,
        "answered": 300,
        "short_calls": 290,
        "attempts_per_second": 63.2,
        "short_call_ratio": 0.077,
        "answer_seizure_ratio": 0.079,
        "breached": "attempts_per_second>50",
        "clause": "CPA.8",
    },
]

PER_MINUTE = [
    {"trunk_group": tg, "minute": at(15, m), "calls": calls}
    for tg, base in (("4101", 30), ("4201", 12))
    for m, calls in ((m, (3750 if tg == "4101" and m in (15, 16) else base + m % 3)) for m in range(10, 20))
]

COMPENSATION = [
    {
        "clec_ocn": "Z301",
        "provider_id": "TELNYX",
        "direction": "clec_to_ilec",
        "jurisdiction": "local",
        "calls": 100,
        "conversation_tenths": 60_000,
        "compensable": True,
        "clause": "CPA.2",
    },
    {
        "clec_ocn": "Z301",
        "provider_id": "ONVOY",
        "direction": "clec_to_ilec",
        "jurisdiction": "local",
        "calls": 50,
        "conversation_tenths": 30_300,
        "compensable": True,
        "clause": "CPA.2",
    },
    {
        "clec_ocn": "Z301",
        "provider_id": "ONVOY",
        "direction": "clec_to_ilec",
        "jurisdiction": "interlata",
        "calls": 7,
        "conversation_tenths": 4_205,
        "compensable": True,
        "clause": "CPA.2",
    },
    {
        "clec_ocn": "Z301",
        "provider_id": "TELNYX",
        "direction": "ilec_to_clec",
        "jurisdiction": "local",
        "calls": 40,
        "conversation_tenths": 24_000,
        "compensable": True,
        "clause": "CPA.6",
    },
    {
        "clec_ocn": "Z301",
        "provider_id": "TELNYX",
        "direction": "transit",
        "jurisdiction": "transit",
        "calls": 5,
        "conversation_tenths": 3_000,
        "compensable": False,
        "clause": "CPA.3",
    },
]

# 25,000 messages: at $0.000581 that is $14.525, which half-up rounding (money.rounding) makes $14.53.
MESSAGES = [
    {"billing_number": "2082630001", "message_type": "1", "call_date": DAY, "messages": 20_000},
    {"billing_number": "2082630002", "message_type": "1", "call_date": DAY, "messages": 5_000},
]

EVENTS = (
    Event(
        "dos-TELNYX-2024-03-12",
        DAY,
        "dos_detected",
        (
            ("breached", "attempts_per_second>50"),
            ("clause", "CPA.8"),
            ("first_window_start", "2024-03-12T15:15:00+00:00"),
            ("key", "TELNYX"),
            ("last_window_end", "2024-03-12T15:16:00+00:00"),
            ("peak_attempts_per_second", 63.2),
            ("provider", "TELNYX"),
            ("remedy", "stop accepting all CLEC trunk traffic"),
            ("scope", "provider"),
            ("windows", 1),
        ),
    ),
)


def check(**changes) -> TrafficCheck:
    """The hand-built check, with any table replaced by `changes` (lists of rows)."""
    rows = {
        "findings": FINDINGS,
        "dos_windows": WINDOWS,
        "per_minute": PER_MINUTE,
        "compensation": COMPENSATION,
        "message_counts": MESSAGES,
        **changes,
    }
    schemas = {
        "findings": FINDINGS_SCHEMA,
        "dos_windows": DOS_WINDOW_SCHEMA,
        "per_minute": PER_MINUTE_SCHEMA,
        "compensation": COMPENSATION_SCHEMA,
        "message_counts": MESSAGE_COUNT_SCHEMA,
    }
    tables = {k: pa.Table.from_pylist(rows[k], schema=s) for k, s in schemas.items()}
    return TrafficCheck(events=changes.get("events", EVENTS), records=12_345, backend="duckdb", **tables)
