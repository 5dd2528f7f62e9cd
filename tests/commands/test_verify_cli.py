"""`icaops verify`: exit 0 when the record is intact, 1 when damage is found (each finding
printed: table, record, what was expected), 2 for a usage error; `--heads` prints the per-day
heads in a form `--compare` reads back."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from icaops.cli import app

runner = CliRunner()
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "granite-2012-09.yaml"


def verify(*args: str):
    return runner.invoke(app, ["verify", *args], catch_exceptions=False)


def test_verify_exit_codes_and_heads(tmp_path):
    db = tmp_path / "icaops.sqlite"
    url = f"sqlite:///{db}"
    assert runner.invoke(app, ["events", "load", str(EXAMPLE), "--db", url]).exit_code == 0
    intact = verify("--db", url)
    assert intact.exit_code == 0, intact.output
    assert "events: 7 records" in intact.output and "intact" in intact.output

    heads = verify("--db", url, "--heads")
    assert heads.exit_code == 0
    kept = tmp_path / "heads.txt"
    kept.write_text(heads.output)
    [line] = [x for x in heads.output.splitlines() if not x.startswith("#")]
    assert line.split()[1:3] == ["events", "7"]
    assert verify("--db", url, "--compare", str(kept)).exit_code == 0

    with sqlite3.connect(db) as conn:  # the file's owner: past the triggers
        conn.execute("DROP TRIGGER events_no_update")
        conn.execute("UPDATE events SET payload = '{}' WHERE event_id = 'ex-P1'")
    damaged = verify("--db", url, "--compare", str(kept))
    assert damaged.exit_code == 1, damaged.output
    assert "events chain_seq 7 (GRANITE/ex-P1): content changed since it was stored (edited)" in damaged.output
    assert "trigger events_no_update: guard missing" in damaged.output

    bad_file = tmp_path / "bad.txt"
    bad_file.write_text("not a head\n")
    for args in (["--compare", str(bad_file)], ["--compare", str(tmp_path / "none.txt")], ["--nope"]):
        result = verify("--db", url, *args)
        assert result.exit_code == 2, (args, result.output)
    assert verify("--db", "nonsense://x").exit_code == 2
