"""Fixtures for the store tests: one throw-away PostgreSQL cluster for the whole session
(from Debian's postgresql-15), migrated once, and an empty migrated database per test on
SQLite (a new file) and on PostgreSQL (every table truncated, which takes a tenth of the
time of copying a template database)."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from icaops.store import make_engine, migrate
from icaops.store.models import Base
from tests.support.pgtemp import TempCluster, postgres_available


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Cases that need the PostgreSQL cluster are slow (starting it takes seconds)."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_postgresql = callspec is not None and callspec.params.get("db_url") == "postgresql"
        if on_postgresql or "pg_cluster" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def pg_cluster(tmp_path_factory) -> Iterator[TempCluster]:
    """A PostgreSQL 15 cluster started once for the store tests, stopped and removed after."""
    reason = postgres_available()
    if reason:
        pytest.skip(f"PostgreSQL tests need a local PostgreSQL 15: {reason}")
    cluster = TempCluster(tmp_path_factory.mktemp("pg") / "cluster")
    cluster.start()
    try:
        migrate(cluster.url)
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def pg_url(pg_cluster: TempCluster) -> str:
    """The URL of the session's migrated PostgreSQL database, emptied for this test."""
    return emptied(pg_cluster)


def emptied(pg_cluster: TempCluster) -> str:
    """Empty every table of the cluster's database (a fixture of a wider scope than `pg_url`'s
    calls it); returns its URL."""
    url = make_url(pg_cluster.url)
    with psycopg.connect(
        host=str(pg_cluster.socket_dir), port=url.query["port"], user=url.username, dbname=url.database, autocommit=True
    ) as conn:
        # The append-only tables refuse TRUNCATE (a statement trigger); replica mode, which
        # only a superuser may set, fires no trigger.
        conn.execute("SET session_replication_role = replica")
        conn.execute(f"TRUNCATE {', '.join(Base.metadata.tables)} RESTART IDENTITY")
    return pg_cluster.url


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    """The URL of a fresh, migrated SQLite database file."""
    url = f"sqlite:///{tmp_path / 'icaops.sqlite'}"
    migrate(url)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request) -> str:
    """A fresh migrated database, once on SQLite and once on PostgreSQL."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on `db_url`, disposed after the test."""
    engine = (
        make_engine(db_url, pool_size=10, max_overflow=0) if db_url.startswith("postgresql") else make_engine(db_url)
    )
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def terms():
    """The Idaho resale agreement's terms."""
    from icaops.terms.loader import load_agreement

    return load_agreement("centurylink-granite-id-2012").terms
