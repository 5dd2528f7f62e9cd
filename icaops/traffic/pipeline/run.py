"""`check_traffic`: run the Carrier Partner checks over call records on DuckDB (default) or PySpark.

Two queries go to the backend, built from Ibis expressions (`enrich.py`, `onepass.py`): every
call enriched once, fanned out to calls per minute, DoS window counts, the compensation summary,
message counts and the keys of flagged calls; then just the flagged calls, enriched again for the
evidence of their findings. Everything after that is small and is
computed here with pyarrow, identically for any backend. On a DuckDB connection made here (the
default) both are compiled to SQL once per lookup tables, parameters, CLEC OCN and calls schema
and reused by later runs (`compiled.py`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc

from icaops.traffic.pipeline import compiled, lookups
from icaops.traffic.pipeline.dos import dos_events, dos_findings, dos_windows
from icaops.traffic.pipeline.enrich import enrich
from icaops.traffic.pipeline.findings import per_call_findings
from icaops.traffic.pipeline.onepass import (
    FLAGGED_COLUMNS,
    flagged_calls,
    one_pass,
    split,
)
from icaops.traffic.pipeline.params import CheckParams, params_from_terms
from icaops.traffic.pipeline.result import (
    FINDINGS_SCHEMA,
    MESSAGE_COUNT_SCHEMA,
    TrafficCheck,
)
from icaops.traffic.pipeline.summaries import compensation, per_minute
from icaops.traffic.providers import ProviderRegistry
from icaops.traffic.records import CALL_RECORD_SCHEMA
from icaops.traffic.reference import ReferenceData

__all__ = ["CLASSIFIED_SCHEMA", "check_traffic", "classify_calls", "connect"]

CLASSIFIED_SCHEMA = pa.schema([
    ("record_id", pa.string()), ("clec_ocn", pa.string()), ("provider_id", pa.string()), ("direction", pa.string()),
    ("jurisdiction", pa.string()),
])
_LOOKUP_CACHE: dict[tuple[int, int], tuple[Any, Any, dict[str, pa.Table]]] = {}


def connect(backend: str = "duckdb", *, memory_limit: str | None = None, threads: int | None = None):
    """An Ibis connection for `backend`: an in-memory DuckDB, or PySpark on the active (or a local) session."""
    if backend == "duckdb":
        config = {k: v for k, v in (("memory_limit", memory_limit), ("threads", threads)) if v is not None}
        return ibis.duckdb.connect(**config)
    if backend == "pyspark":
        from pyspark.sql import SparkSession

        session = SparkSession.getActiveSession() or (
            SparkSession.builder.master(f"local[{threads or 2}]").appName("icaops-traffic")
            .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
            .config("spark.sql.session.timeZone", "UTC").config("spark.driver.host", "127.0.0.1")
            .getOrCreate())
        return _arrow_transfers(ibis.pyspark.connect(session))
    raise ValueError(f"backend: expected 'duckdb' or 'pyspark', found {backend!r}")


def _arrow_transfers(con):
    """A PySpark connection with Arrow transfers on (a no-op for other backends).

    Without Arrow, Ibis hands in-memory tables to Spark through pandas, and a null string in a
    lookup table arrives as the text 'NaN' (ibis 12, pyspark 4.0): a provider named 'NaN'.
    """
    if getattr(con, "name", None) == "pyspark":
        con._session.conf.set("spark.sql.execution.arrow.pyspark.enabled", "true")
    return con


def _lookup_tables(reference: ReferenceData, registry: ProviderRegistry) -> dict[str, pa.Table]:
    """The three lookup tables, built once per (reference, registry) pair."""
    key = (id(reference), id(registry))
    hit = _LOOKUP_CACHE.get(key)
    if hit is None or hit[0] is not reference or hit[1] is not registry:
        tables = {"numbers": lookups.numbers_table(reference, registry),
                  "ocns": lookups.provider_ocns_table(registry),
                  "auth": lookups.authorization_table(registry)}
        if len(_LOOKUP_CACHE) > 8:
            _LOOKUP_CACHE.clear()
        hit = _LOOKUP_CACHE[key] = (reference, registry, tables)
    return hit[2]


def _calls_table(calls: Any, con) -> ir.Table:
    """The calls as an Ibis table on `con`: a Parquet path or glob, a pyarrow Table, or an Ibis table."""
    if isinstance(calls, ir.Table):
        table = calls
    elif isinstance(calls, (str, Path)):
        table = con.read_parquet(str(calls))
    elif isinstance(calls, pa.Table):
        table = ibis.memtable(calls)
    else:
        raise TypeError(f"calls: expected a Parquet path or glob, a pyarrow Table or an Ibis table, "
                        f"found {type(calls).__name__}")
    missing = [name for name in CALL_RECORD_SCHEMA.names if name not in table.columns]
    if missing:
        raise ValueError(f"calls: expected the columns of CALL_RECORD_SCHEMA (icaops/traffic/records.py), "
                         f"missing {', '.join(missing)}")
    return table


def _restricted(registry: ProviderRegistry, as_of: dt.date | None) -> ProviderRegistry:
    """The registry as known on `as_of` (facts dated later left out); unchanged when as_of is None."""
    if as_of is None:
        return registry
    return ProviderRegistry.from_facts(f for f in registry.facts if f.on <= as_of)


def _arrow(expr: ir.Table, schema: pa.Schema) -> pa.Table:
    """Run `expr` and return it as `schema` (column order and types fixed, whatever the backend)."""
    table = expr.to_pyarrow()
    return pa.table([table[f.name].cast(f.type) for f in schema], schema=schema)


@dataclass(frozen=True)
class _Run:
    """What one run needs: parameters, zone, connection, calls table, lookup tables, CLEC OCN."""

    params: CheckParams
    zone: str
    con: Any
    table: ir.Table
    look: dict[str, pa.Table]
    clec_ocn: str | None
    calls: Any

    def enriched(self, calls_table: ir.Table, lk: dict[str, ir.Table] | None = None) -> ir.Table:
        """`calls_table` enriched against `lk` (unbound tables) or the lookup tables as memtables."""
        lk = lk or {name: ibis.memtable(self.look[name]) for name in ("numbers", "ocns", "auth")}
        return enrich(calls_table, lk["numbers"], lk["ocns"], lk["auth"], self.params, self.clec_ocn)


def _prepare(calls: Any, terms: Any, reference: ReferenceData, registry: ProviderRegistry, backend: str,
             as_of: dt.date | None, clec_ocn: str | None, connection: Any, memory_limit: str | None,
             threads: int | None) -> _Run:
    """Everything one run needs, with the connection made for `backend` unless one is given."""
    if hasattr(terms, "terms_at"):
        terms = terms.terms_at(as_of) if as_of else terms.terms
    params = params_from_terms(terms)
    zone = terms.calendar.timezone.value
    registry = _restricted(registry, as_of)
    con = connection
    if con is None and not isinstance(calls, ir.Table):
        con = connect(backend, memory_limit=memory_limit, threads=threads)
    table = _calls_table(calls, con)
    _arrow_transfers(con if con is not None else table.get_backend())
    return _Run(params, zone, con, table, _lookup_tables(reference, registry), clec_ocn, calls)


def classify_calls(calls: Any, *, terms: Any, reference: ReferenceData, registry: ProviderRegistry,
                   backend: str = "duckdb", as_of: dt.date | None = None, clec_ocn: str | None = None,
                   connection: Any = None) -> pa.Table:
    """Each call's attribution and classification (CLASSIFIED_SCHEMA), one row per call, by record_id."""
    r = _prepare(calls, terms, reference, registry, backend, as_of, clec_ocn, connection, None, None)
    e = r.enriched(r.table)
    return _arrow(e.select(list(CLASSIFIED_SCHEMA.names)), CLASSIFIED_SCHEMA).sort_by("record_id")


def _no_flagged_calls() -> pa.Table:
    return pa.table({name: pa.array([], pa.null()) for name in FLAGGED_COLUMNS})


def _run_on_duckdb(r: _Run, connection: Any) -> tuple[dict[str, pa.Table], pa.Table] | None:
    """The one-pass parts and the flagged calls, from SQL compiled once; None where that does not apply.

    Applies to a DuckDB connection this run made itself, over a Parquet path or an Arrow table.
    """
    if connection is not None or getattr(r.con, "name", None) != "duckdb" or isinstance(r.calls, ir.Table):
        return None
    key = (repr(r.params), r.clec_ocn)
    sql = compiled.duckdb_queries(r.look, key, r.table.schema(), r.enriched, lambda e: one_pass(e, r.params),
                                  flagged_calls)
    raw = r.con.con
    if isinstance(r.calls, pa.Table):
        compiled.register(raw, r.look, calls_table=r.calls)
    else:
        compiled.register(raw, r.look, calls_view=r.table.op().name)
    parts = split(compiled.run_sql(raw, sql.check), r.params)
    if not parts["flagged"].num_rows:
        return parts, _no_flagged_calls()
    raw.register(compiled.FLAGGED_KEYS, parts["flagged"])
    return parts, compiled.run_sql(raw, sql.flagged)


def _run_on_ibis(r: _Run) -> tuple[dict[str, pa.Table], pa.Table]:
    """The one-pass parts and the flagged calls through Ibis, on any backend."""
    parts = split(one_pass(r.enriched(r.table), r.params).to_pyarrow(), r.params)
    if not parts["flagged"].num_rows:
        return parts, _no_flagged_calls()
    return parts, flagged_calls(r.table, ibis.memtable(parts["flagged"]), r.enriched).to_pyarrow()


def check_traffic(calls: Any, *, terms: Any, reference: ReferenceData, registry: ProviderRegistry,
                  backend: str = "duckdb", as_of: dt.date | None = None, clec_ocn: str | None = None,
                  connection: Any = None, memory_limit: str | None = None,
                  threads: int | None = None) -> TrafficCheck:
    """Attribute, classify and check every call; detect DoS; summarize compensation and messages.

    `terms` is a `Terms` or an `Agreement` (then the terms in force on `as_of`, else the latest);
    `as_of` also leaves out registry facts dated after it. `clec_ocn`, when given, attributes every
    call to that OCN (CPA.2/4/6) instead of reading it from the records. `connection` is an Ibis
    backend to run on (else one is made for `backend`; DuckDB takes `memory_limit` and `threads`).
    """
    r = _prepare(calls, terms, reference, registry, backend, as_of, clec_ocn, connection, memory_limit, threads)
    params, zone, con, table = r.params, r.zone, r.con, r.table
    parts, flagged = _run_on_duckdb(r, connection) or _run_on_ibis(r)
    m = parts["messages"]
    messages = pa.table([m["billing_number"], m["message_type"], m["call_date"], m["attempts"]],
                        schema=MESSAGE_COUNT_SCHEMA).sort_by(
        [("billing_number", "ascending"), ("call_date", "ascending"), ("message_type", "ascending")])
    windows = dos_windows(parts["windows"], params)
    findings = pa.concat_tables([per_call_findings(flagged, params), dos_findings(windows, zone)])
    findings = findings.cast(FINDINGS_SCHEMA).sort_by(
        [("kind", "ascending"), ("connect_time", "ascending"), ("record_id", "ascending"),
         ("trunk_group", "ascending"), ("provider_id", "ascending")])
    name = getattr(con, "name", None) if con is not None else getattr(table.get_backend(), "name", backend)
    return TrafficCheck(
        findings=findings, dos_windows=windows, per_minute=per_minute(parts["minute"]),
        compensation=compensation(parts["compensation"], params), message_counts=messages,
        events=dos_events(windows, params, zone), records=int(pc.sum(parts["compensation"]["attempts"]).as_py() or 0),
        backend=name or backend)
