"""`check_traffic`: run the Carrier Partner checks over a table of call records with prepared checks.

Two queries go to the backend, built from Ibis expressions (`enrich.py`, `onepass.py`): every
call enriched once, fanned out to calls per minute, DoS window counts, the compensation summary,
message counts and the keys of flagged calls; then just the flagged calls, enriched again for the
evidence of their findings. Everything after that is small and is computed here with pyarrow,
identically for any backend. On DuckDB both queries run as the SQL compiled when the checks were
prepared (`checks.py`, `compiled.py`); elsewhere Ibis compiles them per run.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc

from icaops.traffic.pipeline import compiled
from icaops.traffic.pipeline.calls import CALLS_SCHEMA, require_call_columns
from icaops.traffic.pipeline.checks import TrafficChecks
from icaops.traffic.pipeline.dos import dos_events, dos_findings, dos_windows
from icaops.traffic.pipeline.findings import per_call_findings
from icaops.traffic.pipeline.numbering import NumberingFacts, numbering_outcomes
from icaops.traffic.pipeline.onepass import FLAGGED_COLUMNS, flagged_calls, one_pass, split
from icaops.traffic.pipeline.result import FINDINGS_SCHEMA, MESSAGE_COUNT_SCHEMA, TrafficCheck
from icaops.traffic.pipeline.summaries import compensation, per_minute

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


def classify_calls(calls: ir.Table, checks: TrafficChecks) -> pa.Table:
    """Each call's attribution and classification (CLASSIFIED_SCHEMA), one row per call, by record_id."""
    e = checks.enriched(_calls(calls)).select(list(CLASSIFIED_SCHEMA.names))
    table = checks.con.to_pyarrow(e)
    return pa.table([table[f.name].cast(f.type) for f in CLASSIFIED_SCHEMA], schema=CLASSIFIED_SCHEMA).sort_by(
        "record_id"
    )


def _no_flagged_calls() -> pa.Table:
    return pa.table({name: pa.array([], pa.null()) for name in FLAGGED_COLUMNS})


def _run_sql(
    calls: ir.Table, checks: TrafficChecks, sql: compiled.DuckdbQueries
) -> tuple[dict[str, pa.Table], pa.Table]:
    """The one-pass parts and the flagged calls, from the SQL compiled when the checks were prepared."""
    raw = checks.con.con
    compiled.register_lookups(raw, checks.lookups)
    checks.con.create_view(compiled.CALLS, calls, overwrite=True)
    parts = split(compiled.run_sql(raw, sql.check), checks.params)
    if not parts["flagged"].num_rows:
        return parts, _no_flagged_calls()
    raw.register(compiled.FLAGGED_KEYS, parts["flagged"])
    return parts, compiled.run_sql(raw, sql.flagged)


def _run_ibis(calls: ir.Table, checks: TrafficChecks) -> tuple[dict[str, pa.Table], pa.Table]:
    """The one-pass parts and the flagged calls through Ibis, on the checks' backend."""
    parts = split(checks.con.to_pyarrow(one_pass(checks.enriched(calls), checks.params)), checks.params)
    if not parts["flagged"].num_rows:
        return parts, _no_flagged_calls()
    return parts, checks.con.to_pyarrow(flagged_calls(calls, ibis.memtable(parts["flagged"]), checks.enriched))


def check_traffic(calls: ir.Table, checks: TrafficChecks) -> TrafficCheck:
    """Attribute, classify and check every call; detect DoS; summarize compensation and messages.

    `calls` is a table on the checks' backend (or in memory) with the CALL_RECORD_SCHEMA columns:
    `calls_from_parquet` / `calls_from_arrow` make one. `checks` comes from `prepare_checks`.
    """
    table = _calls(calls)
    params, zone = checks.params, checks.zone
    parts, flagged = _run_sql(table, checks, checks.sql) if checks.sql is not None else _run_ibis(table, checks)
    m = parts["messages"]
    messages = pa.table(
        [m["billing_number"], m["message_type"], m["call_date"], m["attempts"]], schema=MESSAGE_COUNT_SCHEMA
    ).sort_by([("billing_number", "ascending"), ("call_date", "ascending"), ("message_type", "ascending")])
    windows = dos_windows(parts["windows"], params)
    facts = checks.numbering
    numbered, undetermined = (
        numbering_outcomes(flagged, params, facts) if facts is not None else (FINDINGS_SCHEMA.empty_table(), None)
    )
    findings = pa.concat_tables(
        [
            per_call_findings(flagged, params).cast(FINDINGS_SCHEMA),
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
        compensation=compensation(parts["compensation"], params),
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
