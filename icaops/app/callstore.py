"""Opening the call store (a DuckDB file) to write: one process at a time holds it.

DuckDB lets one process open a file for writing; a second ingest waits for it (retrying for
up to `INGEST_WAIT_S` seconds) and then stops with a `UserError` naming the file, rather than
dying with DuckDB's lock error.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import duckdb

from .errors import UserError

__all__ = ["INGEST_WAIT_S", "open_for_writing"]

INGEST_WAIT_S = 30.0  # how long an ingest waits for another one to finish with the file
RETRY_S = 0.25


def open_for_writing(db: Path, wait_s: float = INGEST_WAIT_S) -> duckdb.DuckDBPyConnection:
    """A read-write connection to the call store at `db`, once no other process holds it."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            return duckdb.connect(str(db))
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise UserError(f"--calls-db {db}: cannot open the call store: {exc}", field="--calls-db") from None
            if time.monotonic() >= deadline:
                pid = re.search(r"\(PID (\d+)\)", str(exc))
                holder = f" (process {pid.group(1)})" if pid else ""
                raise UserError(
                    f"--calls-db {db}: another ingest holds the call store{holder}; waited {wait_s:g} s. "
                    "Run this ingest again when it has finished.",
                    code="conflict",
                    field="--calls-db",
                ) from None
            time.sleep(RETRY_S)
