"""`check_traffic`: run the Carrier Partner checks over call records on DuckDB (default) or PySpark.

Three queries go to the backend, all built from the same Ibis expressions: one pass over every
call, enriched, giving counts per time bucket (DoS windows, calls per minute, compensation) in
which each flagged call is a group of its own; then only the flagged calls, enriched again for
the evidence their findings need; and message counts. Everything after that is small and is
computed here with pyarrow, identically for any backend. On a DuckDB connection made here (the
default) the three queries are compiled to SQL once per lookup tables, parameters, CLEC OCN and
calls schema and reused by later runs (`compiled.py`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc
from ibis import _

from icaops.traffic.pipeline import compiled, lookups
from icaops.traffic.pipeline.dos import dos_events, dos_findings, dos_windows
from icaops.traffic.pipeline.enrich import FLAGS, enrich
from icaops.traffic.pipeline.findings import FLAGGED_COLUMNS, per_call_findings
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

__all__ = ["BUCKET_SCHEMA", "CLASSIFIED_SCHEMA", "check_traffic", "classify_calls", "connect"]

BUCKET_SCHEMA = pa.schema([
    ("bucket", pa.int64()), ("trunk_group", pa.string()), ("provider_id", pa.string()), ("clec_ocn", pa.string()),
    ("direction", pa.string()), ("jurisdiction", pa.string()),
    ("attempts", pa.int64()), ("answered", pa.int64()), ("short_calls", pa.int64()), ("talk_tenths", pa.int64()),
])
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


_BUCKET_KEYS = ("bucket", "trunk_group", "provider_id", "clec_ocn", "direction", "jurisdiction")


def _any_flag(e: ir.Table) -> ir.BooleanValue:
    """Whether any per-call check failed for the call."""
    any_flag = e[FLAGS[0]]
    for flag in FLAGS[1:]:
        any_flag = any_flag | e[flag]
    return any_flag


def _bucket_counts(e: ir.Table, p: CheckParams) -> ir.Table:
    """Calls counted per time bucket and per everything the summaries group by, in one pass.

    A flagged call is kept as a group of its own under `flagged_file`, `flagged_no` (its source file
    and record number; null for the rest), so the one pass also says which calls have findings.
    Those two rather than the record_id: an integer and a repeated name cost far less to read and
    hash than a 32-character identity on every call.
    """
    g = p.bucket_seconds
    flagged = _any_flag(e)
    m = e.mutate(bucket=(e.connect_time.epoch_seconds().cast("int64") // g) * g,
                 flagged_file=ibis.ifelse(flagged, e.source_file, ibis.null("string")),
                 flagged_no=ibis.ifelse(flagged, e.record_no, ibis.null("int64")))
    return m.group_by([*_BUCKET_KEYS, "flagged_file", "flagged_no"]).aggregate(
        attempts=_.count(), answered=_.answered.cast("int64").sum(),
        short_calls=_.short_call.cast("int64").sum(), talk_tenths=_.talk_tenths.sum())


def _flagged_ids(counted: pa.Table) -> pa.Table:
    """Source file and record number of every flagged call (the flagged groups of the bucket counts)."""
    keys = counted.select(["flagged_file", "flagged_no"]).filter(pc.is_valid(counted["flagged_no"]))
    return keys.cast(pa.schema([("flagged_file", pa.string()), ("flagged_no", pa.int64())]))


def _no_flagged_calls() -> pa.Table:
    return pa.table({name: pa.array([], pa.null()) for name in FLAGGED_COLUMNS})


def _flagged_expr(table: ir.Table, ids: ir.Table, enriched: Callable[[ir.Table], ir.Table]) -> ir.Table:
    """The flagged calls with the evidence their findings need: only those calls are enriched again."""
    e = enriched(table.semi_join(ids, [table.source_file == ids.flagged_file, table.record_no == ids.flagged_no]))
    return e.filter(_any_flag(e)).select(list(FLAGGED_COLUMNS))


def _message_counts(calls: ir.Table) -> ir.Table:
    """Messages per billing number, message type and call date (records that carry a billing number)."""
    billed = calls.filter(calls.billing_number.notnull())
    return billed.group_by(["billing_number", "message_type", "call_date"]).aggregate(messages=_.count())


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


def _queries(r: _Run, calls: ir.Table, lk: dict[str, ir.Table] | None, ids: ir.Table):
    """The (bucket counts, flagged calls, message counts) expressions of one run."""
    def enriched(t: ir.Table) -> ir.Table:
        return r.enriched(t, lk)

    return (_bucket_counts(enriched(calls), r.params), _flagged_expr(calls, ids, enriched),
            _message_counts(calls))


def _run_on_duckdb(r: _Run, connection: Any) -> tuple[pa.Table, pa.Table, pa.Table] | None:
    """(bucket counts, flagged calls, message counts) from SQL compiled once; None where it does not apply.

    Applies to a DuckDB connection this run made itself, over a Parquet path or an Arrow table.
    """
    if connection is not None or getattr(r.con, "name", None) != "duckdb" or isinstance(r.calls, ir.Table):
        return None
    key = (repr(r.params), r.clec_ocn)
    sql = compiled.duckdb_queries(r.look, key, r.table.schema(),
                                  lambda calls, lk, ids: _queries(r, calls, lk, ids))
    raw = r.con.con
    if isinstance(r.calls, pa.Table):
        compiled.register(raw, r.look, calls_table=r.calls)
    else:
        compiled.register(raw, r.look, calls_view=r.table.op().name)
    counted = compiled.run_sql(raw, sql.buckets)
    ids = _flagged_ids(counted)
    if ids.num_rows:
        raw.register(compiled.FLAGGED_IDS, ids)
        flagged = compiled.run_sql(raw, sql.flagged)
    else:
        flagged = _no_flagged_calls()
    return counted, flagged, compiled.run_sql(raw, sql.messages)


def _run_on_ibis(r: _Run) -> tuple[pa.Table, pa.Table, pa.Table]:
    """(bucket counts, flagged calls, message counts) through Ibis, on any backend."""
    counted = _bucket_counts(r.enriched(r.table), r.params).to_pyarrow()
    ids = _flagged_ids(counted)
    if ids.num_rows:
        mem = ibis.memtable(ids)
        flagged = _flagged_expr(r.table, mem, r.enriched).to_pyarrow()
    else:
        flagged = _no_flagged_calls()
    return counted, flagged, _message_counts(r.table).to_pyarrow()


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
    counted, flagged, messages = _run_on_duckdb(r, connection) or _run_on_ibis(r)
    buckets = pa.table([counted[f.name].cast(f.type) for f in BUCKET_SCHEMA], schema=BUCKET_SCHEMA)
    messages = pa.table([messages[f.name].cast(f.type) for f in MESSAGE_COUNT_SCHEMA],
                        schema=MESSAGE_COUNT_SCHEMA).sort_by(
        [("billing_number", "ascending"), ("call_date", "ascending"), ("message_type", "ascending")])
    windows = dos_windows(buckets, params)
    findings = pa.concat_tables([per_call_findings(flagged, params), dos_findings(windows, zone)])
    findings = findings.cast(FINDINGS_SCHEMA).sort_by(
        [("kind", "ascending"), ("connect_time", "ascending"), ("record_id", "ascending"),
         ("trunk_group", "ascending"), ("provider_id", "ascending")])
    name = getattr(con, "name", None) if con is not None else getattr(table.get_backend(), "name", backend)
    return TrafficCheck(
        findings=findings, dos_windows=windows, per_minute=per_minute(buckets),
        compensation=compensation(buckets, params), message_counts=messages,
        events=dos_events(windows, params, zone), records=int(sum(buckets["attempts"].to_pylist())),
        backend=name or backend)
