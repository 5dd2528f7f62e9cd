"""Outputs holding customer information (CPNI, 47 U.S.C. 222; VI.8) are owner-only: files
0600 from their creation, folders the program creates for them 0700, whatever the umask
(issue 11 §5; docs/cpni.md)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from icaops.cli import app
from icaops.privatefiles import private_file, private_umask, write_private_text
from icaops.store import make_engine, migrate
from tests.commands.test_billing_cli import LOG

runner = CliRunner()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def open_umask() -> Iterator[None]:
    """The usual umask 022, under which a plain write gives 0644: what is tested is the program."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def _run(*args: str) -> str:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_bill_outputs_and_the_database_are_owner_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ICAOPS_DATABASE_URL", raising=False)
    (tmp_path / "log.yaml").write_text(LOG)
    _run("events", "load", "log.yaml")
    out = tmp_path / "out" / "bills"
    _run("bill", "run", "--period", "2013-03", "--out", str(out))
    written = sorted(out.iterdir())
    assert {p.suffix for p in written} == {".html", ".pdf", ".csv", ".811"}
    assert {p.name: _mode(p) for p in written} == {p.name: 0o600 for p in written}
    assert _mode(out) == 0o700 and _mode(tmp_path / "out") == 0o700
    folder = tmp_path / ".icaops"
    assert _mode(folder) == 0o700
    assert {p.name: _mode(p) for p in folder.iterdir()} == {p.name: 0o600 for p in folder.iterdir()}


def test_an_output_written_over_a_readable_file_becomes_owner_only(tmp_path: Path) -> None:
    old = tmp_path / "bill.csv"
    old.write_text("old")
    old.chmod(0o644)
    write_private_text(old, "new")
    assert old.read_text() == "new" and _mode(old) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bill.csv"]


def test_a_failed_write_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), private_file(tmp_path / "x.csv") as fh:
        fh.write("half")
        raise RuntimeError("disk full")
    assert list(tmp_path.iterdir()) == []


def test_a_sqlite_file_given_by_url_is_owner_only(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'given.sqlite'}")
    migrate(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")
        files = sorted(tmp_path.iterdir())
        assert {p.name for p in files} >= {"given.sqlite", "given.sqlite-wal", "given.sqlite-shm"}
        assert {p.name: _mode(p) for p in files} == {p.name: 0o600 for p in files}
    engine.dispose()


def test_the_private_umask_is_given_back(tmp_path: Path) -> None:
    with private_umask(), private_umask():
        (tmp_path / "inside").touch()
    (tmp_path / "after").touch()
    assert _mode(tmp_path / "inside") == 0o600 and _mode(tmp_path / "after") == 0o644


def test_call_store_quarantine_findings_and_report_are_owner_only(tmp_path: Path) -> None:
    calls = tmp_path / "in" / "calls.csv"
    calls.parent.mkdir()
    calls.write_text(
        "record_type,connect_time_local,duration_tenths,calling_number\n"
        "110101,2024-03-12 10:00:00,100,2082638001\n"
        "110101,2024-03-12 25:00:00,100,2082638002\n",
        encoding="utf-8",
    )
    store = tmp_path / "traffic" / "calls.duckdb"
    db = f"sqlite:///{tmp_path / 'audit.sqlite'}"
    _run("traffic", "ingest", str(calls), "--calls-db", str(store), "--db", db)
    check, report = tmp_path / "check", tmp_path / "report"
    _run("traffic", "check", "--calls-db", str(store), "--out", str(check), "--db", db)
    _run("traffic", "report", "--from", str(check), "--out", str(report), "--db", db)
    files = [p for folder in (store.parent, check, report) for p in folder.rglob("*")]
    assert any(p.name.endswith(".quarantine.csv") for p in files)
    assert any(p.name == "findings.csv" for p in files) and any(p.name == "report.html" for p in files)
    assert {str(p): _mode(p) for p in files} == {str(p): 0o700 if p.is_dir() else 0o600 for p in files}
    assert _mode(store.parent) == _mode(check) == _mode(report) == 0o700
