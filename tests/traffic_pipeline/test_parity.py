"""The same Ibis code on DuckDB and on PySpark (local mode) gives identical results."""

from __future__ import annotations

import ibis
import pytest

from icaops.traffic.pipeline import (
    FINDING_KINDS,
    calls_from_arrow,
    calls_from_parquet,
    check_traffic,
    classify_calls,
    prepare_checks,
)

TABLES = ("findings", "dos_windows", "per_minute", "compensation", "message_counts")


@pytest.fixture(scope="module")
def spark_checks(context, spark_session):
    """The checks prepared on PySpark (Ibis compiles the queries per run there)."""
    return prepare_checks(con=ibis.pyspark.connect(spark_session), **context)


@pytest.mark.slow
def test_pyspark_results_are_identical_to_duckdb(duck, fixture_table, spark_checks):
    """Every TrafficCheck table, the events and the record count agree, row for row (both sorted)."""
    spark = check_traffic(calls_from_arrow(fixture_table), spark_checks)
    assert (duck.backend, spark.backend) == ("duckdb", "pyspark")
    for name in TABLES:
        ours, theirs = getattr(duck, name), getattr(spark, name)
        assert ours.schema == theirs.schema, name
        assert ours.to_pylist() == theirs.to_pylist(), name
    assert duck.events == spark.events
    assert duck.records == spark.records == fixture_table.num_rows


@pytest.mark.slow
def test_pyspark_from_parquet_is_identical_to_duckdb(duck, fixture_table, spark_checks, tmp_path):
    """The same from a Parquet file read by Spark (lookup tables still in memory: nulls must stay null)."""
    import pyarrow.parquet as pq

    pq.write_table(fixture_table, tmp_path / "calls.parquet")
    spark = check_traffic(calls_from_parquet(spark_checks.con, str(tmp_path / "calls.parquet")), spark_checks)
    for name in TABLES:
        assert getattr(duck, name).to_pylist() == getattr(spark, name).to_pylist(), name
    assert duck.events == spark.events


@pytest.mark.slow
def test_pyspark_classifies_every_call_as_duckdb_does(fixture_table, duck_checks, spark_checks):
    """Attribution (CPA.2/4/6) and jurisdiction of each call agree between the backends."""
    ours = classify_calls(calls_from_arrow(fixture_table), duck_checks)
    theirs = classify_calls(calls_from_arrow(fixture_table), spark_checks)
    assert ours.to_pylist() == theirs.to_pylist()


def test_fixture_covers_every_finding_kind_direction_and_jurisdiction(duck, fixture_table, duck_checks):
    """The parity fixture is only evidence if it exercises every kind of finding and classification."""
    assert set(duck.findings["kind"].to_pylist()) == set(FINDING_KINDS)
    classified = classify_calls(calls_from_arrow(fixture_table), duck_checks)
    assert set(classified["jurisdiction"].to_pylist()) == {"local", "intralata_toll", "interlata", "transit", "911"}
    assert set(classified["direction"].to_pylist()) == {"clec_to_ilec", "ilec_to_clec", "transit", "resale_usage"}
    assert duck.events and duck.dos_windows.num_rows and duck.message_counts.num_rows
