"""The canonical call-record schema (VI.9 usage, whatever file it arrived in) and quarantined records.

Every reader (EMI, CSV, Parquet) yields ``RecordChunk``s: a RecordBatch of
``CALL_RECORD_SCHEMA`` plus a RecordBatch of ``QUARANTINE_SCHEMA`` for malformed records.

- Times: ``connect_time_local`` keeps the wall clock as recorded (the agreement's zone,
  US Central by default); ``connect_time`` is the same instant in UTC.
- Durations are int64 tenths of a second. Money is int64 minor units at ``AMOUNT_SCALE``
  decimal places (declared in the field's metadata); Decimal only when aggregating.
- The integer keys the checks join and group on (``keys.py``: NPA-NXX-X, trunk group and OCN
  codes, epoch seconds, flag bits) come last, derived from the columns before them.
- ``record_id`` identifies a call independently of the file it came in (idempotent ingest),
  identical calls of one file told apart by their ordinal: see ``identity.py`` for the fields,
  ``repeats.py`` for the ordinals and ``IDENTITY_VERSION``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pyarrow as pa

from icaops.traffic.records.keys import KEY_FIELDS

__all__ = [
    "AGREEMENT_ZONE",
    "AMOUNT_SCALE",
    "CALL_RECORD_SCHEMA",
    "IDENTITY_VERSION",
    "PROVENANCE",
    "QUARANTINE_SCHEMA",
    "WIDTHS",
    "Quarantined",
    "RecordChunk",
    "amount_decimal",
    "quarantine_batch",
    "quarantined_rows",
]

AGREEMENT_ZONE = "America/Chicago"
AMOUNT_SCALE = 6
"""Decimal places of ``amount_minor`` (micro-dollars: EMI thousandths and cents both fit)."""
IDENTITY_VERSION = 2
"""2: identical calls of one file get ids of their ordinals (version 1 stored one of them); the
first of them, and every call not repeated, keeps its version 1 id."""

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
        *KEY_FIELDS,
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
