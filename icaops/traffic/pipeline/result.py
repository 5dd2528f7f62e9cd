"""What the Carrier Partner traffic check returns (the contract between the pipeline and its outputs).

Field names are fixed: fields may be added, never renamed. Every table is a pyarrow Table of the
schema named beside it; `TrafficCheck` holds them with the relationship events they raise.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

__all__ = [
    "COMPENSATION_SCHEMA",
    "COVERAGE_SCHEMA",
    "DOS_WINDOW_SCHEMA",
    "FINDINGS_SCHEMA",
    "FINDING_KINDS",
    "MESSAGE_COUNT_SCHEMA",
    "PER_MINUTE_SCHEMA",
    "REFERENCE_FILES_SCHEMA",
    "UNDETERMINED_SCHEMA",
    "TrafficCheck",
]

FINDINGS_SCHEMA = pa.schema(
    [
        ("record_id", pa.string()),  # the call (CALL_RECORD_SCHEMA.record_id); null for window-level findings
        ("source_file", pa.string()),
        ("record_no", pa.int64()),
        ("call_date", pa.date32()),
        ("connect_time", pa.timestamp("s", tz="UTC")),
        ("trunk_group", pa.string()),
        ("clec_ocn", pa.string()),
        ("provider_id", pa.string()),
        ("kind", pa.string()),  # one of FINDING_KINDS
        ("clause", pa.string()),  # from the terms, e.g. CPA.1.1, CPA.9, CPA.7, CPA.10, CPA.8
        ("detail", pa.string()),  # human sentence: what was found, what was expected
    ]
)
FINDING_KINDS = (
    "provider_not_authorized",
    "outside_serving_area",
    "cpn_missing",
    "cpn_altered",
    "voip_911_to_ilec",
    "dos_trunk_group",
    "dos_provider",
    "cpn_not_in_numbering",  # CPA.7: calling number in no assigned code of an NPA whose complete list was loaded
    "cpn_other_carrier",  # CPA.7: calling number assigned to a carrier other than the provider's (not ported)
    "provider_numbering_other_ocn",  # CPA.1.4: a provider's NPA-NXX held by another carrier's OCN
)
UNDETERMINED_SCHEMA = pa.schema(
    [
        ("check", pa.string()),  # cpn_not_found | cpn_carrier | serving_area | provider_numbering
        ("clause", pa.string()),
        ("provider_id", pa.string()),
        ("npanxx", pa.string()),  # the NPA-NXX the numbering data lacks, e.g. "208-322"
        ("reason", pa.string()),  # what the data lacks, with the first call's number
        ("calls", pa.int64()),  # calls left undetermined for this reason (0 for registry codes, CPA.1.4)
        ("first_record_id", pa.string()),
        ("first_connect_time", pa.timestamp("s", tz="UTC")),
    ]
)
"""Outcomes the numbering data cannot decide: never a breach (issue 14)."""
COVERAGE_SCHEMA = pa.schema(
    [
        ("check", pa.string()),
        ("clause", pa.string()),
        ("npa", pa.string()),
        ("nxx_from", pa.string()),
        ("nxx_to", pa.string()),
        ("blocks", pa.string()),
        ("basis", pa.string()),
    ]
)
"""NPA-NXX ranges each check can decide with the numbering data used (icaops.traffic.reference.coverage)."""
REFERENCE_FILES_SCHEMA = pa.schema(
    [
        ("kind", pa.string()),
        ("name", pa.string()),
        ("sha256", pa.string()),
        ("rows", pa.int64()),
        ("effective", pa.date32()),
    ]
)
"""The reference files the check used."""

DOS_WINDOW_SCHEMA = pa.schema(
    [
        ("scope", pa.string()),  # "trunk_group" | "provider"
        ("key", pa.string()),  # trunk group id or provider id
        ("window_start", pa.timestamp("s", tz="UTC")),
        ("window_end", pa.timestamp("s", tz="UTC")),
        ("attempts", pa.int64()),
        ("answered", pa.int64()),
        ("short_calls", pa.int64()),
        ("attempts_per_second", pa.float64()),
        ("short_call_ratio", pa.float64()),
        ("answer_seizure_ratio", pa.float64()),  # traffic ratios, not money: float is fine here
        ("breached", pa.string()),  # which thresholds, e.g. "attempts_per_second>50"
        ("clause", pa.string()),
        # The window above is the busiest of an episode of overlapping breached windows (sliding,
        # docs/interpretations.md#dos-windows); the episode runs from the start of its first to the
        # end of its last.
        ("episode_start", pa.timestamp("s", tz="UTC")),
        ("episode_end", pa.timestamp("s", tz="UTC")),
    ]
)
PER_MINUTE_SCHEMA = pa.schema(
    [("trunk_group", pa.string()), ("minute", pa.timestamp("s", tz="UTC")), ("calls", pa.int64())]
)
COMPENSATION_SCHEMA = pa.schema(
    [
        ("clec_ocn", pa.string()),
        ("provider_id", pa.string()),
        ("direction", pa.string()),  # "clec_to_ilec" | "ilec_to_clec" | "transit"
        ("jurisdiction", pa.string()),  # local | intralata_toll | interlata | transit | 911
        ("calls", pa.int64()),
        ("conversation_tenths", pa.int64()),
        ("compensable", pa.bool_()),
        ("clause", pa.string()),
    ]
)
MESSAGE_COUNT_SCHEMA = pa.schema(
    [
        ("billing_number", pa.string()),
        ("message_type", pa.string()),
        ("call_date", pa.date32()),
        ("messages", pa.int64()),
    ]
)


@dataclass(frozen=True)
class TrafficCheck:
    """Everything one run of the Carrier Partner checks found, on one backend."""

    findings: pa.Table  # FINDINGS_SCHEMA
    dos_windows: pa.Table  # DOS_WINDOW_SCHEMA (one row per episode of breached windows)
    per_minute: pa.Table  # PER_MINUTE_SCHEMA (all trunk groups, for charts)
    compensation: pa.Table  # COMPENSATION_SCHEMA
    message_counts: pa.Table  # MESSAGE_COUNT_SCHEMA (feeds per-message billing, VI.9 / VIII)
    events: tuple  # relationship Events (icaops.relationship.events.Event): one
    # "dos_detected" event per breached provider/trunk group (CPA.8)
    records: int  # calls checked
    backend: str  # "duckdb" | "pyspark"
    undetermined: pa.Table = field(default_factory=UNDETERMINED_SCHEMA.empty_table)  # UNDETERMINED_SCHEMA
    coverage: pa.Table = field(default_factory=COVERAGE_SCHEMA.empty_table)  # COVERAGE_SCHEMA
    reference_files: pa.Table = field(default_factory=REFERENCE_FILES_SCHEMA.empty_table)  # REFERENCE_FILES_SCHEMA
