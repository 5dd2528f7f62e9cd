"""Idempotent ingest of Daily Usage Files and call-record extracts into DuckDB (VI.9)."""

import datetime as dt
import shutil

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from icaops.traffic import ingest as ingest_module
from icaops.traffic.emi import PackInfo, ReadOptions, write_emi
from icaops.traffic.emi.synth import synthetic_batch
from icaops.traffic.ingest import (
    INPUT_COLUMNS,
    SourceError,
    ingest_file,
    read_csv_records,
    read_parquet_records,
    read_records,
)
from icaops.traffic.records import AMOUNT_SCALE, PROVENANCE, quarantined_rows

from .handbuilt import CAT_01, record, with_fields

ONE = ReadOptions(threads=1)
PACK = PackInfo(dt.date(2024, 3, 4), "9740", "1234")
CALL = [n for n in synthetic_batch(1).schema.names if n not in PROVENANCE]


@pytest.fixture
def con():
    connection = duckdb.connect()
    yield connection
    connection.close()


def interchange(batch) -> pa.Table:
    """A canonical batch as the columns a CSV/Parquet extract carries."""
    table = pa.Table.from_batches([batch])
    return table.select([c for c in INPUT_COLUMNS if c in table.schema.names])


def write_csv(path, batch):
    table = interchange(batch)
    i = table.schema.get_field_index("connect_time_local")
    table = table.set_column(i, "connect_time_local", pc.strftime(table["connect_time_local"], "%Y-%m-%d %H:%M:%S"))
    pacsv.write_csv(table, path)
    return path


def stored(con):
    return con.sql("SELECT * EXCLUDE (file_sha256) FROM call_records ORDER BY record_no").to_arrow_table()


def test_emi_file_is_ingested_once_by_checksum(con, tmp_path):
    """The same Daily Usage File delivered twice (VI.9.2) is not loaded twice."""
    path = tmp_path / "duf.emi"
    write_emi(path, synthetic_batch(200, 1), PACK)
    first = ingest_file(con, path, emi=ONE)
    assert (first.records_read, first.accepted, first.duplicates, first.quarantined, first.control_records) == (
        202,
        200,
        0,
        0,
        2,
    )
    again = ingest_file(con, shutil.copy(path, tmp_path / "renamed.emi"), emi=ONE)
    assert again.already_ingested and again.accepted == 0 and again.sha256 == first.sha256
    assert con.execute("SELECT count(*) FROM call_records").fetchone()[0] == 200
    assert con.execute("SELECT count(*) FROM ingested_files").fetchone()[0] == 1


def test_same_calls_in_a_different_file_are_duplicates_not_new_rows(con, tmp_path):
    """Identity is the call, not the file: re-sent records are counted once."""
    batch = synthetic_batch(300, 2)
    write_emi(tmp_path / "a.emi", batch.slice(0, 200), PACK)
    write_emi(tmp_path / "b.emi", batch.slice(100, 200), PackInfo(dt.date(2024, 3, 5)))
    ingest_file(con, tmp_path / "a.emi", emi=ONE)
    report = ingest_file(con, tmp_path / "b.emi", emi=ONE)
    assert (report.accepted, report.duplicates) == (100, 100)
    assert con.execute("SELECT count(DISTINCT record_id), count(*) FROM call_records").fetchone() == (300, 300)


def test_repeats_within_one_file_count_and_duplicates_across_formats(con, tmp_path):
    """Identical records in one file are repeated attempts (CPA.8); the same records in another file,
    whatever its format, are re-sent and counted once."""
    batch = synthetic_batch(50, 3)
    write_emi(tmp_path / "twice.emi", pa.Table.from_batches([batch, batch]), PACK)
    report = ingest_file(con, tmp_path / "twice.emi", emi=ONE)
    assert (report.accepted, report.duplicates) == (100, 0)
    pq.write_table(interchange(batch), tmp_path / "same.parquet")
    csv_report = ingest_file(con, write_csv(tmp_path / "same.csv", batch))
    pq_report = ingest_file(con, tmp_path / "same.parquet")
    assert (csv_report.duplicates, pq_report.duplicates, pq_report.accepted) == (50, 50, 0)
    pq.write_table(interchange(pa.concat_batches([batch] * 3)), tmp_path / "thrice.parquet")
    third = ingest_file(con, tmp_path / "thrice.parquet")
    assert (third.accepted, third.duplicates) == (50, 100)
    assert con.execute("SELECT count(*) FROM call_records").fetchone() == (150,)


def test_stored_rows_are_the_canonical_rows(con, tmp_path):
    batch = synthetic_batch(40, 4)
    write_emi(tmp_path / "c.emi", batch, PACK)
    ingest_file(con, tmp_path / "c.emi", emi=ONE)
    rows = stored(con)
    assert rows.select(CALL).to_pylist() == pa.Table.from_batches([batch]).select(CALL).to_pylist()
    assert rows.column("source_format").unique().to_pylist() == ["emi"]


def test_quarantine_table_and_report_for_malformed_records(con, tmp_path):
    path = tmp_path / "bad.emi"
    path.write_bytes(record(CAT_01) + record(with_fields(CAT_01, p7="240230")) + record(CAT_01)[:90])
    report = ingest_file(con, path, emi=ONE)
    assert (report.records_read, report.accepted, report.duplicates, report.quarantined) == (3, 1, 0, 2)
    q = con.execute(
        "SELECT record_no, byte_offset, field, expected, length(raw) FROM quarantine ORDER BY record_no"
    ).fetchall()
    assert q == [
        (2, 212, "date (7-12)", "YYMMDD calendar date", 210),
        (3, 424, "record length", "210 bytes (or 210 + modules) then CR LF; found 90 bytes", 90),
    ]
    assert con.execute("SELECT quarantined FROM ingested_files").fetchone() == (2,)


def test_failed_ingest_leaves_nothing_behind(con, tmp_path, monkeypatch):
    """One transaction per file: an error mid-file stores no rows and no file record."""
    write_emi(tmp_path / "d.emi", synthetic_batch(30, 5), PACK)

    def exploding(*args, **kwargs):
        yield from ingest_module.read_emi(tmp_path / "d.emi", ONE)
        raise OSError("disk went away")

    monkeypatch.setattr(ingest_module, "read_records", exploding)
    with pytest.raises(OSError):
        ingest_file(con, tmp_path / "d.emi")
    assert con.execute("SELECT count(*) FROM call_records").fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM ingested_files").fetchone() == (0,)


def test_csv_roundtrip_and_positions(tmp_path):
    batch = synthetic_batch(120, 6)
    chunks = list(read_csv_records(write_csv(tmp_path / "r.csv", batch), batch_rows=50))
    assert len(chunks) == 3
    table = pa.Table.from_batches([c.records for c in chunks])
    assert table.select(CALL).to_pylist() == pa.Table.from_batches([batch]).select(CALL).to_pylist()
    lines = (tmp_path / "r.csv").read_bytes().splitlines(keepends=True)
    assert table.column("byte_offset")[1].as_py() == len(lines[0]) + len(lines[1])
    assert table.column("record_no").to_pylist() == list(range(1, 121))


def test_csv_malformed_rows_are_quarantined_and_the_rest_read(tmp_path):
    path = tmp_path / "m.csv"
    head = "record_type,connect_time_local,calling_number,duration_tenths,amount\n"
    rows = [
        "010101,2024-03-01 14:30:05,2085551234,12,1.25\n",
        "010101,2024-02-30 14:30:05,2085551234,12,1.25\n",
        "010101,2024-03-01 14:30:05,20855X1234,12,1.25\n",
        "010101,2024-03-01 14:30:05,2085551234,12,1.2500001\n",
        "010101,2024-03-01 14:30:05,2085551234\n",
        "\n",
        "110101,2024-03-01 14:30:06,2085551234,7,\n",
    ]
    path.write_text(head + "".join(rows))
    chunks = list(read_csv_records(path))
    good = pa.Table.from_batches([c.records for c in chunks])
    bad = quarantined_rows(pa.Table.from_batches([c.quarantine for c in chunks]))
    assert good.column("record_no").to_pylist() == [1, 6]
    assert good.column("amount_minor").to_pylist() == [125 * 10 ** (AMOUNT_SCALE - 2), None]
    assert [(b.record_no, b.field) for b in bad] == [
        (2, "connect_time_local"),
        (3, "calling_number"),
        (4, "amount"),
        (5, "columns"),
    ]
    assert bad[0].expected == "a real calendar date and time of day"
    assert bad[0].byte_offset == len(head) + len(rows[0])
    assert bad[2].expected.startswith("a decimal amount in dollars, at most 6 places")
    assert bad[3].raw == rows[4].rstrip("\n")


def test_csv_bad_utf8_row(tmp_path):
    path = tmp_path / "u.csv"
    path.write_bytes(
        b"record_type,connect_time_local,duration_tenths,trunk_group\n"
        b"110101,2024-03-01 14:30:05,1,\xff\xfe\n110101,2024-03-01 14:30:05,1,0001\n"
    )
    chunks = list(read_csv_records(path))
    assert [q["field"] for c in chunks for q in c.quarantine.to_pylist()] == ["encoding"]
    assert sum(c.records.num_rows for c in chunks) == 1


def test_missing_required_column_names_file_and_columns(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("record_type,calling_number\n010101,2085551234\n")
    with pytest.raises(
        SourceError,
        match=r"x\.csv: expected a header row naming the columns .*missing connect_time_local, duration_tenths",
    ):
        list(read_csv_records(path))


def test_parquet_with_typed_columns_and_negative_amounts(tmp_path):
    table = pa.table(
        {
            "record_type": ["010101", "010101"],
            "connect_time_local": pa.array([dt.datetime(2024, 3, 1, 14, 30, 5, 250000)] * 2, pa.timestamp("us")),
            "duration_tenths": pa.array([12, 7], pa.int32()),
            "amount": pa.array(["-1.250", "0.000001"], pa.string()).cast(pa.decimal128(12, 6)),
        }
    )
    pq.write_table(table, tmp_path / "t.parquet")
    chunks = list(read_parquet_records(tmp_path / "t.parquet"))
    rows = chunks[0].records.to_pylist()
    assert [r["amount_minor"] for r in rows] == [-1_250_000, 1]
    assert rows[0]["connect_time_local"] == dt.datetime(2024, 3, 1, 14, 30, 5)  # sub-second floored
    assert rows[0]["byte_offset"] is None and rows[1]["record_no"] == 2


def test_parquet_float_money_is_refused(tmp_path):
    """Project rule: money is never binary floating point."""
    table = pa.table(
        {
            "record_type": ["010101"],
            "connect_time_local": ["2024-03-01 14:30:05"],
            "duration_tenths": [1],
            "amount": [1.25],
        }
    )
    pq.write_table(table, tmp_path / "f.parquet")
    with pytest.raises(SourceError, match="amount: expected integer, decimal or text"):
        list(read_parquet_records(tmp_path / "f.parquet"))


def test_unknown_format_is_a_source_error(tmp_path):
    with pytest.raises(SourceError, match=r"usage\.txt: expected a name ending in"):
        list(read_records(tmp_path / "usage.txt"))


def test_a_call_store_without_the_integer_keys_is_refused_naming_them(con, tmp_path):
    """A store made before the integer keys (icaops/traffic/records/keys.py) cannot take new rows: the
    checks read the keys, so ingest says which columns it lacks instead of storing rows without them."""
    from icaops.traffic.records import CALL_RECORD_SCHEMA, KEY_FIELDS

    old = [f for f in CALL_RECORD_SCHEMA if f not in KEY_FIELDS]
    types = {pa.string(): "VARCHAR", pa.int64(): "BIGINT", pa.date32(): "DATE"}
    cols = ", ".join(
        f"{f.name} {types.get(f.type, 'TIMESTAMPTZ' if f.name == 'connect_time' else 'TIMESTAMP')}" for f in old
    )
    con.execute(f"CREATE TABLE call_records ({cols}, file_sha256 VARCHAR NOT NULL)")
    write_emi(tmp_path / "c.emi", synthetic_batch(5, 1), PACK)
    with pytest.raises(SourceError, match="missing connect_epoch, calling_block") as raised:
        ingest_file(con, tmp_path / "c.emi", emi=ONE)
    assert "call_flags" in str(raised.value)
