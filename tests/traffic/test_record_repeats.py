"""Identical call attempts in one file all count (CPA.8); re-ingesting or re-sending a file changes nothing.

A record's identity is its call fields plus its ordinal among identical records of its file
(records/repeats.py, docs/traffic-pipeline.md#record-identity).
"""

from __future__ import annotations

import datetime as dt
import shutil

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from icaops.terms.loader import load_agreement
from icaops.traffic.emi import PackInfo, ReadOptions, read_emi_table, write_emi
from icaops.traffic.emi.synth import synthetic_batch
from icaops.traffic.ingest import INPUT_COLUMNS, ingest_file, read_csv_records
from icaops.traffic.pipeline import calls_from_arrow, check_traffic, connect, prepare_checks
from icaops.traffic.records import CALL_RECORD_SCHEMA, Repeats, number_repeats, record_ids
from icaops.traffic.reference import load_shipped_reference
from tests.traffic_pipeline import fixture

PACK = PackInfo(dt.date(2024, 3, 4), "9740", "1234")
ONE = ReadOptions(threads=1)


@pytest.fixture
def con():
    connection = duckdb.connect()
    yield connection
    connection.close()


def flood(n: int, seed: int = 7) -> pa.RecordBatch:
    """``n`` identical attempts: same numbers, trunk group, second and duration."""
    one = synthetic_batch(1, seed, record_types=("110101",))
    return pa.concat_batches([one] * n)


def stored_count(con) -> int:
    return con.execute("SELECT count(*) FROM call_records").fetchone()[0]


def test_a_hundred_identical_attempts_in_one_file_are_a_hundred_calls(con, tmp_path):
    """Before: 1 accepted and 99 duplicates, so a DoS flood was undercounted."""
    path = tmp_path / "flood.emi"
    write_emi(path, flood(100), PACK)
    report = ingest_file(con, path, emi=ONE)
    assert (report.accepted, report.duplicates, report.quarantined) == (100, 0, 0)
    assert con.execute("SELECT count(DISTINCT record_id), count(*) FROM call_records").fetchone() == (100, 100)


def test_the_same_file_twice_changes_nothing(con, tmp_path):
    path = tmp_path / "flood.emi"
    write_emi(path, flood(100), PACK)
    ingest_file(con, path, emi=ONE)
    before = con.execute("SELECT * FROM call_records ORDER BY record_id").fetchall()
    again = ingest_file(con, shutil.copy(path, tmp_path / "renamed.emi"), emi=ONE)
    assert again.already_ingested and again.accepted == 0
    assert con.execute("SELECT * FROM call_records ORDER BY record_id").fetchall() == before
    # Another file (another pack date, so another checksum) re-sending the same attempts adds none.
    write_emi(tmp_path / "resent.emi", flood(100), PackInfo(dt.date(2024, 3, 5), "9740", "1234"))
    resent = ingest_file(con, tmp_path / "resent.emi", emi=ONE)
    assert (resent.accepted, resent.duplicates) == (0, 100)
    # ... and one that holds more attempts than were stored adds only those.
    write_emi(tmp_path / "more.emi", flood(130), PackInfo(dt.date(2024, 3, 6), "9740", "1234"))
    assert ingest_file(con, tmp_path / "more.emi", emi=ONE).accepted == 30
    assert stored_count(con) == 130


def test_the_first_of_identical_records_keeps_the_id_it_always_had():
    """Identity version 2 changes only the ids of the second and later identical records."""
    batch = flood(3)
    ids = with_ids(batch).column(0).to_pylist()
    assert ids[0] == record_ids(batch.slice(0, 1))[0].as_py()
    assert len(set(ids)) == 3


def with_ids(batch: pa.RecordBatch) -> pa.RecordBatch:
    """``batch`` with the record ids of ordinal 0, then numbered as one source."""
    return number_repeats(batch.set_column(0, CALL_RECORD_SCHEMA.field(0), record_ids(batch)))


def test_numbering_does_not_depend_on_how_a_file_is_cut(tmp_path):
    """Ordinals are per file, in file order: the same ids whatever the chunk size or threads."""
    rng = np.random.default_rng(3)
    base = synthetic_batch(40, 11)
    rows = pa.array(rng.integers(0, 40, 3000))  # each call repeated ~75 times, scattered
    table = pa.Table.from_batches([base]).take(rows)
    write_emi(tmp_path / "mixed.emi", table, PACK)
    whole, _ = read_emi_table(tmp_path / "mixed.emi", ONE)
    small, _ = read_emi_table(tmp_path / "mixed.emi", ReadOptions(threads=2, chunk_bytes=212 * 97))
    assert whole.column("record_id").to_pylist() == small.column("record_id").to_pylist()
    assert pc.count_distinct(whole.column("record_id")).as_py() == 3000
    one_batch = with_ids(pa.concat_batches(whole.to_batches()))
    assert one_batch.column("record_id").to_pylist() == whole.column("record_id").to_pylist()


def test_csv_numbers_repeats_across_its_batches_like_emi(tmp_path):
    table = pa.Table.from_batches([flood(5)] * 3)
    write_emi(tmp_path / "f.emi", table, PACK)
    from_emi, _ = read_emi_table(tmp_path / "f.emi", ONE)
    text = from_emi.select([c for c in INPUT_COLUMNS if c in from_emi.schema.names])
    text = text.set_column(
        text.schema.get_field_index("connect_time_local"),
        "connect_time_local",
        pc.strftime(text["connect_time_local"], "%Y-%m-%d %H:%M:%S"),
    )
    pacsv.write_csv(text, tmp_path / "f.csv")
    from_csv = pa.Table.from_batches([c.records for c in read_csv_records(tmp_path / "f.csv", batch_rows=4)])
    assert from_csv.column("record_id").to_pylist() == from_emi.column("record_id").to_pylist()


def test_repeats_state_matches_one_pass_over_random_batches():
    rng = np.random.default_rng(5)
    base = synthetic_batch(30, 2)
    table = pa.Table.from_batches([base]).take(pa.array(rng.integers(0, 30, 2000)))
    whole = pa.concat_batches(table.to_batches())
    whole = whole.set_column(0, CALL_RECORD_SCHEMA.field(0), record_ids(whole))
    expected = with_ids(whole).column(0).to_pylist()
    repeats, got, at = Repeats(), [], 0
    for size in rng.integers(0, 300, 40):
        piece = whole.slice(at, int(size))
        got += repeats.number(piece).column(0).to_pylist()
        at += int(size)
    got += repeats.number(whole.slice(at)).column(0).to_pylist()
    assert got == expected


def test_a_dos_flood_of_identical_attempts_is_counted_in_full(con, tmp_path, agreement):
    """CPA.8: 700 identical unanswered attempts in one second on one trunk group, ingested from a file,
    make a window of 700 attempts (before: one attempt, no window)."""
    attempt = fixture.call(
        1,
        at=fixture.at(30),
        calling="2086345001",
        called=fixture.ILEC_SANDPOINT,
        orig_ocn="Z201",
        trunk=fixture.DOS_TRUNK,
        seconds=0,
    )
    calls = fixture.to_table([attempt] * fixture.DOS_ATTEMPTS)
    assert pc.count_distinct(calls.column("record_id")).as_py() == fixture.DOS_ATTEMPTS
    path = tmp_path / "flood.parquet"
    pq.write_table(calls.select([c for c in INPUT_COLUMNS if c in calls.schema.names]), path)
    report = ingest_file(con, path)
    assert (report.accepted, report.duplicates) == (fixture.DOS_ATTEMPTS, 0)
    con.execute("SET TimeZone = 'UTC'")
    rows = con.sql(f"SELECT {', '.join(CALL_RECORD_SCHEMA.names)} FROM call_records").to_arrow_table()
    rows = pa.table([rows.column(f.name).cast(f.type) for f in CALL_RECORD_SCHEMA], schema=CALL_RECORD_SCHEMA)
    checks = prepare_checks(agreement.terms, load_shipped_reference(), fixture.registry(), connect("duckdb"))
    result = check_traffic(calls_from_arrow(rows), checks)
    windows = result.dos_windows.to_pylist()
    assert {(w["scope"], w["attempts"]) for w in windows} == {("trunk_group", 700), ("provider", 700)}
    assert [e.type for e in result.events] == ["dos_detected", "dos_detected"]


@pytest.fixture(scope="module")
def agreement():
    return load_agreement("centurylink-granite-id-2012")
