"""Vectorised decoding of detail records (categories 01, 10, 11) to canonical columns.

Each check yields a boolean mask over all records of a block; a record failing any check
goes to quarantine with the first failing field in position order.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import numpy as np
import pyarrow as pa

from icaops.traffic.emi import columns as C
from icaops.traffic.emi.columns import RecordBlock
from icaops.traffic.emi.fields import (
    CATEGORY_01,
    CATEGORY_11,
    COMMON,
    Field,
    Kind,
    Layout,
)
from icaops.traffic.records import AMOUNT_SCALE

_COMMON = Layout("common", (), COMMON)
F_DATE = _COMMON.field("date")
F_FROM_LEN = _COMMON.field("from number length")
F_FROM = _COMMON.field("from number")
F_TO_LEN = _COMMON.field("to number length")
F_TO = _COMMON.field("to number")
F_TIME = _COMMON.field("connect time")
F_ELAPSED = _COMMON.field("elapsed time")
F_AMOUNT = CATEGORY_01.field("amount collected")
F_CONV = CATEGORY_11.field("conversation time")

EMI_AMOUNT_SCALE = 3
"""Freeside reads amount collected as thousandths of a dollar (``$data / 1000``)."""

CAT_11 = 110101


def _text_fields() -> tuple[tuple[Field, str], ...]:
    out = []
    for group, layout in (("all", _COMMON), ("01", CATEGORY_01), ("11", CATEGORY_11)):
        for f in layout.fields:
            decoded = f.canonical and f.kind in (Kind.ALPHANUMERIC, Kind.NUMERIC_OR_BLANK)
            if decoded and (group == "all" or f not in COMMON):
                out.append((f, group))
    return tuple(out)


TEXT_FIELDS = _text_fields()


class ElapsedFormat(Enum):
    """How the 7-digit elapsed time (61-67) and conversation time (150-156) are read."""

    MMMMSST = "minutes(4) seconds(2) tenths(1), per emi11.h"
    SECONDS_TENTHS = "seconds(6) tenths(1), per Freeside"


@dataclass(frozen=True, slots=True)
class Failure:
    """Rows (indices into the block) whose first failing check is on ``field``."""

    rows: np.ndarray
    field: Field
    expected: str


def elapsed_tenths(ok: np.ndarray, value: np.ndarray, fmt: ElapsedFormat) -> tuple[np.ndarray, np.ndarray]:
    """(tenths of a second, valid) from a 7-digit elapsed-time value."""
    if fmt is ElapsedFormat.SECONDS_TENTHS:
        return value, ok
    minutes, rest = np.divmod(value, 1000)
    seconds = rest // 10
    return minutes * 600 + rest, ok & (seconds < 60)


def elapsed_expected(fmt: ElapsedFormat) -> str:
    """What an elapsed-time field must hold under ``fmt``."""
    return "MMMMSST digits, seconds 00-59" if fmt is ElapsedFormat.MMMMSST else "7 digits (seconds and tenths)"


def _telephone(block: RecordBlock, len_f: Field, num_f: Field) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    len_ok, length = block.digits(len_f.start - 1, len_f.length)
    len_ok &= length <= num_f.length
    length = np.where(len_ok, length, 0)  # also keeps garbage rows' lengths within the field
    digits_ok = block.all_digits(num_f.start - 1, num_f.length)
    short = np.flatnonzero(length < num_f.length)
    if short.size:
        sub = block.data(num_f.start - 1, num_f.length)[short]
        inside = np.arange(num_f.length) < length[short, None]
        digits_ok[short] = ~(inside & ((sub - np.uint8(48)) > 9)).any(axis=1)
    return length, len_ok, digits_ok


def _checks(block: RecordBlock, is01: np.ndarray, is11: np.ndarray, fmt: ElapsedFormat):
    """Every check as (good mask, field, expected), plus the decoded integers."""
    checks: list[tuple[np.ndarray, Field, str]] = []
    d_ok, ymd = block.digits(F_DATE.start - 1, 6)
    yy, mm, dd = ymd // 10000, ymd // 100 % 100, ymd % 100
    checks.append((d_ok & C.valid_date(2000 + yy, mm, dd), F_DATE, "YYMMDD calendar date"))
    from_len, from_len_ok, from_ok = _telephone(block, F_FROM_LEN, F_FROM)
    to_len, to_len_ok, to_ok = _telephone(block, F_TO_LEN, F_TO)
    checks += [
        (from_len_ok, F_FROM_LEN, "2 digits 00-10"),
        (from_ok, F_FROM, "digits up to the from number length"),
        (to_len_ok, F_TO_LEN, "2 digits 00-10"),
        (to_ok, F_TO, "digits up to the to number length"),
    ]
    a_ok, amount = block.digits(F_AMOUNT.start - 1, F_AMOUNT.length)
    checks.append((~is01 | a_ok, F_AMOUNT, "7 digits"))
    t_ok, hms = block.digits(F_TIME.start - 1, 6)
    h, mi, s = hms // 10000, hms // 100 % 100, hms % 100
    checks.append((t_ok & (h < 24) & (mi < 60) & (s < 60), F_TIME, "HHMMSS time of day"))
    duration, dur_ok = elapsed_tenths(*block.digits(F_ELAPSED.start - 1, 7), fmt)
    checks.append((dur_ok, F_ELAPSED, elapsed_expected(fmt)))
    conv, conv_ok = elapsed_tenths(*block.digits(F_CONV.start - 1, 7), fmt)
    conv_blank = block.blank(F_CONV.start - 1, 7)
    checks.append((~is11 | conv_ok | conv_blank, F_CONV, elapsed_expected(fmt) + ", or spaces"))
    texts: dict[Field, np.ndarray] = {}
    for f, group in TEXT_FIELDS:
        applies = is11 if group == "11" else is01 if group == "01" else None
        start = f.start - 1
        texts[f] = data = block.data(start, f.length)
        if f.kind is Kind.NUMERIC_OR_BLANK:
            good = block.all_digits(start, f.length) | block.blank(start, f.length)
            expected = "digits or spaces"
        elif C.all_printable(data):
            continue
        else:
            good, expected = C.printable_rows(data), "printable ASCII"
        checks.append((good if applies is None else good | ~applies, f, expected))
    checks.sort(key=lambda c: c[1].start)
    values = {
        "yy": yy,
        "mm": mm,
        "dd": dd,
        "h": h,
        "mi": mi,
        "s": s,
        "duration": duration,
        "conv": conv,
        "conv_blank": conv_blank,
        "amount": amount,
        "from_len": from_len,
        "to_len": to_len,
    }
    return checks, values, texts


def _first_failures(checks, n: int, detail: np.ndarray) -> tuple[np.ndarray, list[Failure]]:
    ok = detail.copy()
    for good, _, _ in checks:
        ok &= good
    failures: list[Failure] = []
    if not ok.all():
        seen = ok | ~detail
        for good, f, expected in checks:
            first = ~good & ~seen
            if first.any():
                failures.append(Failure(np.flatnonzero(first), f, expected))
                seen |= first
    return ok, failures


def decode_details(block: RecordBlock, rid: np.ndarray, detail: np.ndarray, fmt: ElapsedFormat):
    """Validate the ``detail`` records of a block; returns (columns, valid mask, failures).

    ``rid`` is each record's id as an int (CCGGRR). Columns cover the valid records only and
    are Arrow arrays, except ``connect_time_local``: int64 wall-clock seconds. Records that
    are not ``detail`` are neither valid nor reported.
    """
    is11 = rid == CAT_11
    is01 = ~is11
    checks, v, texts = _checks(block, is01, is11, fmt)
    ok, failures = _first_failures(checks, block.n, detail)
    cols: dict[str, pa.Array] = {
        "record_type": C.string_array(block.data(0, 6), np.full(block.n, 6)),
        "category": C.string_array(block.data(0, 2), np.full(block.n, 2)),
        "calling_number": C.string_array(block.data(F_FROM.start - 1, 10), v["from_len"], v["from_len"] > 0),
        "called_number": C.string_array(block.data(F_TO.start - 1, 10), v["to_len"], v["to_len"] > 0),
        "conversation_tenths": pa.array(v["conv"], pa.int64(), mask=~is11 | v["conv_blank"]),
        "amount_minor": pa.array(v["amount"] * 10 ** (AMOUNT_SCALE - EMI_AMOUNT_SCALE), pa.int64(), mask=~is01),
    }
    for f, group in TEXT_FIELDS:
        applies = None if group == "all" else (is11 if group == "11" else is01)
        assert f.canonical, f"{f.name}: TEXT_FIELDS holds canonical fields only"
        cols[f.canonical] = C.text_column(texts[f], applies)
    everything = ok.all()
    if not everything:
        # Columns were built for every record (bad ones hold harmless garbage); keep the good.
        keep = pa.array(ok)
        cols = {k: a.filter(keep) for k, a in cols.items()}
        v = {k: a[ok] for k, a in v.items()}
    days = C.days_from_civil(2000 + v["yy"], v["mm"], v["dd"])
    cols["connect_time_local"] = days * 86400 + v["h"] * 3600 + v["mi"] * 60 + v["s"]
    cols["duration_tenths"] = pa.array(v["duration"], pa.int64())
    return cols, ok, failures
