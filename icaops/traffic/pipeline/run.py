"""`check_traffic`: run the Carrier Partner checks over a table of call records with prepared checks.

Queries go to the backend, built from Ibis expressions (`enrich.py`, `onepass.py`): every call
enriched once, fanned out to calls per minute (per trunk group and per provider), the compensation
summary, message counts and the record numbers of flagged calls; then just the flagged calls,
enriched again for the evidence of their findings; and, only when some minute holds enough
attempts for a DoS window to reach the terms' minimum, the sliding DoS window counts of those
minutes. The queries join and group on integers; their codes become names here, and everything
after that is small and computed with pyarrow, identically for any backend. On DuckDB the queries
run as the SQL compiled when the checks were prepared (`checks.py`, `compiled.py`); elsewhere
Ibis compiles them per run.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc

from icaops.traffic.pipeline import compiled
from icaops.traffic.pipeline.calls import CALLS_SCHEMA, require_call_columns
from icaops.traffic.pipeline.checks import TrafficChecks
from icaops.traffic.pipeline.dos import WINDOW_COUNTS_SCHEMA, dos_events, dos_findings, dos_windows
from icaops.traffic.pipeline.enrich import DIRECTIONS, JURISDICTIONS
from icaops.traffic.pipeline.findings import per_call_findings
from icaops.traffic.pipeline.lookups import provider_names
from icaops.traffic.pipeline.numbering import NumberingFacts, numbering_outcomes
from icaops.traffic.pipeline.onepass import (
    FLAGGED_COLUMNS,
    SCOPES,
    flagged_calls,
    hot_minutes,
    one_pass,
    split,
    window_counts,
)
from icaops.traffic.pipeline.result import FINDINGS_SCHEMA, MESSAGE_COUNT_SCHEMA, TrafficCheck
from icaops.traffic.pipeline.summaries import compensation, per_minute
from icaops.traffic.records import unpack

__all__ = ["CLASSIFIED_SCHEMA", "check_traffic", "classify_calls"]

CLASSIFIED_SCHEMA = pa.schema(
    [
        ("record_id", pa.string()),
        ("clec_ocn", pa.string()),
        ("provider_id", pa.string()),
        ("direction", pa.string()),
        ("jurisdiction", pa.string()),
    ]
)


def _calls(calls: ir.Table) -> ir.Table:
    """The CALL_RECORD_SCHEMA columns of `calls`, refused with a TypeError if it is not an Ibis table."""
    if not isinstance(calls, ir.Table):
        raise TypeError(
            f"calls: expected an Ibis table (see calls_from_parquet, calls_from_arrow), found {type(calls).__name__}"
        )
    return require_call_columns(calls).select(*CALLS_SCHEMA.names)


def _names(names: tuple[str, ...], codes: pa.ChunkedArray | pa.Array) -> pa.Array:
    """Codes (indexes into `names`) as the names; null stays null."""
    if isinstance(codes, pa.ChunkedArray):
        codes = codes.combine_chunks()
    return pa.array(names, pa.string()).take(codes.cast(pa.int32()))


def _providers(checks: TrafficChecks, codes: pa.ChunkedArray | pa.Array) -> pa.Array:
    return provider_names(checks.lookups["providers"], codes)


def classify_calls(calls: ir.Table, checks: TrafficChecks) -> pa.Table:
    """Each call's attribution and classification (CLASSIFIED_SCHEMA), one row per call, by record_id."""
    e = checks.enriched(_calls(calls)).select("record_id", "clec_code", "provider_code", "direction", "jurisdiction")
    t = checks.con.to_pyarrow(e)
    table = pa.table(
        [
            t["record_id"].cast(pa.string()),
            unpack(t["clec_code"], 4),
            _providers(checks, t["provider_code"]),
            _names(DIRECTIONS, t["direction"]),
            _names(JURISDICTIONS, t["jurisdiction"]),
        ],
        schema=CLASSIFIED_SCHEMA,
    )
    return table.sort_by("record_id")


def _no_flagged_calls() -> pa.Table:
    return pa.table({name: pa.array([], pa.null()) for name in FLAGGED_COLUMNS})


_Run = tuple[dict[str, pa.Table], pa.Table, pa.Table | None]
"""The one-pass parts, the flagged calls and the window counts (None when no minute was hot)."""


def _run_sql(calls: ir.Table, checks: TrafficChecks, sql: compiled.DuckdbQueries) -> _Run:
    """The one-pass parts, the flagged calls and the window counts, from the SQL compiled when the checks were prepared."""
    raw = checks.con.con
    compiled.register_lookups(raw, checks.lookups)
    checks.con.create_view(compiled.CALLS, calls, overwrite=True)
    parts = split(compiled.run_sql(raw, sql.check))
    flagged = _no_flagged_calls()
    if parts["flagged"].num_rows:
        raw.register(compiled.FLAGGED_KEYS, parts["flagged"])
        flagged = compiled.run_sql(raw, sql.flagged)
    hot = hot_minutes(parts["dos_minutes"], checks.params)
    windows = None
    if hot.num_rows:
        raw.register(compiled.HOT_SECONDS, hot)
        seconds = hot["t"].to_numpy()
        compiled.hot_calls_view(raw, int(seconds.min()), int(seconds.max()))
        windows = compiled.run_sql(raw, sql.windows)
    return parts, flagged, windows


def _run_ibis(calls: ir.Table, checks: TrafficChecks) -> _Run:
    """The one-pass parts, the flagged calls and the window counts through Ibis, on the checks' backend."""
    parts = split(checks.con.to_pyarrow(one_pass(checks.enriched(calls), calls, checks.params)))
    flagged = _no_flagged_calls()
    if parts["flagged"].num_rows:
        flagged = checks.con.to_pyarrow(flagged_calls(calls, ibis.memtable(parts["flagged"]), checks.enriched))
    hot = hot_minutes(parts["dos_minutes"], checks.params)
    windows = None
    if hot.num_rows:
        windows = checks.con.to_pyarrow(window_counts(calls, ibis.memtable(hot), checks.enriched, checks.params))
    return parts, flagged, windows


def _named_windows(counts: pa.Table | None, checks: TrafficChecks) -> pa.Table:
    """Window counts (onepass.WINDOW_COUNT_SCHEMA, codes) as WINDOW_COUNTS_SCHEMA (names)."""
    if counts is None or counts.num_rows == 0:
        return WINDOW_COUNTS_SCHEMA.empty_table()
    scope = counts["scope"].combine_chunks().cast(pa.int8()).to_numpy(zero_copy_only=False)
    tables = []
    for i, name in enumerate(SCOPES):
        rows = counts.filter(pa.array(scope == i))
        keys = unpack(rows["key"], 8) if name == "trunk_group" else _providers(checks, rows["key"])
        tables.append(
            pa.table(
                [
                    pa.array([name] * rows.num_rows, pa.string()),
                    keys,
                    *(rows[f].cast(pa.int64()) for f in ("window_start", "attempts", "answered", "short_calls")),
                ],
                schema=WINDOW_COUNTS_SCHEMA,
            )
        )
    return pa.concat_tables(tables)


def _named_flagged(flagged: pa.Table, checks: TrafficChecks) -> pa.Table:
    """The flagged calls with `clec_ocn` and `provider_id` named from their codes."""
    if flagged.num_rows == 0:
        return flagged.append_column("clec_ocn", pa.array([], pa.string())).append_column(
            "provider_id", pa.array([], pa.string())
        )
    return flagged.append_column("clec_ocn", unpack(flagged["clec_code"], 4)).append_column(
        "provider_id", _providers(checks, flagged["provider_code"])
    )


def _named_compensation(c: pa.Table, checks: TrafficChecks) -> pa.Table:
    return pa.table(
        {
            "clec_ocn": unpack(c["clec_code"], 4),
            "provider_id": _providers(checks, c["provider_code"]),
            "direction": _names(DIRECTIONS, c["direction"]),
            "jurisdiction": _names(JURISDICTIONS, c["jurisdiction"]),
            "attempts": c["attempts"],
            "talk_tenths": c["talk_tenths"],
        }
    )


def check_traffic(calls: ir.Table, checks: TrafficChecks) -> TrafficCheck:
    """Attribute, classify and check every call; detect DoS; summarize compensation and messages.

    `calls` is a table on the checks' backend (or in memory) with the CALL_RECORD_SCHEMA columns:
    `calls_from_parquet` / `calls_from_arrow` make one. `checks` comes from `prepare_checks`.
    """
    table = _calls(calls)
    params, zone = checks.params, checks.zone
    run = _run_sql(table, checks, checks.sql) if checks.sql is not None else _run_ibis(table, checks)
    parts, flagged, counts = run
    m = parts["messages"]
    messages = pa.table(
        [m["billing_number"], m["message_type"], m["call_date"], m["attempts"]], schema=MESSAGE_COUNT_SCHEMA
    ).sort_by([("billing_number", "ascending"), ("call_date", "ascending"), ("message_type", "ascending")])
    windows = dos_windows(_named_windows(counts, checks), params)
    named = _named_flagged(flagged, checks)
    facts = checks.numbering
    numbered, undetermined = (
        numbering_outcomes(named, params, facts) if facts is not None else (FINDINGS_SCHEMA.empty_table(), None)
    )
    findings = pa.concat_tables(
        [
            per_call_findings(named, params).cast(FINDINGS_SCHEMA),
            numbered,
            dos_findings(windows, zone).cast(FINDINGS_SCHEMA),
        ]
    )
    findings = findings.cast(FINDINGS_SCHEMA).sort_by(
        [
            ("kind", "ascending"),
            ("connect_time", "ascending"),
            ("record_id", "ascending"),
            ("trunk_group", "ascending"),
            ("provider_id", "ascending"),
        ]
    )
    return TrafficCheck(
        findings=findings,
        dos_windows=windows,
        per_minute=per_minute(parts["minute"]),
        compensation=compensation(_named_compensation(parts["compensation"], checks), params),
        message_counts=messages,
        events=dos_events(windows, params, zone),
        records=int(pc.sum(parts["compensation"]["attempts"]).as_py() or 0),
        backend=checks.con.name,
        **_numbering_tables(facts, undetermined),
    )


def _numbering_tables(facts: NumberingFacts | None, undetermined: pa.Table | None) -> dict[str, pa.Table]:
    """The undetermined outcomes, coverage and reference files of a run (empty without numbering facts)."""
    if facts is None or undetermined is None:
        return {}
    order = [("check", "ascending"), ("npanxx", "ascending"), ("provider_id", "ascending"), ("reason", "ascending")]
    return {
        "undetermined": undetermined.sort_by(order),
        "coverage": facts.coverage,
        "reference_files": facts.sources,
    }
