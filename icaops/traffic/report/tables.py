"""Writing a TrafficCheck to files (Parquet and CSV, with clause ids) and reading it back for the report.

A check directory holds ``findings``, ``dos_windows``, ``compensation``, ``message_counts``,
``undetermined`` (what the numbering data could not decide), ``coverage`` and ``reference_files``
(the numbering data used and what it can decide) as Parquet and CSV, ``per_minute.parquet`` (for the chart) and ``check.json`` (records checked,
backend, and the relationship events the check raised, e.g. ``dos_detected``, CPA.8).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from icaops.privatefiles import private_file, private_folder, write_private_text
from icaops.relationship.events import Event
from icaops.traffic.pipeline.result import (
    COMPENSATION_SCHEMA,
    COVERAGE_SCHEMA,
    DOS_WINDOW_SCHEMA,
    FINDINGS_SCHEMA,
    MESSAGE_COUNT_SCHEMA,
    PER_MINUTE_SCHEMA,
    REFERENCE_FILES_SCHEMA,
    UNDETERMINED_SCHEMA,
    TrafficCheck,
)

__all__ = ["CSV_TABLES", "TABLES", "read_check", "write_check"]

TABLES = {
    "findings": FINDINGS_SCHEMA,
    "dos_windows": DOS_WINDOW_SCHEMA,
    "compensation": COMPENSATION_SCHEMA,
    "message_counts": MESSAGE_COUNT_SCHEMA,
    "per_minute": PER_MINUTE_SCHEMA,
    "undetermined": UNDETERMINED_SCHEMA,
    "coverage": COVERAGE_SCHEMA,
    "reference_files": REFERENCE_FILES_SCHEMA,
}
"""Each table of a TrafficCheck and its schema."""
OPTIONAL_TABLES = frozenset({"undetermined", "coverage", "reference_files"})
"""Tables a check directory written before issue 14 lacks: read back as empty."""
CSV_TABLES = (
    "findings",
    "dos_windows",
    "compensation",
    "message_counts",
    "undetermined",
    "coverage",
    "reference_files",
)
"""The tables also written as CSV (per_minute is chart data only)."""
META = "check.json"


def write_check(check: TrafficCheck, out_dir: Path | str) -> dict[str, Path]:
    """Write every table as Parquet (and CSV where listed) plus check.json; returns name → path.
    The files are owner-only (findings name calling numbers: CPNI, docs/cpni.md)."""
    out = private_folder(out_dir)
    written: dict[str, Path] = {}
    for name, schema in TABLES.items():
        table = _conform(getattr(check, name), schema, name)
        with private_file(out / f"{name}.parquet", "wb") as parquet:
            pq.write_table(table, parquet)
        written[f"{name}.parquet"] = out / f"{name}.parquet"
        if name in CSV_TABLES:
            with private_file(out / f"{name}.csv", "wb") as csv:
                pacsv.write_csv(table, csv)
            written[f"{name}.csv"] = out / f"{name}.csv"
    meta = {"records": check.records, "backend": check.backend, "events": [_event_json(e) for e in check.events]}
    write_private_text(out / META, json.dumps(meta, indent=2, default=str) + "\n")
    written[META] = out / META
    return written


def read_check(out_dir: Path | str) -> TrafficCheck:
    """A TrafficCheck from a directory written by `write_check`; FileNotFoundError names what is missing."""
    out = Path(out_dir)
    missing = [f"{n}.parquet" for n in TABLES if n not in OPTIONAL_TABLES and not (out / f"{n}.parquet").exists()]
    if missing or not (out / META).exists():
        raise FileNotFoundError(
            f"{out}: expected the output of `icaops traffic check` "
            f"(missing {', '.join(missing + ([] if (out / META).exists() else [META]))})"
        )
    meta = json.loads((out / META).read_text(encoding="utf-8"))
    tables = {
        n: _conform(pq.read_table(out / f"{n}.parquet"), s, n) if (out / f"{n}.parquet").exists() else s.empty_table()
        for n, s in TABLES.items()
    }
    events = tuple(_event_from_json(e) for e in meta.get("events", ()))
    return TrafficCheck(events=events, records=int(meta["records"]), backend=str(meta["backend"]), **tables)


def _conform(table: pa.Table, schema: pa.Schema, name: str) -> pa.Table:
    """The table's columns of `schema`, in its order and types (extra columns kept at the end)."""
    missing = [f.name for f in schema if f.name not in table.column_names]
    if missing:
        raise ValueError(f"{name}: expected columns {', '.join(schema.names)}; missing {', '.join(missing)}")
    cols = [table.column(f.name).cast(f.type) for f in schema]
    extra = [n for n in table.column_names if n not in schema.names]
    return pa.Table.from_arrays(cols + [table.column(n) for n in extra], names=schema.names + extra)


def _event_json(event: Event) -> dict[str, Any]:
    return {"id": event.id, "date": event.date.isoformat(), "type": event.type, "data": dict(event.data)}


def _event_from_json(raw: dict[str, Any]) -> Event:
    data = tuple(sorted((str(k), v) for k, v in (raw.get("data") or {}).items()))
    return Event(str(raw["id"]), dt.date.fromisoformat(raw["date"]), str(raw["type"]), data)
