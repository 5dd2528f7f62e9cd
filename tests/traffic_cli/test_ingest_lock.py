"""Two `traffic ingest` into one DuckDB file (issue 11 §2): the second waits while the first
holds the file, then goes on, or stops with a message naming the file; never a traceback."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from icaops.app.errors import UserError
from icaops.app.traffic import ingest_files
from icaops.cli import app

HOLDER = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
con.close()
"""


@contextmanager
def held(db: Path, seconds: float) -> Iterator[subprocess.Popen]:
    """Another process holding the call store for `seconds` (DuckDB locks per process)."""
    process = subprocess.Popen([sys.executable, "-c", HOLDER, str(db), str(seconds)], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "holding"
        yield process
    finally:
        process.kill()
        process.wait(timeout=10)


def test_a_second_ingest_is_refused_with_the_file_named(tmp_path):
    db = tmp_path / "calls.duckdb"
    with held(db, 60) as holder:
        started = time.monotonic()
        with pytest.raises(UserError, match="another ingest holds the call store") as refused:
            ingest_files(db, [], wait_s=0.5)
        assert time.monotonic() - started < 10
        assert str(db) in refused.value.message and str(holder.pid) in refused.value.message
        assert refused.value.code == "conflict"
        result = CliRunner().invoke(
            app, ["traffic", "ingest", str(tmp_path / "none.csv"), "--calls-db", str(db), "--wait", "0.3"]
        )
    assert result.exit_code == 2, result.output
    assert "another ingest holds the call store" in result.output and "Traceback" not in result.output


def test_a_second_ingest_waits_for_the_first(tmp_path):
    db = tmp_path / "calls.duckdb"
    with held(db, 1.0):
        done = ingest_files(db, [], wait_s=30)
    assert done.total_calls == 0 and done.files == ()
