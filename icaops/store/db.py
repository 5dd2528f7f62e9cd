"""Engines and transactions: SQLite by default, PostgreSQL through psycopg 3.

The URL comes from the caller, else `ICAOPS_DATABASE_URL`, else a SQLite file in
`./.icaops/`. SQLite connections run in WAL mode with foreign keys on; their transactions
are begun explicitly, so a writer can take the write lock up front (`BEGIN IMMEDIATE`)
instead of failing to upgrade a read lock half-way through.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

__all__ = ["URL_VARIABLE", "database_url", "make_engine", "make_sessionmaker", "writing"]

URL_VARIABLE = "ICAOPS_DATABASE_URL"
SQLITE_BUSY_TIMEOUT_S = 30  # how long a writer waits for another writer's lock


def database_url(url: str | None = None, cwd: Path | None = None) -> str:
    """The URL to use: `url`, else $ICAOPS_DATABASE_URL, else `<cwd>/.icaops/icaops.sqlite`
    (the folder is created). `postgresql://` URLs are given the psycopg 3 driver."""
    url = url or os.environ.get(URL_VARIABLE)
    if not url:
        folder = (cwd or Path.cwd()) / ".icaops"
        folder.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{folder / 'icaops.sqlite'}"
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str | None = None, **kwargs) -> Engine:
    """An engine for `database_url(url)`, set up for this project's transactions."""
    url = database_url(url)
    if make_url(url).get_backend_name() == "sqlite":
        kwargs.setdefault("connect_args", {}).setdefault("timeout", SQLITE_BUSY_TIMEOUT_S)
        engine = create_engine(url, **kwargs)
        _sqlite_setup(engine, in_memory=make_url(url).database in (None, "", ":memory:"))
        return engine
    return create_engine(url, **kwargs)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """ORM sessions bound to `engine` (objects stay readable after commit)."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A connection in a write transaction, committed on success and rolled back on error.

    On SQLite the transaction begins IMMEDIATE: it waits (up to the busy timeout) for the
    one write lock, so concurrent writers are serialised rather than failing mid-way.
    """
    with engine.connect() as conn:
        conn.execution_options(sqlite_begin="IMMEDIATE")
        with conn.begin():
            yield conn


def _sqlite_setup(engine: Engine, in_memory: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (below)
        cursor = dbapi_connection.cursor()
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")  # WAL: durable at checkpoints
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        assert mode in ("DEFERRED", "IMMEDIATE", "EXCLUSIVE"), mode
        conn.exec_driver_sql(f"BEGIN {mode}")
