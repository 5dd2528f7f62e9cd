"""The pipeline's two queries compiled once to DuckDB SQL and run on the raw DuckDB connection.

Building and compiling the Ibis expressions costs about a second per run, more than the queries
themselves on a million calls. Nothing in them depends on the calls but their schema, so they are
built over unbound tables of fixed names and compiled once per (lookup tables, check parameters,
CLEC OCN, calls schema); each run then only names its calls and lookup tables and executes the SQL.
The expressions are the very ones of `enrich.py` and `onepass.py`: other backends compile them per run.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

__all__ = ["CALLS", "ENRICHED", "FLAGGED_KEYS", "LOOKUP_NAMES", "DuckdbQueries", "duckdb_queries",
           "epoch_of_instants", "register", "run_sql"]

CALLS = "icaops_calls"
ENRICHED = "icaops_enriched"
FLAGGED_KEYS = "icaops_flagged_keys"
LOOKUP_NAMES = {"numbers": "icaops_numbers", "ocns": "icaops_ocns", "auth": "icaops_auth"}


@dataclass(frozen=True)
class DuckdbQueries:
    """The check over CALLS and LOOKUP_NAMES, and the flagged calls named in FLAGGED_KEYS."""

    check: str
    flagged: str


_CACHE: dict[tuple, tuple[dict[str, pa.Table], DuckdbQueries]] = {}


def duckdb_queries(look: dict[str, pa.Table], key: tuple, schema: ibis.Schema,
                   enriched: Callable[[ir.Table, dict[str, ir.Table]], ir.Table],
                   finish: Callable[[ir.Table], ir.Table],
                   flagged: Callable[[ir.Table, ir.Table, Callable[[ir.Table], ir.Table]], ir.Table]
                   ) -> DuckdbQueries:
    """The compiled queries for these lookup tables, `key` (what else the SQL depends on) and calls schema.

    `enriched(calls, lookups)` is the expression over tables named CALLS and LOOKUP_NAMES, and
    `finish(table)` what is computed from it. The enriched calls become one common table
    expression that every part of `finish` reads: Ibis would inline a copy of the enrichment
    into each part, and DuckDB would then scan and join the calls once per part.
    `flagged(calls, keys, enrich)` returns the flagged calls whose keys are in FLAGGED_KEYS.
    """
    full_key = (id(look), key, schema)
    hit = _CACHE.get(full_key)
    if hit is not None and hit[0] is look:
        return hit[1]
    calls = ibis.table(schema, name=CALLS)
    lookups = {name: ibis.table(ibis.Schema.from_pyarrow(look[name].schema), name=table)
               for name, table in LOOKUP_NAMES.items()}
    inner = enriched(calls, lookups)
    outer = finish(ibis.table(inner.schema(), name=ENRICHED))
    keys = ibis.table({"source_file": "string", "record_no": "int64"}, name=FLAGGED_KEYS)
    queries = DuckdbQueries(
        check=epoch_of_instants(_with(ENRICHED, str(ibis.to_sql(inner, dialect="duckdb")),
                                      str(ibis.to_sql(outer, dialect="duckdb")))),
        flagged=str(ibis.to_sql(flagged(calls, keys, lambda t: enriched(t, lookups)), dialect="duckdb")))
    if len(_CACHE) > 16:
        _CACHE.clear()
    _CACHE[full_key] = (look, queries)
    return queries


_EPOCH_OF_CAST = re.compile(r'EPOCH\(CAST\(("[^"]+"\."connect_time") AS TIMESTAMP\)\)')


def epoch_of_instants(sql: str) -> str:
    """`sql` with the epoch seconds of `connect_time` taken from the instant itself.

    Ibis compiles `epoch_seconds()` as EPOCH(CAST(x AS TIMESTAMP)); on a TIMESTAMPTZ column that
    cast converts every value to the session's wall clock through ICU (right only because Ibis
    sets the session to UTC) and costs a tenth of the whole query. EPOCH of the TIMESTAMPTZ is
    the same number without the detour. (tests/traffic_pipeline/test_compiled.py checks the
    pattern still occurs, so an Ibis change cannot silently undo this.)
    """
    return _EPOCH_OF_CAST.sub(r"EPOCH(\1)", sql)


def _with(name: str, inner: str, outer: str) -> str:
    """`outer` with `inner` as the common table expression `name` (joined to outer's own WITH if any)."""
    head = outer.lstrip()
    cte = f'"{name}" AS (\n{inner}\n)'
    if head[:5].upper() == "WITH ":
        return f"WITH {cte},\n{head[5:]}"
    return f"WITH {cte}\n{head}"


def register(raw: Any, look: dict[str, pa.Table], calls_view: str | None = None,
             calls_table: pa.Table | None = None) -> None:
    """Name the lookup tables and the calls (a view or an Arrow table) on a raw DuckDB connection."""
    for name, table in LOOKUP_NAMES.items():
        raw.register(table, look[name])
    if calls_table is not None:
        raw.register(CALLS, calls_table)
    else:
        quoted = calls_view.replace('"', '""')
        raw.execute(f'CREATE OR REPLACE TEMP VIEW {CALLS} AS SELECT * FROM "{quoted}"')


def run_sql(raw: Any, sql: str) -> pa.Table:
    """Run one compiled query and return its result as Arrow."""
    return raw.sql(sql).to_arrow_table()
