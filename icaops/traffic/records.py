"""The canonical call-record schema (VI.9 usage, whatever file it arrived in).

Every reader (EMI, CSV, Parquet) yields ``RecordChunk``s: a RecordBatch of
``CALL_RECORD_SCHEMA`` plus a RecordBatch of ``QUARANTINE_SCHEMA`` for malformed records.

- Times: ``connect_time_local`` keeps the wall clock as recorded (the agreement's zone,
  US Central by default); ``connect_time`` is the same instant in UTC.
- Durations are int64 tenths of a second. Money is int64 minor units at ``AMOUNT_SCALE``
  decimal places (declared in the field's metadata); Decimal only when aggregating.
- ``record_id`` identifies a call independently of the file it came in (idempotent ingest):
  see ``identity_keys`` for the fields and ``IDENTITY_VERSION``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

AGREEMENT_ZONE = "America/Chicago"
AMOUNT_SCALE = 6
"""Decimal places of ``amount_minor`` (micro-dollars: EMI thousandths and cents both fit)."""
IDENTITY_VERSION = 1

WIDTHS: dict[str, int] = {
    "record_type": 6,
    "category": 2,
    "calling_number": 15,
    "called_number": 15,
    "overflow_digits": 3,
    "method_of_recording": 2,
    "indicators": 20,
    "settlement_code": 1,
    "rate_class": 1,
    "message_type": 1,
    "billing_number": 10,
    "orig_term_ind": 1,
    "trunk_group": 8,
    "cic": 4,
    "orig_lrn": 10,
    "orig_ocn": 4,
    "term_lrn": 10,
    "term_ocn": 4,
    "sending_ocn": 4,
}
"""Longest value each canonical text column may hold (longer input is quarantined)."""


def _text(name: str, nullable: bool = True) -> pa.Field:
    return pa.field(name, pa.string(), nullable, metadata={"max_length": str(WIDTHS[name])})


CALL_RECORD_SCHEMA = pa.schema(
    [
        pa.field("record_id", pa.string(), False, metadata={"identity_version": str(IDENTITY_VERSION)}),
        pa.field("source_file", pa.string(), False),
        pa.field("source_format", pa.string(), False),
        pa.field("record_no", pa.int64(), False),
        pa.field("byte_offset", pa.int64()),
        _text("record_type", False),
        _text("category", False),
        pa.field("call_date", pa.date32(), False),
        pa.field("connect_time_local", pa.timestamp("s"), False),
        pa.field("connect_time", pa.timestamp("s", tz="UTC"), False),
        _text("calling_number"),
        _text("called_number"),
        _text("overflow_digits"),
        pa.field("duration_tenths", pa.int64(), False),
        pa.field("conversation_tenths", pa.int64()),
        _text("method_of_recording"),
        _text("indicators"),
        _text("settlement_code"),
        pa.field("amount_minor", pa.int64(), metadata={"scale": str(AMOUNT_SCALE), "currency": "USD"}),
        _text("rate_class"),
        _text("message_type"),
        _text("billing_number"),
        _text("orig_term_ind"),
        _text("trunk_group"),
        _text("cic"),
        _text("orig_lrn"),
        _text("orig_ocn"),
        _text("term_lrn"),
        _text("term_ocn"),
        _text("sending_ocn"),
        pa.field("modules", pa.string()),
    ],
    metadata={"zone": AGREEMENT_ZONE, "amount_scale": str(AMOUNT_SCALE)},
)

PROVENANCE = ("record_id", "source_file", "source_format", "record_no", "byte_offset")
"""Columns that say where a row came from rather than what the call was."""

QUARANTINE_SCHEMA = pa.schema(
    [
        pa.field("source_file", pa.string(), False),
        pa.field("record_no", pa.int64()),
        pa.field("byte_offset", pa.int64()),
        pa.field("field", pa.string(), False),
        pa.field("expected", pa.string(), False),
        pa.field("found", pa.string()),
        pa.field("raw", pa.string()),
    ]
)


@dataclass(frozen=True, slots=True)
class Quarantined:
    """A record that could not be read: where it is, which field, and what was expected."""

    source_file: str
    record_no: int | None
    byte_offset: int | None
    field: str
    expected: str
    found: str | None
    raw: str | None

    def __str__(self) -> str:
        where = f"{self.source_file}, record {self.record_no}"
        if self.byte_offset is not None:
            where += f" (byte {self.byte_offset})"
        return f"{where}: {self.field}: expected {self.expected}, found {self.found!r}"


def quarantine_batch(entries: list[Quarantined]) -> pa.RecordBatch:
    """Quarantine entries as a RecordBatch of ``QUARANTINE_SCHEMA``."""
    cols = {name: [getattr(e, name) for e in entries] for name in QUARANTINE_SCHEMA.names}
    return pa.RecordBatch.from_pydict(cols, schema=QUARANTINE_SCHEMA)


def quarantined_rows(batch: pa.RecordBatch | pa.Table) -> list[Quarantined]:
    """Quarantine rows back as values (for reports and tests)."""
    return [Quarantined(**row) for row in batch.to_pylist()]


@dataclass(frozen=True, slots=True)
class RecordChunk:
    """One bounded piece of a file: good rows, quarantined rows, control records seen."""

    records: pa.RecordBatch
    quarantine: pa.RecordBatch
    control_records: int = 0


def amount_decimal(amount_minor: int) -> Decimal:
    """An ``amount_minor`` value as an exact Decimal in dollars (for aggregation only)."""
    return Decimal(amount_minor).scaleb(-AMOUNT_SCALE)


# --- time zone -----------------------------------------------------------------------------

_EPOCH = dt.date(1970, 1, 1)
_SLOT = 900  # US zones change offset on the hour; 15-minute slots cover any zone's rules


def _offset(tz: ZoneInfo, day: dt.date, second: int) -> int:
    # fold=0: an ambiguous wall time (fall back) is the earlier instant, a non-existent one
    # (spring forward) uses the offset in force before the change -- PEP 495 semantics.
    t = dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=second)
    return int(t.replace(tzinfo=tz, fold=0).utcoffset().total_seconds())


def _day_offsets(tz: ZoneInfo, days: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """Offset at midnight of each day, and the indices of days whose offset changes."""
    out = np.empty(days.size, dtype=np.int64)
    changing = []
    for i, d in enumerate(days.tolist()):
        day = _EPOCH + dt.timedelta(days=d)
        out[i] = start = _offset(tz, day, 0)
        if _offset(tz, day, 86399) != start:
            changing.append(i)
    return out, changing


def local_to_utc(local_s: np.ndarray, zone: str = AGREEMENT_ZONE) -> np.ndarray:
    """Wall-clock seconds since 1970 in ``zone`` to UTC seconds since 1970.

    Offsets are looked up per day, and per 15 minutes on days the offset changes, so a chunk
    costs a few zone look-ups rather than one per record.
    """
    if local_s.size == 0:
        return local_s.astype(np.int64)
    tz = ZoneInfo(zone)
    days = np.floor_divide(local_s, 86400)
    first, last = int(days.min()), int(days.max())
    if last - first < 64:  # a daily file: every day in the span, no sort needed
        table_days = np.arange(first, last + 1)
        index = days - first
    else:
        table_days, index = np.unique(days, return_inverse=True)
    per_day, changing = _day_offsets(tz, table_days)
    offsets = per_day[index]
    for i in changing:
        d = int(table_days[i])
        day = _EPOCH + dt.timedelta(days=d)
        slots = np.array([_offset(tz, day, s) for s in range(0, 86400, _SLOT)], dtype=np.int64)
        rows = np.flatnonzero(index == i)
        offsets[rows] = slots[(local_s[rows] - d * 86400) // _SLOT]
    return local_s - offsets


# --- identity ------------------------------------------------------------------------------

IDENTITY_FIELDS: tuple[tuple[str, int], ...] = (
    ("category", 2),
    ("connect_time", 8),
    ("duration_tenths", 8),
    ("calling_number", 15),
    ("called_number", 15),
    ("orig_term_ind", 1),
    ("trunk_group", 8),
    ("cic", 4),
)
"""What identifies a call, in key order, with key widths (bytes).

Not the file, record number or amount: the same call re-sent in another file, or re-rated,
is the same call and must not be counted twice.
"""

_KEY_BYTES = 64


def identity_keys(batch: pa.RecordBatch) -> np.ndarray:
    """The (n, 64) identity key of each row.

    Integers are 8 bytes big-endian; text is its UTF-8 bytes NUL-padded to the field width
    (null = all NUL); the key is NUL-padded to 64 bytes. Text longer than its width never
    reaches here: readers quarantine it.
    """
    n = batch.num_rows
    key = np.zeros((n, _KEY_BYTES), dtype=np.uint8)
    at = 0
    for name, width in IDENTITY_FIELDS:
        col = batch.column(name)
        if pa.types.is_timestamp(col.type) or pa.types.is_integer(col.type):
            ints = col.cast(pa.int64()).to_numpy(zero_copy_only=False)
            if n:
                np.ndarray((n,), ">i8", buffer=key, offset=at, strides=(_KEY_BYTES,))[...] = ints
        else:
            _text_into(key, at, width, col)
        at += width
    return key


def _text_into(key: np.ndarray, at: int, width: int, col: pa.Array) -> None:
    n = len(col)
    if n == 0:
        return
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks()
    offsets = np.frombuffer(col.buffers()[1], dtype=np.int32, count=n + 1, offset=col.offset * 4)
    sizes = np.diff(offsets)
    size = int(sizes.max())
    if size > width:
        raise ValueError(f"identity field wider than {width} bytes: validate before building the key")
    data = np.frombuffer(col.buffers()[2], dtype=np.uint8) if col.buffers()[2] is not None else np.zeros(0, np.uint8)
    valid = col.is_valid().to_numpy(zero_copy_only=False) if col.null_count else None
    if size and (sizes == size).all():  # every slot, null or not, holds `size` bytes
        dst = np.ndarray((n,), f"S{width}", buffer=key, offset=at, strides=(_KEY_BYTES,))
        dst[...] = data[offsets[0] : offsets[-1]].view(f"S{size}")  # numpy NUL-pads to the width
        if valid is not None:
            dst[~valid] = b""
        return
    if valid is not None:
        sizes = np.where(valid, sizes, 0)
    # Ragged: scatter each value's bytes to the start of its slot (the rest stays NUL).
    total = int(sizes.sum())
    if total == 0:
        return
    rows = np.repeat(np.arange(n, dtype=np.int64), sizes)
    firsts = np.cumsum(sizes) - sizes
    within = np.arange(total, dtype=np.int64) - np.repeat(firsts, sizes)
    src = np.repeat(offsets[:-1].astype(np.int64), sizes) + within
    key.reshape(-1)[rows * _KEY_BYTES + at + within] = data[src]


_P1 = np.uint64(0x9E3779B185EBCA87)
_P2 = np.uint64(0xC2B2AE3D27D4EB4F)
_P3 = np.uint64(0x165667B19E3779F9)
_P4 = np.uint64(0x85EBCA77C2B2AE63)
_MASK = (1 << 64) - 1


_BLOCK = 16384  # rows per pass: keeps the working arrays in cache


def _rotl_into(x: np.ndarray, r: int, tmp: np.ndarray) -> None:
    np.right_shift(x, np.uint64(64 - r), out=tmp)
    np.left_shift(x, np.uint64(r), out=x)
    x |= tmp


def _round_into(acc: np.ndarray, lane: np.ndarray, tmp: np.ndarray) -> None:
    np.multiply(lane, _P2, out=tmp)
    acc += tmp
    _rotl_into(acc, 31, tmp)
    acc *= _P1


def _xxh64_block(lanes: np.ndarray, seed: int, out: np.ndarray) -> None:
    n = lanes.shape[1]
    tmp = np.empty(n, dtype=np.uint64)
    seeds = [(seed + int(_P1) + int(_P2)) & _MASK, (seed + int(_P2)) & _MASK, seed, (seed - int(_P1)) & _MASK]
    v = [np.full(n, s, dtype=np.uint64) for s in seeds]
    for stripe in (0, 4):
        for i in range(4):
            _round_into(v[i], lanes[stripe + i], tmp)
    h = out
    h[:] = 0
    for i, r in enumerate((1, 7, 12, 18)):
        acc = v[i].copy()
        _rotl_into(acc, r, tmp)
        h += acc
    zero = np.zeros(n, dtype=np.uint64)
    for i in range(4):
        zero[:] = 0
        _round_into(zero, v[i], tmp)
        h ^= zero
        h *= _P1
        h += _P4
    h += np.uint64(64)
    for shift, prime in ((33, _P2), (29, _P3)):
        np.right_shift(h, np.uint64(shift), out=tmp)
        h ^= tmp
        h *= prime
    np.right_shift(h, np.uint64(32), out=tmp)
    h ^= tmp


def xxh64_rows(keys: np.ndarray, seed: int = 0) -> np.ndarray:
    """XXH64 of each 64-byte row of ``keys`` (the reference algorithm, vectorised)."""
    n, width = keys.shape
    if width != _KEY_BYTES:
        raise ValueError(f"xxh64_rows hashes {_KEY_BYTES}-byte rows, got {width}")
    out = np.empty(n, dtype=np.uint64)
    for lo in range(0, n, _BLOCK):
        block = np.ascontiguousarray(keys[lo : lo + _BLOCK]).view("<u8")
        _xxh64_block(np.ascontiguousarray(block.T), seed, out[lo : lo + _BLOCK])
    return out


_HEX_PAIRS = np.array([ord(f"{b:02x}"[0]) | ord(f"{b:02x}"[1]) << 8 for b in range(256)], dtype="<u4")
_HEX_QUADS = (_HEX_PAIRS[np.arange(65536) & 255] | _HEX_PAIRS[np.arange(65536) >> 8] << 16).astype("<u4")
"""Two bytes (read little-endian) to their four hex characters."""


def record_ids(batch: pa.RecordBatch) -> pa.Array:
    """128-bit record identities as 32 hex characters: XXH64 seeds 0 and 1 of the key."""
    keys = identity_keys(batch)
    n = keys.shape[0]
    digest = np.empty((n, 2), dtype=">u8")
    digest[:, 0] = xxh64_rows(keys, 0)
    digest[:, 1] = xxh64_rows(keys, 1)
    raw = digest.view(np.uint8).reshape(n, 16)
    text = np.take(_HEX_QUADS, raw.view("<u2")).view(np.uint8)
    offsets = np.arange(0, 32 * (n + 1), 32, dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(text))


# --- assembling batches --------------------------------------------------------------------


def finish_batch(
    columns: dict[str, pa.Array],
    *,
    n: int,
    source_file: str,
    source_format: str,
    zone: str = AGREEMENT_ZONE,
) -> pa.RecordBatch:
    """A canonical RecordBatch from decoded columns.

    ``columns`` must hold ``record_no``, ``record_type``, ``connect_time_local`` (as int64
    local seconds or timestamp[s]) and ``duration_tenths``; missing optional columns become
    null. Derives ``category``, ``call_date``, ``connect_time`` (UTC) and ``record_id``.
    """
    cols = dict(columns)
    local = cols["connect_time_local"]
    local_s = (local.cast(pa.int64()) if pa.types.is_timestamp(local.type) else local).to_numpy(
        zero_copy_only=False
    )
    cols["connect_time_local"] = pa.array(local_s, pa.int64()).view(pa.timestamp("s"))
    utc = local_to_utc(local_s, zone)
    cols["connect_time"] = pa.array(utc, pa.int64()).view(pa.timestamp("s", tz="UTC"))
    cols["call_date"] = pa.array(np.floor_divide(local_s, 86400).astype(np.int32), pa.int32()).view(pa.date32())
    if "category" not in cols:
        cols["category"] = pc.utf8_slice_codeunits(cols["record_type"], 0, 2)
    cols["source_file"] = pa.repeat(source_file, n)
    cols["source_format"] = pa.repeat(source_format, n)
    for field in CALL_RECORD_SCHEMA:
        if field.name not in cols and field.name != "record_id":
            cols[field.name] = pa.nulls(n, field.type)
    cols["record_id"] = pa.nulls(n, pa.string())
    arrays = [cols[f.name].cast(f.type) if cols[f.name].type != f.type else cols[f.name] for f in CALL_RECORD_SCHEMA]
    batch = pa.RecordBatch.from_arrays(arrays, schema=CALL_RECORD_SCHEMA)
    return batch.set_column(0, CALL_RECORD_SCHEMA.field(0), record_ids(batch))


def empty_records() -> pa.RecordBatch:
    """A canonical RecordBatch with no rows."""
    return pa.RecordBatch.from_pylist([], schema=CALL_RECORD_SCHEMA)
