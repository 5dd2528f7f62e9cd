"""EMI writer: canonical rows to 210-byte records + CR LF, framed by a pack header/trailer.

Vectorised like the reader. A value EMI cannot carry (a category 11 field on a category 01
record, a number too long for its field) is an ``EncodeError`` naming the output, the
record number and the field, never silently dropped: what is written reads back the same.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from icaops.traffic.emi import columns as C
from icaops.traffic.emi.decode import EMI_AMOUNT_SCALE, ElapsedFormat
from icaops.traffic.emi.fields import (
    CATEGORY_01,
    CATEGORY_11,
    COMMON,
    DETAIL_IDS,
    FRAME_LENGTH,
    PACK_TRAILER,
    RECORD_LENGTH,
    Field,
    Kind,
    Layout,
)
from icaops.traffic.records import AMOUNT_SCALE

_COMMON = Layout("common", (), COMMON)
_ONLY_01 = tuple(f for f in CATEGORY_01.fields if f.canonical and f not in COMMON)
_ONLY_11 = tuple(f for f in CATEGORY_11.fields if f.canonical and f not in COMMON)
_TEXT_COMMON = tuple(f for f in COMMON if f.kind is Kind.ALPHANUMERIC and f.canonical)


@dataclass(frozen=True, slots=True)
class FieldError:
    """A value that cannot be written: where, which field, what was expected."""

    target: str
    record_no: int
    field: str
    expected: str
    found: str

    def __str__(self) -> str:
        return f"{self.target}, record {self.record_no}: {self.field}: expected {self.expected}, found {self.found!r}"


class EncodeError(ValueError):
    """Raised with a ``FieldError`` when a row cannot be encoded."""

    def __init__(self, error: FieldError) -> None:
        super().__init__(str(error))
        self.error = error


@dataclass(frozen=True, slots=True)
class PackInfo:
    """Pack header/trailer contents (icaops convention: see fields.PACK_HEADER)."""

    created: dt.date
    sending_company: str = "0000"
    receiving_company: str = "0000"
    sequence: int = 1


class _Encoder:
    def __init__(self, batch: pa.RecordBatch, target: str, first_no: int) -> None:
        self.batch, self.target, self.first_no = batch, target, first_no
        self.n = batch.num_rows
        self.out = np.full((self.n, FRAME_LENGTH), 32, dtype=np.uint8)
        self.out[:, RECORD_LENGTH] = 13
        self.out[:, RECORD_LENGTH + 1] = 10

    def fail(self, bad: np.ndarray, field: str, expected: str, column: str | None = None) -> None:
        """Raise an EncodeError for the first row in ``bad``."""
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            found = self.batch.column(column)[i].as_py() if column else ""
            raise EncodeError(FieldError(self.target, self.first_no + i, field, expected, str(found)))

    def text(self, f: Field, applies: np.ndarray) -> None:
        """Place a text field on the rows it ``applies`` to; it must be null elsewhere."""
        col = self.batch.column(f.canonical)
        data, fits = C.fixed_bytes(col, f.length)
        present = col.is_valid().to_numpy(zero_copy_only=False)
        self.fail(present & ~applies, f.label, "null: EMI has no such field for this category", f.canonical)
        self.fail(~fits & applies, f.label, f"at most {f.length} ASCII characters", f.canonical)
        if f.kind is Kind.NUMERIC_OR_BLANK:
            self.fail(applies & ~(C.is_digits(data) | C.is_blank(data)), f.label, "digits", f.canonical)
        self.out[applies, f.cols] = data[applies]

    def digits(self, f: Field, values: np.ndarray, applies: np.ndarray) -> None:
        """Place zero-filled digits on the rows it ``applies`` to."""
        self.out[applies, f.cols] = C.from_int(values[applies], f.length)


def _ints(batch: pa.RecordBatch, name: str) -> tuple[np.ndarray, np.ndarray]:
    col = batch.column(name)
    return pc.fill_null(col, 0).to_numpy(zero_copy_only=False).astype(np.int64), col.is_valid().to_numpy(
        zero_copy_only=False
    )


def _elapsed(enc: _Encoder, f: Field, tenths: np.ndarray, applies: np.ndarray, fmt: ElapsedFormat) -> None:
    if fmt is ElapsedFormat.SECONDS_TENTHS:
        enc.fail(applies & ((tenths < 0) | (tenths >= 10**7)), f.label, "0 to 9999999 tenths")
        enc.digits(f, tenths, applies)
        return
    enc.fail(applies & ((tenths < 0) | (tenths >= 10000 * 600)), f.label, "under 10000 minutes")
    mmmm, rest = np.divmod(tenths, 600)
    packed = mmmm * 1000 + (rest // 10) * 10 + rest % 10
    enc.digits(f, packed, applies)


def _number(enc: _Encoder, len_f: Field, num_f: Field, name: str) -> None:
    col = enc.batch.column(name)
    data, fits = C.fixed_bytes(col, num_f.length)
    enc.fail(~fits, num_f.label, f"at most {num_f.length} digits", name)
    lengths = pc.fill_null(pc.utf8_length(col), 0).to_numpy(zero_copy_only=False).astype(np.int64)
    inside = np.arange(num_f.length) < lengths[:, None]
    enc.fail((inside & ((data - np.uint8(48)) > 9)).any(axis=1), num_f.label, "digits", name)
    all_rows = np.ones(enc.n, dtype=bool)
    enc.digits(len_f, lengths, all_rows)
    enc.out[:, num_f.cols] = np.where(inside, data, np.uint8(48))


def encode_records(
    batch: pa.RecordBatch,
    *,
    elapsed: ElapsedFormat = ElapsedFormat.MMMMSST,
    target: str = "<memory>",
    first_record_no: int = 1,
) -> bytes:
    """Canonical rows as EMI detail records (210 bytes + CR LF each, modules before CR LF)."""
    enc = _Encoder(batch, target, first_record_no)
    rid_bytes, _ = C.fixed_bytes(batch.column("record_type"), 6)
    rid = np.where(C.is_digits(rid_bytes), C.to_int(rid_bytes), -1)
    enc.fail(
        ~np.isin(rid, [int(r) for r in DETAIL_IDS]), "record id (1-6)", f"one of {', '.join(DETAIL_IDS)}", "record_type"
    )
    enc.out[:, 0:6] = rid_bytes
    is11 = rid == 110101
    is01 = ~is11
    local = batch.column("connect_time_local").cast(pa.int64()).to_numpy(zero_copy_only=False)
    days, secs = np.divmod(local, 86400)
    y, m, d = C.civil_from_days(days)
    f_date, f_time = _COMMON.field("date"), _COMMON.field("connect time")
    enc.fail((y < 2000) | (y > 2099), f_date.label, "a year 2000-2099 (YY)", "connect_time_local")
    call_date = batch.column("call_date").cast(pa.int32()).to_numpy(zero_copy_only=False)
    enc.fail(call_date != days, f_date.label, "call_date equal to the date of connect_time_local", "call_date")
    enc.digits(f_date, (y - 2000) * 10000 + m * 100 + d, np.ones(enc.n, bool))
    hh, rest = np.divmod(secs, 3600)
    enc.digits(f_time, hh * 10000 + (rest // 60) * 100 + rest % 60, np.ones(enc.n, bool))
    _number(enc, _COMMON.field("from number length"), _COMMON.field("from number"), "calling_number")
    _number(enc, _COMMON.field("to number length"), _COMMON.field("to number"), "called_number")
    duration, _ = _ints(batch, "duration_tenths")
    _elapsed(enc, _COMMON.field("elapsed time"), duration, np.ones(enc.n, bool), elapsed)
    everyone = np.ones(enc.n, dtype=bool)
    for f in _TEXT_COMMON:
        enc.text(f, everyone)
    amount, has_amount = _ints(batch, "amount_minor")
    f_amount = CATEGORY_01.field("amount collected")
    unit = 10 ** (AMOUNT_SCALE - EMI_AMOUNT_SCALE)
    enc.fail(is11 & has_amount, f_amount.label, "null: category 11 has no amount", "amount_minor")
    enc.fail(
        is01 & ((amount % unit != 0) | (amount < 0) | (amount >= unit * 10**7)),
        f_amount.label,
        "whole thousandths of a dollar, 0 to 9999.999",
        "amount_minor",
    )
    enc.digits(f_amount, amount // unit, is01)
    for f in _ONLY_01:
        if f.canonical != "amount_minor":
            enc.text(f, is01)
    conv, has_conv = _ints(batch, "conversation_tenths")
    f_conv = CATEGORY_11.field("conversation time")
    enc.fail(is01 & has_conv, f_conv.label, "null: category 01/10 has no conversation time", "conversation_tenths")
    _elapsed(enc, f_conv, conv, is11 & has_conv, elapsed)
    for f in _ONLY_11:
        if f.canonical != "conversation_tenths":
            enc.text(f, is11)
    return _with_modules(enc, batch.column("modules"))


def _with_modules(enc: _Encoder, modules: pa.Array) -> bytes:
    if modules.null_count == len(modules):
        return enc.out.tobytes()
    values = modules.to_pylist()
    bad = np.array(
        [bool(m) and not (len(m) >= 4 and m[:3].isdigit() and m[3].isalpha() and m.isascii()) for m in values]
    )
    enc.fail(bad, "modules (211-)", "module code: 3 digits and a version letter", "modules")
    lines = [
        enc.out[i, :RECORD_LENGTH].tobytes() + m.encode("ascii") + b"\r\n" if m else enc.out[i].tobytes()
        for i, m in enumerate(values)
    ]
    return b"".join(lines)


def pack_record(record_id: str, pack: PackInfo, count: int | None = None) -> bytes:
    """A pack header (20-24-01) or trailer (20-24-02) record, with CR LF."""

    def fixed(text: str, width: int) -> str:
        if len(text) > width or not text.isascii():
            raise ValueError(f"pack field {text!r}: expected at most {width} ASCII characters")
        return text.ljust(width)

    head = record_id + pack.created.strftime("%y%m%d") + fixed(pack.sending_company, 4)
    head += fixed(pack.receiving_company, 4) + f"{pack.sequence:03d}"
    if count is not None:
        limit = 10 ** PACK_TRAILER.field("record count").length
        if not 0 <= count < limit:
            raise ValueError(f"pack record count {count}: expected under {limit}")
        head += f"{count:07d}"
    return head.ljust(RECORD_LENGTH).encode("ascii") + b"\r\n"


class EmiWriter:
    """Writes a pack header, detail records batch by batch, then a trailer with the count."""

    def __init__(
        self,
        dest: str | os.PathLike | BinaryIO,
        pack: PackInfo | None = None,
        *,
        elapsed: ElapsedFormat = ElapsedFormat.MMMMSST,
    ) -> None:
        self._own = isinstance(dest, (str, os.PathLike))
        self._fh: BinaryIO
        if isinstance(dest, (str, os.PathLike)):
            self._fh, self._target = open(dest, "wb"), os.fspath(dest)  # noqa: SIM115 -- closed in close()
        else:
            self._fh, self._target = dest, getattr(dest, "name", "<stream>")
        self._pack, self._elapsed, self.count = pack, elapsed, 0
        if pack is not None:
            self._fh.write(pack_record("202401", pack))

    def write(self, data: pa.RecordBatch | pa.Table) -> None:
        """Encode and append canonical rows."""
        batches = data.to_batches() if isinstance(data, pa.Table) else [data]
        for batch in batches:
            first = self.count + (2 if self._pack else 1)
            self._fh.write(encode_records(batch, elapsed=self._elapsed, target=self._target, first_record_no=first))
            self.count += batch.num_rows

    def close(self) -> None:
        """Write the pack trailer (if any) and close a file this writer opened."""
        if self._pack is not None:
            self._fh.write(pack_record("202402", self._pack, self.count))
        if self._own:
            self._fh.close()

    def __enter__(self) -> EmiWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def write_emi(
    dest: str | os.PathLike | BinaryIO,
    data: pa.RecordBatch | pa.Table,
    pack: PackInfo | None = None,
    *,
    elapsed: ElapsedFormat = ElapsedFormat.MMMMSST,
) -> int:
    """Write ``data`` as one EMI pack; returns the number of detail records."""
    with EmiWriter(dest, pack, elapsed=elapsed) as writer:
        writer.write(data)
    return writer.count
