"""Every load and every read of customer data is in the audit log with its actor, and
`icaops audit list` reads it (issue 11 §5; CPNI, VI.8; docs/cpni.md)."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from icaops.app.audit import audit_entries
from icaops.cli import app
from icaops.store import make_engine
from tests.commands.test_billing_cli import LOG

runner = CliRunner()


def _run(*args: str) -> str:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture()
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("ICAOPS_ACTOR", "alice")
    return f"sqlite:///{tmp_path / 'icaops.sqlite'}"


def _entries(db: str, **kwargs: object) -> list[tuple[str, str, str]]:
    engine = make_engine(db)
    try:
        return [(e.actor, e.action, e.subject) for e in audit_entries(engine, **kwargs)]  # type: ignore[arg-type]
    finally:
        engine.dispose()


def test_a_load_is_recorded_with_its_actor_file_checksum_and_counts(db: str, tmp_path: Path) -> None:
    log = tmp_path / "log.yaml"
    log.write_text(LOG)
    _run("events", "load", str(log), "--db", db)
    _run("events", "load", str(log), "--db", db)  # again: nothing added
    bad = tmp_path / "bad.yaml"
    bad.write_text("- {id: X, date: 2013-01-02, type: no.such.type, account: G}\n")
    runner.invoke(app, ["events", "load", str(bad), "--db", db])
    engine = make_engine(db)
    loads = [e for e in audit_entries(engine) if e.action == "events.loaded"]
    engine.dispose()
    assert [(e.actor, e.subject, e.detail["added"], e.detail["refused"]) for e in loads] == [
        ("alice", str(log), 4, 0),
        ("alice", str(log), 0, 0),
        ("alice", str(bad), 0, 1),
    ]
    assert loads[0].detail["sha256"] == hashlib.sha256(log.read_bytes()).hexdigest()
    assert loads[0].detail["events"] == 4


def test_each_read_of_customer_data_is_recorded(db: str, tmp_path: Path) -> None:
    (tmp_path / "log.yaml").write_text(LOG)
    _run("events", "load", str(tmp_path / "log.yaml"), "--db", db)
    _run("bill", "run", "--period", "2013-03", "--out", str(tmp_path / "out"), "--db", db)
    _run("bill", "show", "G:2013-03", "--db", db)
    _run("explain", "G:2013-03:2083451001", "--db", db)
    _run("account", "status", "G", "--as-of", "2013-03-10", "--db", db)
    reads = [e for e in _entries(db) if e[1] not in ("events.loaded", "cycle.stored")]
    assert reads == [
        ("alice", "bill.outputs_written", "G:2013-03"),
        ("alice", "bill.read", "G:2013-03"),
        ("alice", "bill.line_read", "G:2013-03:2083451001"),
        ("alice", "account.status_read", "G"),
    ]
    assert {e[0] for e in _entries(db)} == {"alice"}  # the store's own rows (cycle.stored) too


def test_audit_list_filters_by_day_and_actor(db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "log.yaml").write_text(LOG)
    _run("events", "load", str(tmp_path / "log.yaml"), "--db", db)
    monkeypatch.setenv("ICAOPS_ACTOR", "bob")
    _run("account", "status", "G", "--as-of", "2013-03-10", "--db", db)
    listed = " ".join(_run("audit", "list", "--db", db).split())
    assert "alice" in listed and "events.loaded" in listed and "bob" in listed and "account.status_read" in listed
    only_bob = " ".join(_run("audit", "list", "--actor", "bob", "--db", db).split())
    assert "bob" in only_bob and "account.status_read" in only_bob and "events.loaded" not in only_bob
    tomorrow = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)).isoformat()
    assert "0 entries" in _run("audit", "list", "--since", tomorrow, "--db", db)
    today = dt.datetime.now(dt.UTC).date().isoformat()
    assert "2 entries" in _run("audit", "list", "--since", today, "--db", db)
    bad = runner.invoke(app, ["audit", "list", "--since", "yesterday", "--db", db])
    assert bad.exit_code == 2 and "--since 'yesterday': expected a date YYYY-MM-DD" in bad.output


def test_the_actor_is_the_os_user_by_default(db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import getpass

    monkeypatch.delenv("ICAOPS_ACTOR")
    (tmp_path / "log.yaml").write_text(LOG)
    _run("events", "load", str(tmp_path / "log.yaml"), "--db", db)
    assert _entries(db)[0][0] == getpass.getuser()


def test_traffic_loads_and_reads_are_recorded(db: str, tmp_path: Path) -> None:
    calls = tmp_path / "calls.csv"
    calls.write_text(
        "record_type,connect_time_local,duration_tenths,calling_number\n110101,2024-03-12 10:00:00,100,2082638001\n",
        encoding="utf-8",
    )
    store = tmp_path / "calls.duckdb"
    _run("traffic", "ingest", str(calls), "--calls-db", str(store), "--db", db)
    _run("traffic", "check", "--calls-db", str(store), "--out", str(tmp_path / "check"), "--db", db)
    _run("traffic", "report", "--from", str(tmp_path / "check"), "--out", str(tmp_path / "report"), "--db", db)
    assert _entries(db) == [
        ("alice", "calls.ingested", str(calls)),
        ("alice", "calls.read", str(store)),
        ("alice", "findings.read", str(tmp_path / "check")),
    ]
    engine = make_engine(db)
    ingested = audit_entries(engine)[0].detail
    engine.dispose()
    assert ingested["sha256"] == hashlib.sha256(calls.read_bytes()).hexdigest()
    assert (ingested["read"], ingested["added"], ingested["refused"]) == (1, 1, 0)
