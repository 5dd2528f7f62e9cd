"""Connections the checks run on: an in-memory DuckDB, or PySpark."""

from __future__ import annotations

import ibis
from ibis.backends import BaseBackend

__all__ = ["arrow_transfers", "connect"]


def connect(backend: str = "duckdb", *, memory_limit: str | None = None, threads: int | None = None) -> BaseBackend:
    """An Ibis connection for `backend`: an in-memory DuckDB, or PySpark on the active (or a local) session."""
    if backend == "duckdb":
        config = {k: v for k, v in (("memory_limit", memory_limit), ("threads", threads)) if v is not None}
        return ibis.duckdb.connect(**config)
    if backend == "pyspark":
        from pyspark.sql import SparkSession

        session = SparkSession.getActiveSession() or (
            SparkSession.builder.master(f"local[{threads or 2}]")
            .appName("icaops-traffic")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.driver.host", "127.0.0.1")
            .getOrCreate()
        )
        return arrow_transfers(ibis.pyspark.connect(session))
    raise ValueError(f"backend: expected 'duckdb' or 'pyspark', found {backend!r}")


def arrow_transfers(con: BaseBackend) -> BaseBackend:
    """`con`, with Arrow transfers switched on if it is PySpark (other backends unchanged).

    Without Arrow, Ibis hands in-memory tables to Spark through pandas, and a null string in a
    lookup table arrives as the text 'NaN' (ibis 12, pyspark 4.0): a provider named 'NaN'.
    """
    if con.name == "pyspark":
        con._session.conf.set("spark.sql.execution.arrow.pyspark.enabled", "true")
    return con
