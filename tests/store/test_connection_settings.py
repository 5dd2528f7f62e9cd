"""What a PostgreSQL connection is given: the statement timeout, and a password from
PGPASSWORD or a file rather than the URL (issue 11 §3, §5; docs/store.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from icaops.store import make_engine


def _seen(url: str, **kwargs: object) -> tuple[str, str | None]:
    """The statement timeout the server applies and the password libpq was given."""
    engine = make_engine(url, **kwargs)  # type: ignore[arg-type]
    try:
        with engine.connect() as conn:
            timeout = conn.execute(text("SHOW statement_timeout")).scalar_one()
            password = conn.connection.dbapi_connection.info.password  # type: ignore[union-attr]
    finally:
        engine.dispose()
    return timeout, password


def test_each_connection_runs_under_the_statement_timeout(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ICAOPS_DB_STATEMENT_TIMEOUT", raising=False)
    assert _seen(pg_url)[0] == "10min"
    monkeypatch.setenv("ICAOPS_DB_STATEMENT_TIMEOUT", "45")
    assert _seen(pg_url)[0] == "45s"


def test_pgpassword_is_honoured_by_libpq(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ICAOPS_DATABASE_PASSWORD_FILE", raising=False)
    monkeypatch.setenv("PGPASSWORD", "from-the-environment")
    assert _seen(pg_url)[1] == "from-the-environment"


def test_a_password_file_is_given_to_the_connection(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PGPASSWORD", raising=False)
    (tmp_path / "pw").write_text("from-a-file\n")
    assert _seen(pg_url, password_file=tmp_path / "pw")[1] == "from-a-file"
    monkeypatch.setenv("ICAOPS_DATABASE_PASSWORD_FILE", str(tmp_path / "pw"))
    assert _seen(pg_url)[1] == "from-a-file"


def test_each_connection_plans_the_logs_reads_with_their_values(pg_url: str) -> None:
    """The log's reads ask for its newest events (`chain_seq > :seq`); a generic plan of a
    prepared statement cannot see the seq and scans the log, so every plan is a custom one."""
    engine = make_engine(pg_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SHOW plan_cache_mode")).scalar_one() == "force_custom_plan"
    finally:
        engine.dispose()
    assert "?" in pg_url  # the throw-away cluster is reached by its socket: ?host=...
    own = make_engine(pg_url.replace("?", "?options=-c%20plan_cache_mode%3Dauto&", 1))  # a URL's own choice stands
    try:
        with own.connect() as conn:
            assert conn.execute(text("SHOW plan_cache_mode")).scalar_one() == "auto"
    finally:
        own.dispose()
