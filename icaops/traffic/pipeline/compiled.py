"""The pipeline's three queries compiled once to DuckDB SQL and run on the raw DuckDB connection.

Building and compiling the Ibis expressions costs about a second per run, more than the queries
themselves on a million calls. Nothing in them depends on the calls but their columns, so they are
built over unbound tables of fixed names (the calls in CALLS_SCHEMA) and compiled once, when the
checks are prepared (`checks.py`); each run then only names its calls and lookup tables and executes
the SQL. The expressions are the very ones of `enrich.py` and `onepass.py`: other backends compile
them per run. The three: the one-pass check, the flagged calls (keys in FLAGGED_KEYS) and the DoS
window counts of the calls in the hot minutes (their seconds in HOT_SECONDS).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import duckdb
import ibis
import ibis.expr.types as ir
import pyarrow as pa

from icaops.traffic.pipeline.calls import CALLS_SCHEMA

__all__ = [
    "CALLS",
    "ENRICHED",
    "FLAGGED_KEYS",
    "HOT_CALLS",
    "HOT_SECONDS",
    "LOOKUP_NAMES",
    "DuckdbQueries",
    "compile_duckdb",
    "register_lookups",
    "run_sql",
]

CALLS = "icaops_calls"
HOT_CALLS = "icaops_hot_calls"
ENRICHED = "icaops_enriched"
FLAGGED_KEYS = "icaops_flagged_keys"
HOT_SECONDS = "icaops_hot_seconds"
LOOKUP_NAMES = {"numbers": "icaops_numbers", "ocns": "icaops_ocns", "auth": "icaops_auth"}


@dataclass(frozen=True, slots=True)
class DuckdbQueries:
    """The check over CALLS and LOOKUP_NAMES, the flagged calls named in FLAGGED_KEYS, the window counts of HOT_SECONDS."""

    check: str
    flagged: str
    windows: str


def compile_duckdb(
    look: Mapping[str, pa.Table],
    enriched: Callable[[ir.Table, Mapping[str, ir.Table]], ir.Table],
    finish: Callable[[ir.Table, ir.Table], ir.Table],
    flagged: Callable[[ir.Table, ir.Table, Callable[[ir.Table], ir.Table]], ir.Table],
    windows: Callable[[ir.Table, ir.Table, Callable[[ir.Table], ir.Table]], ir.Table],
) -> DuckdbQueries:
    """The compiled queries over calls in CALLS_SCHEMA and lookup tables of `look`'s schemas.

    `enriched(calls, lookups)` is the expression over tables named CALLS and LOOKUP_NAMES, and
    `finish(table, calls)` what is computed from it (and from the calls themselves). The enriched calls become one common table
    expression that every part of `finish` reads: Ibis would inline a copy of the enrichment
    into each part, and DuckDB would then scan and join the calls once per part.
    `flagged(calls, keys, enrich)` returns the flagged calls whose keys are in FLAGGED_KEYS, and
    `windows(calls, hot, enrich)` the DoS window counts of the calls in the seconds of HOT_SECONDS,
    read from HOT_CALLS (`hot_calls_view`).
    """
    calls = ibis.table(CALLS_SCHEMA, name=CALLS)
    lookups = {
        name: ibis.table(ibis.Schema.from_pyarrow(look[name].schema), name=table)
        for name, table in LOOKUP_NAMES.items()
    }
    inner = enriched(calls, lookups)
    outer = finish(ibis.table(inner.schema(), name=ENRICHED), calls)
    keys = ibis.table({"record_no": "int64"}, name=FLAGGED_KEYS)
    hot = ibis.table({"t": "int64"}, name=HOT_SECONDS)
    return DuckdbQueries(
        check=_with(ENRICHED, str(ibis.to_sql(inner, dialect="duckdb")), str(ibis.to_sql(outer, dialect="duckdb"))),
        flagged=str(ibis.to_sql(flagged(calls, keys, lambda t: enriched(t, lookups)), dialect="duckdb")),
        windows=str(
            ibis.to_sql(
                windows(ibis.table(CALLS_SCHEMA, name=HOT_CALLS), hot, lambda t: enriched(t, lookups)), dialect="duckdb"
            )
        ),
    )


def _with(name: str, inner: str, outer: str) -> str:
    """`outer` with `inner` as the common table expression `name` (joined to outer's own WITH if any)."""
    head = outer.lstrip()
    cte = f'"{name}" AS (\n{inner}\n)'
    if head[:5].upper() == "WITH ":
        return f"WITH {cte},\n{head[5:]}"
    return f"WITH {cte}\n{head}"


def hot_calls_view(raw: duckdb.DuckDBPyConnection, first: int, last: int) -> None:
    """Name HOT_CALLS the calls of CALLS from second `first` to second `last` (epoch, integers).

    The window counts read only the calls of the hot minutes; given as constants in a view, the
    bounds reach the scan of the calls, which then skips the parts of a Parquet file outside them
    (its row groups' statistics) instead of reading every call to match it to HOT_SECONDS.
    """
    raw.execute(
        f'CREATE OR REPLACE TEMPORARY VIEW "{HOT_CALLS}" AS SELECT * FROM "{CALLS}" '
        f"WHERE connect_epoch BETWEEN {int(first)} AND {int(last)}"
    )


def register_lookups(raw: duckdb.DuckDBPyConnection, look: Mapping[str, pa.Table]) -> None:
    """Name the lookup tables LOOKUP_NAMES on a raw DuckDB connection."""
    for name, table in LOOKUP_NAMES.items():
        raw.register(table, look[name])


def run_sql(raw: duckdb.DuckDBPyConnection, sql: str) -> pa.Table:
    """Run one compiled query and return its result as Arrow."""
    return raw.sql(sql).to_arrow_table()
