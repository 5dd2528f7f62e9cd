"""Engines and transactions: SQLite by default, PostgreSQL through psycopg 3.

The URL comes from the caller, else `ICAOPS_DATABASE_URL`, else a SQLite file in
`./.icaops/`. SQLite connections run in WAL mode with foreign keys on; their transactions
are begun explicitly, so a writer can take the write lock up front (`BEGIN IMMEDIATE`)
instead of failing to upgrade a read lock half-way through. A SQLite file is created
owner-only (it holds customer information, docs/cpni.md). PostgreSQL connections give up
after a connect timeout and run every statement under a statement timeout; the password can
come from a file rather than the URL (docs/store.md).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from ..privatefiles import private_database_file, private_folder

__all__ = [
    "CONNECT_TIMEOUT_VARIABLE",
    "PASSWORD_FILE_VARIABLE",
    "STATEMENT_TIMEOUT_VARIABLE",
    "URL_VARIABLE",
    "DatabaseSettingError",
    "Timeouts",
    "database_url",
    "make_engine",
    "make_sessionmaker",
    "timeouts",
    "writing",
]

URL_VARIABLE = "ICAOPS_DATABASE_URL"
PASSWORD_FILE_VARIABLE = "ICAOPS_DATABASE_PASSWORD_FILE"
CONNECT_TIMEOUT_VARIABLE = "ICAOPS_DB_CONNECT_TIMEOUT"
STATEMENT_TIMEOUT_VARIABLE = "ICAOPS_DB_STATEMENT_TIMEOUT"
DEFAULT_CONNECT_TIMEOUT_S = 10  # a server that accepts and never answers is given up on
DEFAULT_STATEMENT_TIMEOUT_S = 600  # above the longest statement of a million-line cycle (the COPY)
SQLITE_BUSY_TIMEOUT_S = 30  # how long a writer waits for another writer's lock


class DatabaseSettingError(ValueError):
    """A database setting from the environment or a file that cannot be used."""


def database_url(url: str | None = None, cwd: Path | None = None) -> str:
    """The URL to use: `url`, else $ICAOPS_DATABASE_URL, else `<cwd>/.icaops/icaops.sqlite`
    (the folder is created, owner-only). `postgresql://` URLs are given the psycopg 3 driver."""
    url = url or os.environ.get(URL_VARIABLE)
    if not url:
        folder = private_folder((cwd or Path.cwd()) / ".icaops")
        return f"sqlite:///{folder / 'icaops.sqlite'}"
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


@dataclass(frozen=True, slots=True)
class Timeouts:
    """PostgreSQL timeouts in seconds (0: none), from the environment or the defaults."""

    connect_s: int
    statement_s: int


def timeouts() -> Timeouts:
    """$ICAOPS_DB_CONNECT_TIMEOUT and $ICAOPS_DB_STATEMENT_TIMEOUT (whole seconds, 0 for none),
    else 10 s to connect and 600 s per statement."""
    return Timeouts(
        _seconds(CONNECT_TIMEOUT_VARIABLE, DEFAULT_CONNECT_TIMEOUT_S),
        _seconds(STATEMENT_TIMEOUT_VARIABLE, DEFAULT_STATEMENT_TIMEOUT_S),
    )


def _seconds(variable: str, default: int) -> int:
    given = os.environ.get(variable, "").strip()
    if not given:
        return default
    if not given.isdigit():
        raise DatabaseSettingError(f"${variable}: expected whole seconds (0 for no timeout), got {given!r}")
    return int(given)


def make_engine(url: str | None = None, *, password_file: Path | None = None, **kwargs: Any) -> Engine:
    """An engine for `database_url(url)`, set up for this project's transactions.

    PostgreSQL: a URL without a password takes it from `password_file`, else from the file
    named by $ICAOPS_DATABASE_PASSWORD_FILE, else libpq's own sources (PGPASSWORD,
    ~/.pgpass); connecting gives up after the connect timeout and each statement after the
    statement timeout (`timeouts()`). SQLite: the database file is created owner-only."""
    url = database_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        in_memory = parsed.database in (None, "", ":memory:")
        if not in_memory and Path(str(parsed.database)).parent.is_dir():
            private_database_file(str(parsed.database))  # WAL and journal files take its mode
        kwargs.setdefault("connect_args", {}).setdefault("timeout", SQLITE_BUSY_TIMEOUT_S)
        engine = create_engine(url, **kwargs)
        _sqlite_setup(engine, in_memory=in_memory)
        return engine
    if parsed.get_backend_name() == "postgresql":
        parsed = _with_password(parsed, password_file)
        kwargs["connect_args"] = _postgres_connect_args(parsed, timeouts()) | kwargs.get("connect_args", {})
    return create_engine(parsed, **kwargs)


def _with_password(url: URL, password_file: Path | None) -> URL:
    """`url` with the password read from `password_file` or $ICAOPS_DATABASE_PASSWORD_FILE,
    when it has none of its own."""
    named = password_file or (
        Path(os.environ[PASSWORD_FILE_VARIABLE]) if os.environ.get(PASSWORD_FILE_VARIABLE) else None
    )
    if url.password is not None or named is None:
        return url
    try:
        password = named.read_text(encoding="utf-8").rstrip("\r\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise DatabaseSettingError(f"database password file {named}: cannot be read: {exc}") from None
    if not password:
        raise DatabaseSettingError(f"database password file {named}: is empty")
    return url.set(password=password)


def _postgres_connect_args(url: URL, limits: Timeouts) -> dict[str, Any]:
    """libpq's connect_timeout, a statement_timeout and the plan cache mode sent at start-up, unless the URL sets them."""
    args: dict[str, Any] = {}
    if "connect_timeout" not in url.query and limits.connect_s:
        args["connect_timeout"] = limits.connect_s
    options = str(url.query.get("options", ""))
    if "statement_timeout" not in options:
        options = f"{options} -c statement_timeout={limits.statement_s * 1000}"
    # The log's reads ask for its newest events (chain_seq > a recent seq). A prepared statement's
    # generic plan cannot see the seq, assumes a third of the log and scans it; plan each time.
    if "plan_cache_mode" not in options:
        options = f"{options} -c plan_cache_mode=force_custom_plan"
    args["options"] = options.strip()
    return args


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
