"""Shared fixtures: terms, reference, the fixture registry, one DuckDB run and one local SparkSession."""

from __future__ import annotations

import pytest

from icaops.terms.loader import load_agreement
from icaops.traffic.pipeline import calls_from_arrow, check_traffic, connect, prepare_checks
from icaops.traffic.reference import load_shipped_reference
from tests.traffic_pipeline import fixture


@pytest.fixture(scope="session")
def agreement():
    """The agreement with the Carrier Partner Amendment."""
    return load_agreement("centurylink-granite-id-2012")


@pytest.fixture(scope="session")
def reference():
    """The shipped reference data."""
    return load_shipped_reference()


@pytest.fixture(scope="session")
def providers():
    """The fixture's provider registry."""
    return fixture.registry()


@pytest.fixture(scope="session")
def context(agreement, reference, providers):
    """Keyword arguments every prepare_checks call in these tests shares (the latest terms)."""
    return {"terms": agreement.terms, "reference": reference, "registry": providers}


@pytest.fixture(scope="session")
def duck_checks(context):
    """The checks prepared once on an in-memory DuckDB (queries compiled to SQL)."""
    return prepare_checks(con=connect("duckdb"), **context)


@pytest.fixture(scope="session")
def fixture_table():
    """The hand-built calls as a pyarrow Table."""
    return fixture.fixture_calls()


@pytest.fixture(scope="session")
def duck(fixture_table, duck_checks):
    """check_traffic of the hand-built calls on DuckDB."""
    return check_traffic(calls_from_arrow(fixture_table), duck_checks)


@pytest.fixture(scope="session")
def spark_session():
    """One local SparkSession for the whole run: local[2], UI off, two shuffle partitions, no network."""
    pyspark_sql = pytest.importorskip("pyspark.sql")
    session = (
        pyspark_sql.SparkSession.builder.master("local[2]")
        .appName("icaops-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
