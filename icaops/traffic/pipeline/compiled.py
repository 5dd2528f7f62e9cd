"""The pipeline's queries compiled once to DuckDB SQL and run on the raw DuckDB connection.

Building and compiling the Ibis expressions costs about a second per run, more than the queries
themselves on a million calls. Nothing in them depends on the calls but their schema, so they are
built over unbound tables of fixed names and compiled once per (lookup tables, check parameters,
CLEC OCN, calls schema); each run then only names its calls and lookup tables and executes the SQL.
The expressions are the very ones of `enrich.py` and `run.py`: other backends compile them per run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

__all__ = ["CALLS", "FLAGGED_IDS", "LOOKUP_NAMES", "DuckdbQueries", "duckdb_queries", "register", "run_sql"]

CALLS = "icaops_calls"
FLAGGED_IDS = "icaops_flagged_ids"
LOOKUP_NAMES = {"numbers": "icaops_numbers", "ocns": "icaops_ocns", "auth": "icaops_auth"}
_CACHE: dict[tuple, tuple[dict[str, pa.Table], DuckdbQueries]] = {}


@dataclass(frozen=True)
class DuckdbQueries:
    """DuckDB SQL of the pipeline's three queries over tables named CALLS, FLAGGED_IDS and LOOKUP_NAMES."""

    buckets: str
    flagged: str
    messages: str


def duckdb_queries(look: dict[str, pa.Table], key: tuple, schema: ibis.Schema,
                   build: Callable[[ir.Table, dict[str, ir.Table], ir.Table], tuple[ir.Table, ir.Table, ir.Table]]
                   ) -> DuckdbQueries:
    """The compiled queries for these lookup tables, `key` (what else the SQL depends on) and calls schema.

    `build(calls, lookups, flagged_ids)` returns the (buckets, flagged, messages) expressions.
    """
    full_key = (id(look), key, schema)
    hit = _CACHE.get(full_key)
    if hit is not None and hit[0] is look:
        return hit[1]
    calls = ibis.table(schema, name=CALLS)
    lookups = {name: ibis.table(ibis.Schema.from_pyarrow(look[name].schema), name=table)
               for name, table in LOOKUP_NAMES.items()}
    ids = ibis.table({"flagged_file": "string", "flagged_no": "int64"}, name=FLAGGED_IDS)
    exprs = build(calls, lookups, ids)
    queries = DuckdbQueries(*(str(ibis.to_sql(e, dialect="duckdb")) for e in exprs))
    if len(_CACHE) > 16:
        _CACHE.clear()
    _CACHE[full_key] = (look, queries)
    return queries


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
