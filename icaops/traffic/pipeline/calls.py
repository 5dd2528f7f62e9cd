"""Call records as an Ibis table for the checks: from a Parquet path or glob, or from an Arrow table."""

from __future__ import annotations

from pathlib import Path

import ibis
import ibis.expr.types as ir
import pyarrow as pa
from ibis.backends import BaseBackend

from icaops.traffic.records import CALL_RECORD_SCHEMA

__all__ = ["CALLS_SCHEMA", "calls_from_arrow", "calls_from_parquet", "require_call_columns"]

CALLS_SCHEMA = ibis.Schema.from_pyarrow(CALL_RECORD_SCHEMA)
"""CALL_RECORD_SCHEMA as an Ibis schema: the columns (and types) the checks are written against."""


def require_call_columns(table: ir.Table) -> ir.Table:
    """`table` itself, after making sure it has every CALL_RECORD_SCHEMA column (ValueError naming the missing)."""
    missing = [name for name in CALL_RECORD_SCHEMA.names if name not in table.columns]
    if missing:
        raise ValueError(
            f"calls: expected the columns of CALL_RECORD_SCHEMA (icaops/traffic/records/schema.py), "
            f"missing {', '.join(missing)}"
        )
    return table


def calls_from_parquet(con: BaseBackend, path: str | Path) -> ir.Table:
    """The calls in a Parquet file or glob of CALL_RECORD_SCHEMA rows, as a table on `con`."""
    return require_call_columns(con.read_parquet(str(path)))


def calls_from_arrow(calls: pa.Table) -> ir.Table:
    """The calls in an Arrow table of CALL_RECORD_SCHEMA rows, as an in-memory Ibis table (any backend runs it)."""
    return require_call_columns(ibis.memtable(calls))
