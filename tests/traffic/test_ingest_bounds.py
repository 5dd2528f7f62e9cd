"""Bounded work for any input file (issue 11): garbage is refused fast with the file and the reason,
nothing of a refused file is stored, and the quarantine of an accepted file is capped."""

from __future__ import annotations

import datetime as dt
import time

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from icaops.traffic import ingest as ingest_module
from icaops.traffic.emi import PackInfo, ReadOptions, write_emi
from icaops.traffic.emi.synth import synthetic_batch
from icaops.traffic.ingest import CSV_LINE_BYTES, MALFORMED_SAMPLE, QUARANTINE_CHARS, SourceError, ingest_file

from .handbuilt import CAT_01, record, with_fields

PACK = PackInfo(dt.date(2024, 3, 4), "9740", "1234")
ONE = ReadOptions(threads=1)
REQUIRED = "record_type, connect_time_local, duration_tenths"


@pytest.fixture
def con():
    connection = duckdb.connect()
    yield connection
    connection.close()


def nothing_stored(con) -> bool:
    return all(
        con.execute(f"SELECT count(*) FROM {t}").fetchone() == (0,)
        for t in ("call_records", "quarantine", "ingested_files")
    )


def refused(con, path, **kwargs) -> str:
    with pytest.raises(SourceError) as info:
        ingest_file(con, path, **kwargs)
    assert nothing_stored(con)
    return str(info.value)


def test_random_bytes_as_emi_are_refused_in_seconds(con, tmp_path):
    """Before: 200 MB of random bytes exited 0 after 41 s with 660 MB of quarantine. Now the first
    ~870 KB decide, whatever the size."""
    path = tmp_path / "noise.emi"
    path.write_bytes(np.random.default_rng(1).integers(0, 256, 4_000_000, dtype=np.uint8).tobytes())
    started = time.perf_counter()
    message = refused(con, path)
    assert time.perf_counter() - started < 10
    assert message.startswith(f"{path}: expected call records in emi format; ")
    assert "records are malformed (more than half), so nothing of the file was stored" in message
    assert "The first: " in message and "record 1 (byte 0)" in message


def test_a_file_mostly_malformed_after_the_sample_is_refused(con, tmp_path):
    good, bad = record(CAT_01), record(with_fields(CAT_01, p7="240230"))
    path = tmp_path / "mostly_bad.emi"
    path.write_bytes(good * 400 + bad * (MALFORMED_SAMPLE - 400))
    assert "600 of its first 1,000 records are malformed" in refused(con, path, emi=ONE)


def test_a_file_with_some_malformed_records_is_read(con, tmp_path):
    good, bad = record(CAT_01), record(with_fields(CAT_01, p7="240230"))
    path = tmp_path / "some_bad.emi"
    path.write_bytes(good * 600 + bad * 500)
    report = ingest_file(con, path, emi=ONE)
    assert (report.records_read, report.quarantined, report.quarantine_kept) == (1100, 500, 500)


def test_a_small_file_with_no_readable_record_is_refused(con, tmp_path):
    path = tmp_path / "tiny.emi"
    path.write_bytes(b"not a daily usage file\n")
    assert "none of its 1 records could be read" in refused(con, path)


def test_the_quarantine_keeps_at_most_the_cap_and_cuts_long_text(con, tmp_path, monkeypatch):
    monkeypatch.setattr(ingest_module, "QUARANTINE_KEPT", 7)
    path = tmp_path / "long_lines.emi"
    long_line = b"9" * 5000 + b"\r\n"
    path.write_bytes(record(CAT_01) * 20 + long_line * 12)
    report = ingest_file(con, path, emi=ONE)
    assert (report.quarantined, report.quarantine_kept) == (12, 7)
    assert con.execute("SELECT count(*), max(length(raw)) FROM quarantine").fetchone() == (7, QUARANTINE_CHARS["raw"])
    assert con.execute("SELECT quarantined FROM ingested_files").fetchone() == (12,)


def test_a_csv_with_none_of_the_expected_columns_is_refused(con, tmp_path):
    """Before: read 0 records and marked ingested."""
    path = tmp_path / "other.csv"
    path.write_text("name,amount,when\n", encoding="utf-8")
    message = refused(con, path)
    assert message.startswith(f"{path}: expected a header row naming the columns {REQUIRED}")
    assert f"missing {REQUIRED} in the header 'name, amount, when'" in message


def test_a_binary_csv_is_refused(con, tmp_path):
    """Before: read 0 records and marked ingested."""
    noise = np.random.default_rng(2).integers(0, 256, 300_000, dtype=np.uint8)
    for name, data in (("noise.csv", noise), ("no_lines.csv", noise[(noise != 10) & (noise != 13)])):
        path = tmp_path / name
        path.write_bytes(data.tobytes())
        message = refused(con, path)
        assert message.startswith(f"{path}: expected a")
        assert REQUIRED in message or "lines of at most" in message


def test_a_csv_line_over_the_limit_is_refused(con, tmp_path):
    path = tmp_path / "long.csv"
    path.write_bytes(b"record_type,connect_time_local,duration_tenths\n" + b"1" * (CSV_LINE_BYTES + 10) + b"\n")
    assert f"expected CSV lines of at most {CSV_LINE_BYTES:,} bytes" in refused(con, path)


def test_an_empty_parquet_file_without_the_columns_is_refused(con, tmp_path):
    path = tmp_path / "other.parquet"
    pq.write_table(pa.table({"name": pa.array([], pa.string())}), path)
    assert f"expected columns {REQUIRED}" in refused(con, path)
    junk = tmp_path / "junk.parquet"
    junk.write_bytes(b"PAR1 this is not parquet")
    assert refused(con, junk).startswith(f"{junk}: expected a Parquet file")


def test_a_good_file_still_reads_whole(con, tmp_path):
    path = tmp_path / "good.emi"
    write_emi(path, synthetic_batch(5000, 9), PACK)
    report = ingest_file(con, path)
    assert (report.accepted, report.quarantined) == (5000, 0)
