"""Call-record ingest: EMI, CSV and Parquet into DuckDB, idempotently (agreement VI.9).

- Readers stream a file as ``RecordChunk``s of the canonical schema (records.py) with
  bounded memory; malformed records go to quarantine and reading goes on.
- ``ingest_file`` loads one file in one transaction. A file already ingested (same sha256)
  is skipped; a call whose ``record_id`` is already stored, from any file, is counted as a
  duplicate and not stored twice (identical calls within one file have distinct ids:
  records/repeats.py).
- Bounded for any input: at most ``QUARANTINE_KEPT`` malformed records of a file are kept,
  their text cut to ``QUARANTINE_CHARS``; a file with more than half of its first
  ``MALFORMED_SAMPLE`` or more records malformed, or with no readable record, is refused
  (``SourceError``) and nothing of it is stored.

CSV and Parquet carry canonical column names (see ``TEXT_RULES``): ``record_type``,
``connect_time_local`` ("YYYY-MM-DD HH:MM:SS", agreement zone wall clock) and
``duration_tenths`` are required; money is ``amount`` (decimal dollars) or ``amount_minor``.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from icaops.traffic.emi import ReadOptions, read_emi
from icaops.traffic.emi import columns as C
from icaops.traffic.emi.reader import DEFAULT_OPTIONS
from icaops.traffic.records import (
    AGREEMENT_ZONE,
    AMOUNT_SCALE,
    CALL_RECORD_SCHEMA,
    KEY_FIELDS,
    WIDTHS,
    Quarantined,
    RecordChunk,
    Repeats,
    finish_batch,
    quarantine_batch,
    quarantined_rows,
)

BATCH_ROWS = 65536
QUARANTINE_KEPT = 10_000
"""Malformed records of one file kept in the quarantine table (all are counted)."""
QUARANTINE_CHARS = {"raw": 1024, "found": 256}
"""Longest text kept of a quarantined record's raw text and found value: at most about 13 MB a file."""
MALFORMED_SAMPLE = 1000
"""Once this many records of a file are read, more than half of them malformed stops the file."""

_DIGITS = r"^[0-9]+$"
_TIME = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?$"
_AMOUNT = r"^-?[0-9]{1,12}(\.[0-9]+)?$"

TEXT_RULES: dict[str, tuple[str | None, str]] = {
    "record_type": (r"^[0-9]{6}$", "6 digits (EMI record id CCGGRR)"),
    "connect_time_local": (_TIME, "YYYY-MM-DD HH:MM:SS, a real date and time"),
    "calling_number": (_DIGITS, "digits"),
    "called_number": (_DIGITS, "digits"),
    "overflow_digits": (_DIGITS, "digits"),
    "duration_tenths": (r"^[0-9]{1,12}$", "whole tenths of a second"),
    "conversation_tenths": (r"^[0-9]{1,12}$", "whole tenths of a second"),
    "amount_minor": (r"^-?[0-9]{1,18}$", f"an integer in units of 10^-{AMOUNT_SCALE} dollars"),
    "amount": (_AMOUNT, f"a decimal amount in dollars, at most {AMOUNT_SCALE} places"),
    "cic": (_DIGITS, "digits"),
    "orig_lrn": (_DIGITS, "digits"),
    "term_lrn": (_DIGITS, "digits"),
}
"""Pattern and expectation for text input columns; other canonical text columns take any
text up to their width (records.WIDTHS)."""

REQUIRED = ("record_type", "connect_time_local", "duration_tenths")
_DERIVED = {
    "record_id",
    "source_file",
    "source_format",
    "record_no",
    "byte_offset",
    "category",
    "call_date",
    "connect_time",
    *(f.name for f in KEY_FIELDS),
}
INPUT_COLUMNS = tuple(n for n in CALL_RECORD_SCHEMA.names if n not in _DERIVED) + ("amount",)
_INT_COLUMNS = ("duration_tenths", "conversation_tenths", "amount_minor")


class SourceError(ValueError):
    """A whole input file cannot be read (unknown format, missing required column)."""


@dataclass(frozen=True, slots=True)
class Rejection:
    """Row ``row`` (0-based within its batch) failed ``field``."""

    row: int
    field: str
    expected: str
    found: str | None


# --- text columns to canonical -------------------------------------------------------------


def _local_seconds(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """("YYYY-MM-DD HH:MM:SS" strings already matching ``_TIME``) -> (seconds, valid)."""
    head = pc.utf8_slice_codeunits(pc.fill_null(text, "1970-01-01 00:00:00"), 0, 19)
    block = C.RecordBlock.from_rows(C.fixed_bytes(head, 19)[0])
    y, mo, d = (block.digits(a, w)[1] for a, w in ((0, 4), (5, 2), (8, 2)))
    h, mi, s = (block.digits(a, 2)[1] for a in (11, 14, 17))
    valid = C.valid_date(y, mo, d) & (h < 24) & (mi < 60) & (s < 60)
    return C.days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s, valid


def _amount_minor(text: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """Decimal dollar strings (already matching ``_AMOUNT``, or null) to exact minor units.

    Returns (amounts, fits): fits is False where more than AMOUNT_SCALE places are not zero.
    """
    parts = pc.extract_regex(pc.fill_null(text, "0"), r"^(?P<sign>-?)(?P<whole>[0-9]+)(?:\.(?P<frac>[0-9]*))?$")
    frac = pc.utf8_rtrim(pc.struct_field(parts, "frac"), "0")
    fits = pc.less_equal(pc.utf8_length(frac), AMOUNT_SCALE).to_numpy(zero_copy_only=False)
    frac = pc.utf8_rpad(pc.if_else(fits, frac, ""), AMOUNT_SCALE, "0")
    units = pc.cast(pc.struct_field(parts, "whole"), pa.int64()).to_numpy() * 10**AMOUNT_SCALE
    units = units + pc.cast(frac, pa.int64()).to_numpy()
    negative = pc.equal(pc.struct_field(parts, "sign"), "-").to_numpy(zero_copy_only=False)
    nulls = pc.is_null(text).to_numpy(zero_copy_only=False)
    return pa.array(np.where(negative, -units, units), pa.int64(), mask=nulls), fits | nulls


def from_text_columns(
    batch: pa.RecordBatch, source: str, fmt: str, record_no: np.ndarray, byte_offset: np.ndarray | None, zone: str
) -> tuple[pa.RecordBatch, list[Rejection]]:
    """Validate string columns named as canonical fields; returns (good rows, rejections)."""
    missing = [c for c in REQUIRED if c not in batch.schema.names]
    if missing:
        raise SourceError(f"{source}: expected columns {', '.join(REQUIRED)}; missing {', '.join(missing)}")
    n = batch.num_rows
    cols = {
        name: pc.if_else(pc.equal(batch.column(name), ""), None, batch.column(name))
        for name in INPUT_COLUMNS
        if name in batch.schema.names
    }
    checks: list[tuple[str, np.ndarray, str]] = []
    for name, col in cols.items():
        pattern, expected = TEXT_RULES.get(name, (None, "text"))
        present = pc.is_valid(col)
        good = present if pattern is None else pc.fill_null(pc.match_substring_regex(col, pattern), False)
        if name in WIDTHS:
            good = pc.and_(good, pc.less_equal(pc.utf8_length(col), WIDTHS[name]))
            expected += f" (at most {WIDTHS[name]} characters)"
        good = pc.fill_null(good, False).to_numpy(zero_copy_only=False)
        if name not in REQUIRED:
            good |= ~present.to_numpy(zero_copy_only=False)
        checks.append((name, good, expected))
        if name == "connect_time_local":
            local, time_ok = _local_seconds(col)
            checks.append((name, time_ok | ~good, "a real calendar date and time of day"))
        if name == "amount":
            amount, fits = _amount_minor(pc.if_else(pa.array(good), col, None))
            checks.append((name, fits, expected))
    ok = np.ones(n, dtype=bool)
    rejections: list[Rejection] = []
    for name, good, expected in checks:
        for i in np.flatnonzero(ok & ~good):
            rejections.append(Rejection(int(i), name, expected, batch.column(name)[int(i)].as_py()))
        ok &= good
    keep = pa.array(ok)
    out: dict[str, pa.Array] = {}
    for name, col in cols.items():
        if name == "amount":
            continue
        col = col.filter(keep)
        out[name] = pc.cast(col, pa.int64()) if name in _INT_COLUMNS else col
    if "amount" in cols and "amount_minor" not in cols:
        out["amount_minor"] = amount.filter(keep)
    out["connect_time_local"] = pa.array(local[ok], pa.int64())
    out["record_no"] = pa.array(record_no[ok], pa.int64())
    kept = int(ok.sum())
    out["byte_offset"] = pa.nulls(kept, pa.int64()) if byte_offset is None else pa.array(byte_offset[ok], pa.int64())
    good_rows = finish_batch(out, n=kept, source_file=source, source_format=fmt, zone=zone, numbered=False)
    return good_rows, rejections


# --- CSV -------------------------------------------------------------------------------------


CSV_LINE_BYTES = 1 << 20
"""Longest CSV line read (a call record's row is a few hundred bytes)."""


class _Lines:
    """Binary lines as text, remembering where the current CSV row started."""

    def __init__(self, fh: io.BufferedReader, source: str) -> None:
        self.fh, self.offset, self.bad_utf8 = fh, 0, False
        self.row_start: int | None = None
        self.raw: list[str] = []
        self.source = source

    def __iter__(self) -> Iterator[str]:
        while line := self.fh.readline(CSV_LINE_BYTES + 1):
            if len(line) > CSV_LINE_BYTES:
                raise SourceError(
                    f"{self.source}: byte {self.offset}: expected CSV lines of at most "
                    f"{CSV_LINE_BYTES:,} bytes (a binary file?)"
                )
            if self.row_start is None:
                self.row_start, self.raw, self.bad_utf8 = self.offset, [], False
            self.offset += len(line)
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError:
                text, self.bad_utf8 = line.decode("utf-8", errors="replace"), True
            self.raw.append(text)
            yield text


def _csv_header(source: str, reader: Iterator[list[str]], lines: _Lines) -> list[str]:
    """The header's column names; SourceError unless it is UTF-8 text naming every required column."""
    expected = f"a header row naming the columns {', '.join(REQUIRED)} (CALL_RECORD_SCHEMA, docs/emi.md)"
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise SourceError(f"{source}: expected {expected}; found no CSV header row ({exc}; a binary file?)") from None
    if header is None:
        raise SourceError(f"{source}: expected {expected}; the file is empty")
    if lines.bad_utf8:
        raise SourceError(f"{source}: expected {expected}; found bytes that are not UTF-8 text (a binary file?)")
    names = [h.strip().lstrip("\ufeff") for h in header]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        found = ", ".join(names)
        found = found if len(found) <= 200 else found[:200] + "..."
        raise SourceError(f"{source}: expected {expected}; missing {', '.join(missing)} in the header {found!r}")
    return names


def read_csv_records(
    path: str | os.PathLike, *, zone: str = AGREEMENT_ZONE, batch_rows: int = BATCH_ROWS, name: str | None = None
) -> Iterator[RecordChunk]:
    """Stream a CSV of canonical columns as ``RecordChunk``s (header row required)."""
    source = name or os.fspath(path)
    with open(path, "rb") as fh:
        lines = _Lines(fh, source)
        reader = csv.reader(lines)
        try:
            yield from _csv_rows(reader, lines, source, zone, batch_rows)
        except csv.Error as exc:
            raise SourceError(f"{source}: line {reader.line_num}: expected CSV text ({exc})") from None


def _csv_rows(
    reader: Iterator[list[str]], lines: _Lines, source: str, zone: str, batch_rows: int
) -> Iterator[RecordChunk]:
    header = _csv_header(source, reader, lines)
    lines.row_start = None
    repeats = Repeats()
    rows: list[list[str]] = []
    meta: list[tuple[int, int, str]] = []
    q: list[Quarantined] = []
    row_no = 0
    for row in reader:
        start, raw, bad = lines.row_start, "".join(lines.raw).rstrip("\r\n"), lines.bad_utf8
        lines.row_start = None
        assert start is not None, "csv.reader yields a row only after reading its lines"
        if not row:
            continue  # a blank line is not a record
        row_no += 1
        if bad:
            q.append(Quarantined(source, row_no, start, "encoding", "UTF-8 text", None, raw))
        elif len(row) != len(header):
            q.append(
                Quarantined(
                    source, row_no, start, "columns", f"{len(header)} columns as in the header", str(len(row)), raw
                )
            )
        else:
            rows.append(row)
            meta.append((row_no, start, raw))
        if len(rows) >= batch_rows:
            yield _csv_chunk(rows, meta, header, q, source, zone, repeats)
            rows, meta, q = [], [], []
    if rows or q:
        yield _csv_chunk(rows, meta, header, q, source, zone, repeats)


def _csv_chunk(rows, meta, header, q, source, zone, repeats: Repeats) -> RecordChunk:
    arrays = (
        [pa.array(list(col), pa.string()) for col in zip(*rows)]
        if rows
        else [pa.array([], pa.string()) for _ in header]
    )
    batch = pa.RecordBatch.from_arrays(arrays, names=header)
    nos = np.array([m[0] for m in meta], dtype=np.int64)
    offs = np.array([m[1] for m in meta], dtype=np.int64)
    good, rejected = from_text_columns(batch, source, "csv", nos, offs, zone)
    for r in rejected:
        no, off, raw = meta[r.row]
        q.append(Quarantined(source, no, off, r.field, r.expected, r.found, raw))
    q.sort(key=lambda e: e.record_no or 0)
    return RecordChunk(repeats.number(good), quarantine_batch(q), 0)


# --- Parquet ---------------------------------------------------------------------------------


def _as_text(col: pa.Array, name: str, source: str, zone: str) -> pa.Array:
    if pa.types.is_floating(col.type):
        raise SourceError(
            f"{source}: column {name}: expected integer, decimal or text, found {col.type}"
            " (binary floating point cannot hold money or tenths exactly)"
        )
    if pa.types.is_timestamp(col.type):
        if col.type.tz is not None:
            col = pc.local_timestamp(col.cast(pa.timestamp(col.type.unit, tz=zone)))
        return pc.strftime(col, format="%Y-%m-%d %H:%M:%S")
    return col if pa.types.is_string(col.type) else col.cast(pa.string())


def read_parquet_records(
    path: str | os.PathLike, *, zone: str = AGREEMENT_ZONE, batch_rows: int = BATCH_ROWS, name: str | None = None
) -> Iterator[RecordChunk]:
    """Stream a Parquet file of canonical columns as ``RecordChunk``s, row group by row group."""
    source = name or os.fspath(path)
    try:
        pf = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        raise SourceError(f"{source}: expected a Parquet file ({exc})") from None
    missing = [c for c in REQUIRED if c not in pf.schema_arrow.names]
    if missing:
        raise SourceError(
            f"{source}: expected columns {', '.join(REQUIRED)} (CALL_RECORD_SCHEMA, docs/emi.md); "
            f"missing {', '.join(missing)}"
        )
    wanted = [c for c in pf.schema_arrow.names if c in INPUT_COLUMNS]
    repeats = Repeats()
    row_no = 0
    for batch in pf.iter_batches(batch_size=batch_rows, columns=wanted):
        text = pa.RecordBatch.from_arrays(
            [_as_text(c, n, source, zone) for c, n in zip(batch.columns, batch.schema.names)], names=batch.schema.names
        )
        nos = np.arange(row_no + 1, row_no + batch.num_rows + 1, dtype=np.int64)
        good, rejected = from_text_columns(text, source, "parquet", nos, None, zone)
        q = [
            Quarantined(
                source,
                int(nos[r.row]),
                None,
                r.field,
                r.expected,
                r.found,
                json.dumps(batch.slice(r.row, 1).to_pylist()[0], default=str),
            )
            for r in rejected
        ]
        row_no += batch.num_rows
        yield RecordChunk(repeats.number(good), quarantine_batch(q), 0)


# --- dispatch and DuckDB ---------------------------------------------------------------------

_SUFFIXES = {".emi": "emi", ".duf": "emi", ".dat": "emi", ".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}


def detect_format(path: str | os.PathLike) -> str:
    """'emi', 'csv' or 'parquet' from the file name; SourceError when unknown."""
    fmt = _SUFFIXES.get(Path(path).suffix.lower())
    if fmt is None:
        raise SourceError(f"{os.fspath(path)}: expected a name ending in {', '.join(_SUFFIXES)}")
    return fmt


def read_records(
    path: str | os.PathLike, fmt: str | None = None, *, emi: ReadOptions = DEFAULT_OPTIONS, name: str | None = None
) -> Iterator[RecordChunk]:
    """Stream any supported file as canonical ``RecordChunk``s."""
    fmt = fmt or detect_format(path)
    if fmt == "emi":
        return read_emi(path, emi, name=name)
    if fmt == "csv":
        return read_csv_records(path, zone=emi.zone, name=name)
    if fmt == "parquet":
        return read_parquet_records(path, zone=emi.zone, name=name)
    raise SourceError(f"{os.fspath(path)}: expected format emi, csv or parquet, got {fmt!r}")


@dataclass(frozen=True, slots=True)
class IngestReport:
    """What one ``ingest_file`` call did. read = accepted + duplicates + quarantined + control."""

    source_file: str
    sha256: str
    format: str
    records_read: int
    accepted: int
    duplicates: int
    quarantined: int
    control_records: int
    seconds: float
    already_ingested: bool = False
    quarantine_kept: int = 0
    """Quarantined records kept in the quarantine table (at most QUARANTINE_KEPT)."""


_DUCK_TYPES = {
    pa.string(): "VARCHAR",
    pa.int64(): "BIGINT",
    pa.int32(): "INTEGER",
    pa.int16(): "SMALLINT",
    pa.date32(): "DATE",
    pa.timestamp("s"): "TIMESTAMP",
    pa.timestamp("s", tz="UTC"): "TIMESTAMPTZ",
}


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create ``call_records``, ``ingested_files`` and ``quarantine`` when absent."""
    cols = ", ".join(f"{f.name} {_DUCK_TYPES[f.type]}{'' if f.nullable else ' NOT NULL'}" for f in CALL_RECORD_SCHEMA)
    con.execute(
        f"CREATE TABLE IF NOT EXISTS call_records ({cols}, file_sha256 VARCHAR NOT NULL, PRIMARY KEY (record_id))"
    )
    have = {
        row[0]
        for row in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = 'call_records' "
            "AND database_name = current_database() AND schema_name = current_schema()"
        ).fetchall()
    }
    missing = [f.name for f in KEY_FIELDS if f.name not in have]
    if missing:
        raise SourceError(
            f"call_records: expected the integer key columns of CALL_RECORD_SCHEMA (icaops/traffic/records/keys.py); "
            f"this call store predates them (missing {', '.join(missing)}): ingest the files into a new store"
        )
    con.execute("""CREATE TABLE IF NOT EXISTS ingested_files (
        sha256 VARCHAR PRIMARY KEY, source_file VARCHAR NOT NULL, format VARCHAR NOT NULL, size_bytes BIGINT,
        ingested_at TIMESTAMPTZ, records_read BIGINT, accepted BIGINT, duplicates BIGINT, quarantined BIGINT,
        control_records BIGINT, seconds DOUBLE)""")
    con.execute("""CREATE TABLE IF NOT EXISTS quarantine (
        file_sha256 VARCHAR NOT NULL, source_file VARCHAR NOT NULL, record_no BIGINT, byte_offset BIGINT,
        field VARCHAR NOT NULL, expected VARCHAR NOT NULL, found VARCHAR, raw VARCHAR)""")


def file_sha256(path: str | os.PathLike, block: int = 1 << 22) -> str:
    """The sha256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(block):
            digest.update(chunk)
    return digest.hexdigest()


def _cut(q: pa.RecordBatch) -> pa.RecordBatch:
    """Quarantine rows with their raw text and found value cut to QUARANTINE_CHARS."""
    for name, chars in QUARANTINE_CHARS.items():
        i = q.schema.get_field_index(name)
        q = q.set_column(i, q.schema.field(i), pc.utf8_slice_codeunits(q.column(i), 0, chars))
    return q


def _refuse_garbage(
    source: str, fmt: str, records: int, malformed: int, first: Quarantined | None, *, ended: bool
) -> None:
    """SourceError when the file is mostly malformed so far, or (at its end) has no readable record."""
    if malformed and ended and malformed == records:
        why = f"none of its {records:,} records could be read"
    elif records >= MALFORMED_SAMPLE and 2 * malformed > records:
        why = f"{malformed:,} of its first {records:,} records are malformed (more than half)"
    else:
        return
    raise SourceError(
        f"{source}: expected call records in {fmt} format; {why}, so nothing of the file was stored. The first: {first}"
    )


def ingest_file(
    con: duckdb.DuckDBPyConnection,
    path: str | os.PathLike,
    fmt: str | None = None,
    *,
    emi: ReadOptions = DEFAULT_OPTIONS,
    name: str | None = None,
) -> IngestReport:
    """Load one file into DuckDB in one transaction; idempotent by checksum and record_id."""
    started = time.perf_counter()
    source, fmt = name or os.fspath(path), fmt or detect_format(path)
    ensure_schema(con)
    sha = file_sha256(path)
    if con.execute("SELECT 1 FROM ingested_files WHERE sha256 = ?", [sha]).fetchone():
        return IngestReport(source, sha, fmt, 0, 0, 0, 0, 0, time.perf_counter() - started, already_ingested=True)
    read = accepted = quarantined = control = kept = 0
    first: Quarantined | None = None
    con.begin()
    try:
        for chunk in read_records(path, fmt, emi=emi, name=source):
            records, q = chunk.records, chunk.quarantine
            if records.num_rows:
                con.register("_icaops_records", records)
                inserted = con.execute(
                    "INSERT OR IGNORE INTO call_records SELECT *, ? FROM _icaops_records", [sha]
                ).fetchone()
                assert inserted is not None, "an INSERT returns its row count"
                accepted += inserted[0]
                con.unregister("_icaops_records")
            if q.num_rows and kept < QUARANTINE_KEPT:
                first = first or quarantined_rows(q.slice(0, 1))[0]
                con.register("_icaops_quarantine", _cut(q.slice(0, QUARANTINE_KEPT - kept)))
                stored = con.execute("INSERT INTO quarantine SELECT ?, * FROM _icaops_quarantine", [sha]).fetchone()
                assert stored is not None, "an INSERT returns its row count"
                kept += stored[0]
                con.unregister("_icaops_quarantine")
            read += records.num_rows + q.num_rows + chunk.control_records
            quarantined += q.num_rows
            control += chunk.control_records
            _refuse_garbage(source, fmt, read - control, quarantined, first, ended=False)
        _refuse_garbage(source, fmt, read - control, quarantined, first, ended=True)
        seconds = time.perf_counter() - started
        report = IngestReport(
            source,
            sha,
            fmt,
            read,
            accepted,
            read - accepted - quarantined - control,
            quarantined,
            control,
            seconds,
            quarantine_kept=kept,
        )
        con.execute(
            "INSERT INTO ingested_files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                sha,
                source,
                fmt,
                os.path.getsize(path),
                dt.datetime.now(dt.UTC),
                read,
                accepted,
                report.duplicates,
                quarantined,
                control,
                seconds,
            ],
        )
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return report
