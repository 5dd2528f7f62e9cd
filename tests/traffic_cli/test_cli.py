"""`icaops traffic generate | ingest | check | report` through Typer's CliRunner, and the demo."""

from __future__ import annotations

import csv

import duckdb
import numpy as np
import pytest
from typer.testing import CliRunner

from icaops.app.agreements import open_agreement
from icaops.app.traffic import demo_day
from icaops.cli import app
from icaops.commands.output import console
from icaops.commands.traffic import print_demo_day

pytestmark = pytest.mark.slow  # the traffic CLI end to end, on a generated day

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, ["traffic", *map(str, args)], catch_exceptions=False)


@pytest.fixture(scope="module")
def day_file(tmp_path_factory):
    """A generated day written as Parquet by the CLI."""
    path = tmp_path_factory.mktemp("day") / "day.parquet"
    result = invoke("generate", "--calls", 15000, "--out", path)
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def checked(tmp_path_factory, day_file):
    """The output folder of `traffic check --parquet`."""
    out = tmp_path_factory.mktemp("check")
    result = invoke("check", "--parquet", day_file, "--out", out)
    assert result.exit_code == 0, result.output
    return out, result.output


def test_generate_says_what_it_planted(day_file, tmp_path):
    result = invoke("generate", "--calls", 12000, "--date", "2024-03-13", "--out", tmp_path / "d.csv")
    assert result.exit_code == 0
    assert "for 2024-03-13" in result.output and "cpn_altered 6" in result.output
    header = next(csv.reader((tmp_path / "d.csv").open(encoding="utf-8")))
    assert header[:3] == ["record_type", "connect_time_local", "calling_number"]


def test_ingest_counts_and_is_idempotent(tmp_path, day_file):
    db = tmp_path / "t.duckdb"
    first = invoke("ingest", day_file, "--calls-db", db)
    assert first.exit_code == 0 and "15,000" in first.output
    again = invoke("ingest", day_file, "--calls-db", db)
    assert "already ingested" in again.output
    assert "15,000 calls in" in again.output


def test_ingest_writes_the_quarantine_with_record_field_and_expectation(tmp_path):
    bad = tmp_path / "calls.csv"
    bad.write_text(
        "record_type,connect_time_local,duration_tenths,calling_number\n"
        "110101,2024-03-12 10:00:00,100,2082638001\n"
        "110101,2024-03-12 25:00:00,100,2082638002\n",
        encoding="utf-8",
    )
    result = invoke("ingest", bad, "--calls-db", tmp_path / "t.duckdb")
    assert result.exit_code == 0
    quarantine = next((tmp_path / "quarantine").glob("calls.csv.*.quarantine.csv"))
    assert f"quarantined records of {bad} (record, field, expected, found): {quarantine}" in result.output
    rows = list(csv.DictReader(quarantine.open(encoding="utf-8")))
    assert [(r["record_no"], r["field"]) for r in rows] == [("2", "connect_time_local")]
    assert "real calendar date and time" in rows[0]["expected"]


def test_ingest_of_an_unknown_format_fails_naming_the_file(tmp_path):
    odd = tmp_path / "calls.txt"
    odd.write_text("x", encoding="utf-8")
    result = invoke("ingest", odd, "--calls-db", tmp_path / "t.duckdb")
    assert result.exit_code == 1 and "calls.txt" in result.output


def test_check_prints_kinds_with_clauses_and_writes_files(checked):
    """CPA.1.1, 7, 8, 9, 10 in the summary; findings files with clause ids."""
    out, output = checked
    for kind, clause in (
        ("provider_not_authorized", "CPA.1.1"),
        ("cpn_altered", "CPA.7"),
        ("voip_911_to_ilec", "CPA.10"),
        ("outside_serving_area", "CPA.9"),
        ("dos_provider", "CPA.8"),
    ):
        assert any(kind in line and clause in line for line in output.splitlines()), kind
    assert "dos_detected" in output and "remedy:" in output
    rows = list(csv.DictReader((out / "findings.csv").open(encoding="utf-8")))
    assert {r["clause"] for r in rows} == {"CPA.1.1", "CPA.7", "CPA.8", "CPA.9", "CPA.10"}


def test_check_from_the_database_finds_the_same_as_from_parquet(tmp_path, day_file, checked):
    db = tmp_path / "t.duckdb"
    invoke("ingest", day_file, "--calls-db", db)
    out = tmp_path / "from-db"
    assert invoke("check", "--calls-db", db, "--out", out).exit_code == 0
    from_db = sorted(r["record_id"] + r["kind"] for r in csv.DictReader((out / "findings.csv").open()))
    from_pq = sorted(r["record_id"] + r["kind"] for r in csv.DictReader((checked[0] / "findings.csv").open()))
    assert from_db == from_pq


@pytest.mark.parametrize(
    "args, message",
    [
        ((), "out/traffic/traffic.duckdb: no such file"),  # the store `traffic ingest` writes by default
        (("--calls-db", "a.duckdb", "--parquet", "x.parquet"), "one of --calls-db PATH or --parquet GLOB, not both"),
        (("--parquet", "x.parquet", "--backend", "spark"), "expected duckdb or pyspark"),
        (("--parquet", "nomatch*"), "--parquet 'nomatch*': no file matches"),
        (("--as-of", "12/03/2024"), "--as-of '12/03/2024': expected a date YYYY-MM-DD"),
        (("--calls-db", "missing.duckdb"), "no such file"),
    ],
)
def test_check_refuses_bad_arguments(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = invoke("check", *args, "--out", tmp_path)
    assert result.exit_code == 2 and message in result.output


def test_report_draws_html_and_charts_from_a_check_folder(checked, tmp_path):
    out, _ = checked
    result = invoke("report", "--from", out, "--out", tmp_path)
    assert result.exit_code == 0
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "dos_provider" in html and "CPA.8" in html
    assert (tmp_path / "calls_per_minute.png").stat().st_size > 1000


def test_report_without_a_check_says_what_is_missing(tmp_path):
    result = invoke("report", "--out", tmp_path)
    assert result.exit_code == 2 and "findings.parquet" in result.output


def test_demo_prints_findings_with_clauses_and_the_dos_event(tmp_path):
    demo = demo_day(open_agreement(), tmp_path, calls=15000)
    with console.capture() as captured:
        print_demo_day(demo)
    text = captured.get()
    assert "dos_detected" in text and "[CPA.8]" in text and "cpn_altered" in text
    assert (tmp_path / "report" / "report.html").exists() and (tmp_path / "check" / "findings.parquet").exists()


def test_ingest_of_random_bytes_exits_1_naming_the_file_and_stores_nothing(tmp_path):
    """Issue 11: 200 MB of random bytes exited 0 after 41 s; now refused on its first chunk, with why."""
    noise = tmp_path / "noise.emi"
    noise.write_bytes(np.random.default_rng(4).integers(0, 256, 3_000_000, dtype=np.uint8).tobytes())
    db = tmp_path / "t.duckdb"
    result = invoke("ingest", noise, "--calls-db", db)
    assert result.exit_code == 1
    text = " ".join(result.output.split())
    assert "noise.emi" in text and "malformed (more than half)" in text and "nothing of the file was stored" in text
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM ingested_files").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM quarantine").fetchone() == (0,)
    finally:
        con.close()
    assert not (tmp_path / "quarantine").exists()
