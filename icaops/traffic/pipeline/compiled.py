"""The pipeline's two queries compiled once to DuckDB SQL and run on the raw DuckDB connection.

Building and compiling the Ibis expressions costs about a second per run, more than the queries
themselves on a million calls. Nothing in them depends on the calls but their columns, so they are
built over unbound tables of fixed names (the calls in CALLS_SCHEMA) and compiled once, when the
checks are prepared (`checks.py`); each run then only names its calls and lookup tables and executes
the SQL. The expressions are the very ones of `enrich.py` and `onepass.py`: other backends compile
them per run.
"""

from __future__ import annotations

import re
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
    "LOOKUP_NAMES",
    "DuckdbQueries",
    "compile_duckdb",
    "epoch_of_instants",
    "register_lookups",
    "run_sql",
]

CALLS = "icaops_calls"
ENRICHED = "icaops_enriched"
FLAGGED_KEYS = "icaops_flagged_keys"
LOOKUP_NAMES = {"numbers": "icaops_numbers", "ocns": "icaops_ocns", "auth": "icaops_auth"}


@dataclass(frozen=True, slots=True)
class DuckdbQueries:
    """The check over CALLS and LOOKUP_NAMES, and the flagged calls named in FLAGGED_KEYS."""

    check: str
    flagged: str


def compile_duckdb(
    look: Mapping[str, pa.Table],
    enriched: Callable[[ir.Table, Mapping[str, ir.Table]], ir.Table],
    finish: Callable[[ir.Table], ir.Table],
    flagged: Callable[[ir.Table, ir.Table, Callable[[ir.Table], ir.Table]], ir.Table],
) -> DuckdbQueries:
    """The compiled queries over calls in CALLS_SCHEMA and lookup tables of `look`'s schemas.

    `enriched(calls, lookups)` is the expression over tables named CALLS and LOOKUP_NAMES, and
    `finish(table)` what is computed from it. The enriched calls become one common table
    expression that every part of `finish` reads: Ibis would inline a copy of the enrichment
    into each part, and DuckDB would then scan and join the calls once per part.
    `flagged(calls, keys, enrich)` returns the flagged calls whose keys are in FLAGGED_KEYS.
    """
    calls = ibis.table(CALLS_SCHEMA, name=CALLS)
    lookups = {
        name: ibis.table(ibis.Schema.from_pyarrow(look[name].schema), name=table)
        for name, table in LOOKUP_NAMES.items()
    }
    inner = enriched(calls, lookups)
    outer = finish(ibis.table(inner.schema(), name=ENRICHED))
    keys = ibis.table({"source_file": "string", "record_no": "int64"}, name=FLAGGED_KEYS)
    return DuckdbQueries(
        check=epoch_of_instants(
            _with(ENRICHED, str(ibis.to_sql(inner, dialect="duckdb")), str(ibis.to_sql(outer, dialect="duckdb")))
        ),
        flagged=str(ibis.to_sql(flagged(calls, keys, lambda t: enriched(t, lookups)), dialect="duckdb")),
    )


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


def register_lookups(raw: duckdb.DuckDBPyConnection, look: Mapping[str, pa.Table]) -> None:
    """Name the lookup tables LOOKUP_NAMES on a raw DuckDB connection."""
    for name, table in LOOKUP_NAMES.items():
        raw.register(table, look[name])


def run_sql(raw: duckdb.DuckDBPyConnection, sql: str) -> pa.Table:
    """Run one compiled query and return its result as Arrow."""
    return raw.sql(sql).to_arrow_table()
