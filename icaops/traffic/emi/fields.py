"""The EMI Daily Usage File field map (agreement VI.9.1.2: usage in EMI format).

The ATIS EMI standard is paywalled, so every position here names the public source it comes
from (see the Sources section of docs/emi.md):

- ``EMI11_H``: Clone Research ``AMADecode/emi11.h`` (a C struct for category 11 with 0-based
  offsets; converted here to 1-based positions).
- ``FREESIDE``: Freeside ``FS/FS/cdr/emi.pm`` (a fixed-length import map, 1-based).
- ``BOTH``: the two sources agree.
- ``ICAOPS``: no public source; an icaops convention, to be replaced from the ILEC's own
  DUF guide when it is obtained.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from itertools import pairwise

RECORD_LENGTH = 210
"""Bytes of a record before its terminator (emi11.h: ``EMI_CRLF_OFFSET 210``)."""

TERMINATOR = b"\r\n"
FRAME_LENGTH = RECORD_LENGTH + len(TERMINATOR)


class Source(Enum):
    """The public source a field position comes from."""

    EMI11_H = "Clone Research emi11.h"
    FREESIDE = "Freeside FS/FS/cdr/emi.pm"
    BOTH = "emi11.h and Freeside agree"
    ICAOPS = "icaops convention (no public source)"


class Kind(Enum):
    """How a field's characters are read."""

    RECORD_ID = "CCGGRR digits"
    DATE = "YYMMDD"
    TIME = "HHMMSS"
    ELAPSED = "7 digits, see docs/emi.md (MMMMSST by default)"
    NUMERIC = "digits"
    NUMERIC_OR_BLANK = "digits, or all spaces"
    TELEPHONE = "digits up to the preceding length field"
    ALPHANUMERIC = "characters, right-padded with spaces"


@dataclass(frozen=True, slots=True)
class Field:
    """One fixed-width field: 1-based ``start``, ``length`` bytes."""

    name: str
    start: int
    length: int
    kind: Kind
    source: Source
    canonical: str | None = None
    note: str = ""

    @property
    def end(self) -> int:
        """The 1-based last position of the field."""
        return self.start + self.length - 1

    @property
    def cols(self) -> slice:
        """The 0-based column slice of the field within a record."""
        return slice(self.start - 1, self.end)

    @property
    def label(self) -> str:
        """The name with positions, as used in quarantine reasons."""
        return f"{self.name} ({self.start}-{self.end})" if self.length > 1 else f"{self.name} ({self.start})"


@dataclass(frozen=True, slots=True)
class Layout:
    """The fields of one record category, keyed by its record ids (CCGGRR)."""

    name: str
    record_ids: tuple[str, ...]
    fields: tuple[Field, ...]

    def field(self, name: str) -> Field:
        """The field called ``name``."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.name} has no field {name!r}")


def _f(name, start, length, kind, source, canonical=None, note=""):
    return Field(name, start, length, kind, source, canonical, note)


_B, _E, _F, _I = Source.BOTH, Source.EMI11_H, Source.FREESIDE, Source.ICAOPS
_K = Kind

COMMON: tuple[Field, ...] = (
    _f("record id", 1, 6, _K.RECORD_ID, _B, "record_type", "CC GG RR"),
    _f("date", 7, 6, _K.DATE, _B, "call_date", "year read as 20YY (Freeside)"),
    _f("from number length", 13, 2, _K.NUMERIC, _B, None, "00-10"),
    _f("from number", 15, 10, _K.TELEPHONE, _B, "calling_number"),
    _f("overflow digits", 25, 3, _K.ALPHANUMERIC, _B, "overflow_digits", "kept raw, not joined"),
    _f("to number length", 28, 2, _K.NUMERIC, _B, None, "00-10"),
    _f("to number", 30, 10, _K.TELEPHONE, _B, "called_number"),
    _f("connect time", 55, 6, _K.TIME, _B, "connect_time_local", "agreement zone wall clock"),
    _f("elapsed time", 61, 7, _K.ELAPSED, _B, "duration_tenths", "emi11.h bill_elapsed"),
    _f("method of recording", 68, 2, _K.ALPHANUMERIC, _B, "method_of_recording"),
    _f("indicators 1-20", 82, 20, _K.ALPHANUMERIC, _B, "indicators", "ind. 19 (100) = LATA"),
    _f("settlement code", 149, 1, _K.ALPHANUMERIC, _B, "settlement_code"),
)

_CAT_01_10: tuple[Field, ...] = (
    _f("amount collected", 40, 7, _K.NUMERIC, _F, "amount_minor", "thousandths of a dollar"),
    _f("rate class", 79, 1, _K.ALPHANUMERIC, _F, "rate_class"),
    _f("message type", 80, 1, _K.ALPHANUMERIC, _F, "message_type"),
    _f("billing number", 113, 10, _K.ALPHANUMERIC, _F, "billing_number"),
    _f("from city", 123, 10, _K.ALPHANUMERIC, _F),
    _f("from state", 133, 2, _K.ALPHANUMERIC, _F),
    _f("to city", 135, 10, _K.ALPHANUMERIC, _F),
    _f("to state", 145, 2, _K.ALPHANUMERIC, _F),
    _f("indicator 24", 161, 1, _K.ALPHANUMERIC, _F),
)

_CAT_11: tuple[Field, ...] = (
    _f("orig/term indicator", 40, 1, _K.ALPHANUMERIC, _E, "orig_term_ind"),
    _f("trunk group", 41, 4, _K.ALPHANUMERIC, _E, "trunk_group"),
    _f("reserved 1", 45, 1, _K.ALPHANUMERIC, _E),
    _f("carrier identification code", 46, 4, _K.NUMERIC_OR_BLANK, _E, "cic"),
    _f("access method", 50, 1, _K.ALPHANUMERIC, _E),
    _f("routing method", 51, 1, _K.ALPHANUMERIC, _E),
    _f("dialing method", 52, 1, _K.ALPHANUMERIC, _E),
    _f("ANI indicator", 53, 1, _K.ALPHANUMERIC, _E),
    _f("NCTA", 54, 1, _K.ALPHANUMERIC, _E),
    _f("return code", 70, 2, _K.ALPHANUMERIC, _E),
    _f("from RAO", 72, 3, _K.ALPHANUMERIC, _E),
    _f("customer bill format", 75, 1, _K.ALPHANUMERIC, _E),
    _f("conference leg", 76, 2, _K.ALPHANUMERIC, _E),
    _f("type of access", 78, 2, _K.ALPHANUMERIC, _E),
    _f("reserved 2", 80, 1, _K.ALPHANUMERIC, _E),
    _f("method of signaling", 81, 1, _K.ALPHANUMERIC, _E),
    _f("operator unit", 102, 2, _K.ALPHANUMERIC, _E),
    _f("recording point", 104, 6, _K.ALPHANUMERIC, _E),
    _f("billing RAO", 110, 3, _K.ALPHANUMERIC, _E),
    _f("indicators 21-30", 113, 10, _K.ALPHANUMERIC, _E),
    _f("FGA access number", 123, 10, _K.ALPHANUMERIC, _E),
    _f("reserved for local use", 133, 3, _K.ALPHANUMERIC, _E),
    _f("reserved 3", 136, 2, _K.ALPHANUMERIC, _E),
    _f("NECA company", 138, 4, _K.ALPHANUMERIC, _E),
    _f("call event status", 142, 2, _K.ALPHANUMERIC, _E),
    _f("reserved 4", 144, 2, _K.ALPHANUMERIC, _E),
    _f("feature group id", 146, 1, _K.ALPHANUMERIC, _E),
    _f("library code", 147, 2, _K.ALPHANUMERIC, _E),
    _f("conversation time", 150, 7, _K.ELAPSED, _E, "conversation_tenths", "blank = absent"),
    _f("originating LRN", 157, 10, _K.NUMERIC_OR_BLANK, _E, "orig_lrn"),
    _f("originating OCN", 167, 4, _K.ALPHANUMERIC, _E, "orig_ocn"),
    _f("originating LRN source", 171, 1, _K.ALPHANUMERIC, _E),
    _f("terminating LRN", 172, 10, _K.NUMERIC_OR_BLANK, _E, "term_lrn"),
    _f("terminating OCN", 182, 4, _K.ALPHANUMERIC, _E, "term_ocn"),
    _f("terminating LRN source", 186, 1, _K.ALPHANUMERIC, _E),
    _f("sending OCN", 187, 4, _K.ALPHANUMERIC, _E, "sending_ocn"),
    _f("call type", 191, 3, _K.ALPHANUMERIC, _E),
    _f("structure code", 194, 5, _K.ALPHANUMERIC, _E),
    _f("originating TGN", 199, 4, _K.ALPHANUMERIC, _E),
    _f("originating network", 203, 1, _K.ALPHANUMERIC, _E),
    _f("terminating TGN", 204, 4, _K.ALPHANUMERIC, _E),
    _f("terminating network", 208, 1, _K.ALPHANUMERIC, _E),
    _f("reserved 6", 209, 2, _K.ALPHANUMERIC, _E),
)

# No public source gives the pack header/trailer beyond positions 1-6; these are icaops's
# own so the writer can emit packs and the reader can check the trailer's count.
_PACK: tuple[Field, ...] = (
    _f("record id", 1, 6, _K.RECORD_ID, _B, None, "20-24-01 / 20-24-02"),
    _f("date", 7, 6, _K.DATE, _I, None, "pack creation date"),
    _f("sending company", 13, 4, _K.ALPHANUMERIC, _I, None, "OCN"),
    _f("receiving company", 17, 4, _K.ALPHANUMERIC, _I, None, "OCN"),
    _f("pack sequence", 21, 3, _K.NUMERIC, _I),
)

CATEGORY_01 = Layout("billable message detail", ("010101",), COMMON + _CAT_01_10)
CATEGORY_10 = Layout("unrated usage", ("100101",), COMMON + _CAT_01_10)
CATEGORY_11 = Layout("access record", ("110101",), COMMON + _CAT_11)
PACK_HEADER = Layout("pack header", ("202401",), _PACK)
PACK_TRAILER = Layout(
    "pack trailer",
    ("202402",),
    _PACK + (_f("record count", 24, 7, _K.NUMERIC, _I, None, "records between header and trailer"),),
)

LAYOUTS: tuple[Layout, ...] = (CATEGORY_01, CATEGORY_10, CATEGORY_11, PACK_HEADER, PACK_TRAILER)
DETAIL_IDS: tuple[str, ...] = ("010101", "100101", "110101")

MODULES = Layout(
    "modules after 210",
    (),
    (
        _f("calling module", 211, 4, _K.ALPHANUMERIC, _F, "modules", "3 digits + version letter"),
        _f("module value length", 215, 3, _K.NUMERIC, _F, None, "not interpreted"),
    ),
)
"""Module fields after position 210 (Freeside). icaops keeps the module text raw."""


def layout_for(record_id: str) -> Layout:
    """The layout of ``record_id`` (CCGGRR); KeyError when icaops does not support it."""
    for layout in LAYOUTS:
        if record_id in layout.record_ids:
            return layout
    raise KeyError(f"unsupported EMI record id {record_id!r}")


def overlaps(layout: Layout) -> list[tuple[str, str]]:
    """Pairs of fields in ``layout`` that share a position (should be none)."""
    found = []
    ordered = sorted(layout.fields, key=lambda f: f.start)
    for a, b in pairwise(ordered):
        if b.start <= a.end:
            found.append((a.name, b.name))
    return found


def markdown_table(layout: Layout) -> str:
    """The layout as a Markdown table (docs/emi.md is checked against this)."""
    lines = [
        "| positions | length | field | type | canonical column | source | note |",
        "|---|---|---|---|---|---|---|",
    ]
    for f in sorted(layout.fields, key=lambda f: f.start):
        pos = f"{f.start}–{f.end}" if f.length > 1 else f"{f.start}"
        lines.append(
            f"| {pos} | {f.length} | {f.name} | {f.kind.value} | {f.canonical or ''} | {f.source.value} | {f.note} |"
        )
    return "\n".join(lines)
