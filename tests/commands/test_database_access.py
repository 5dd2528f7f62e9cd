"""Reaching the database: a server that never answers is given up on in seconds, with a
message naming the timeout; a password need not be on the command line (issue 11 §3, §5)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from icaops.cli import app
from icaops.store.db import make_engine

runner = CliRunner()


@pytest.fixture()
def silent_server() -> Iterator[int]:
    """A TCP port on 127.0.0.1 that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                held.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield server.getsockname()[1]
    server.close()
    for conn in held:
        conn.close()


def _bounded(args: list[str], seconds: float) -> tuple[Result | None, float]:
    """Run the CLI in a thread, giving up on it after `seconds` (the result is None then)."""
    out: list[Result] = []
    started = time.monotonic()
    worker = threading.Thread(target=lambda: out.append(runner.invoke(app, args)), daemon=True)
    worker.start()
    worker.join(seconds)
    return (out[0] if out else None), time.monotonic() - started


def test_a_server_that_never_answers_is_given_up_on_with_the_timeout_named(
    silent_server: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ICAOPS_DB_CONNECT_TIMEOUT", "2")
    url = f"postgresql://ops@127.0.0.1:{silent_server}/icaops"
    result, took = _bounded(["account", "status", "G", "--as-of", "2013-01-01", "--db", url], 30)
    assert result is not None, f"still waiting after {took:.0f} s"
    assert took < 15
    assert result.exit_code == 2, result.output
    shown = " ".join(result.output.split())
    assert "cannot open the database" in shown and "timeout" in shown
    assert "connect timeout of 2 s" in shown and "ICAOPS_DB_CONNECT_TIMEOUT" in shown


def test_the_default_connect_timeout_is_short_and_statements_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ICAOPS_DB_CONNECT_TIMEOUT", raising=False)
    monkeypatch.delenv("ICAOPS_DB_STATEMENT_TIMEOUT", raising=False)
    engine = make_engine("postgresql://ops@127.0.0.1:1/icaops")
    connect_args = _connect_args(engine)
    assert connect_args["connect_timeout"] == 10
    assert "-c statement_timeout=600000" in connect_args["options"]
    monkeypatch.setenv("ICAOPS_DB_STATEMENT_TIMEOUT", "30")
    assert "-c statement_timeout=30000" in _connect_args(make_engine("postgresql://ops@127.0.0.1:1/icaops"))["options"]


def test_a_timeout_that_is_not_a_number_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ICAOPS_DB_CONNECT_TIMEOUT", "soon")
    result = runner.invoke(app, ["account", "status", "G", "--db", "postgresql://ops@127.0.0.1:1/icaops"])
    assert result.exit_code == 2
    assert "$ICAOPS_DB_CONNECT_TIMEOUT: expected whole seconds" in " ".join(result.output.split())


def _connect_args(engine) -> dict:  # type: ignore[no-untyped-def]
    """What the engine hands psycopg when it connects."""
    seen: dict = {}

    def capture(*_args, **kwargs):  # type: ignore[no-untyped-def]
        seen.update(kwargs)
        raise ConnectionAbortedError

    engine.dialect.loaded_dbapi.connect, original = capture, engine.dialect.loaded_dbapi.connect
    try:
        with pytest.raises(ConnectionAbortedError):
            engine.connect()
    finally:
        engine.dialect.loaded_dbapi.connect = original
    return seen


def test_the_password_comes_from_a_file_not_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "pw"
    secret.write_text("s3cret\n")
    engine = make_engine("postgresql://ops@127.0.0.1:1/icaops", password_file=secret)
    assert engine.url.password == "s3cret"
    monkeypatch.setenv("ICAOPS_DATABASE_PASSWORD_FILE", str(secret))
    assert make_engine("postgresql://ops@127.0.0.1:1/icaops").url.password == "s3cret"
    assert make_engine("postgresql://ops:given@127.0.0.1:1/icaops").url.password == "given"
    assert make_url(str(engine.url)).password != "s3cret"  # printed URLs hide it


def test_a_password_file_that_cannot_be_read_is_a_message(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "account",
            "status",
            "G",
            "--db",
            "postgresql://ops@127.0.0.1:1/icaops",
            "--db-password-file",
            str(tmp_path / "none"),
        ],
    )
    assert result.exit_code == 2
    assert "password file" in result.output and "cannot be read" in result.output


def test_a_password_on_the_command_line_is_warned_about(silent_server: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ICAOPS_DB_CONNECT_TIMEOUT", "1")
    url = f"postgresql://ops:s3cret@127.0.0.1:{silent_server}/icaops"
    result, _ = _bounded(["account", "status", "G", "--as-of", "2013-01-01", "--db", url], 30)
    assert result is not None and result.exit_code == 2
    warning = [line for line in result.stderr.splitlines() if "password" in line]
    assert len(warning) == 1 and "s3cret" not in warning[0]
    assert "ICAOPS_DATABASE_PASSWORD_FILE" in warning[0] or "PGPASSWORD" in warning[0]
