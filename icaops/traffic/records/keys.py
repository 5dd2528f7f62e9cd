"""Integer keys of a call, written once when its record is made: what the checks join and group on.

The Carrier Partner checks look numbers up by NPA-NXX-X, group by trunk group and OCN, and test
a handful of conditions on the text columns. Done on the text for every call of every check,
that is most of a check's cost (docs/traffic-pipeline.md#integer-keys); so `finish_batch` adds,
beside the text (which stays for evidence):

- `connect_epoch`: `connect_time` in seconds since the epoch;
- `calling_block`, `called_block`: the number's NPA-NXX-X as an integer (the first seven digits
  of its ten-digit form, a leading 1 of eleven digits dropped), null when those are not seven
  ASCII digits;
- `trunk_code`, `orig_ocn_code`, `term_ocn_code`, `sending_ocn_code`: the text's UTF-8 bytes,
  NUL-padded to 8 (trunk group) or 4 (OCN) bytes and read as one big-endian integer (`pack`):
  one code per text, the same in every file and run, and back to the text with `unpack`;
- `call_flags`: bits (FLAG_BITS) of the conditions the checks test on text.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "CALLED_911",
    "CALLING_NANP",
    "CPN_PRESENT",
    "FLAG_BITS",
    "IND_ILEC",
    "IND_RECEIVED",
    "KEY_FIELDS",
    "NANP_PATTERN",
    "ORIG_LRN",
    "RESALE",
    "RESALE_USAGE_CATEGORIES",
    "call_keys",
    "pack",
    "pack_text",
    "unpack",
]

NANP_PATTERN = r"^[2-9][0-9]{2}[2-9][0-9]{6}$"
"""A ten-digit NANP number: NPA and NXX each starting 2-9."""
RESALE_USAGE_CATEGORIES = ("01", "10")
"""EMI message-record categories (docs/emi.md): usage of resold lines, not trunk traffic."""

CALLING_NANP = 1
"""The calling number's ten-digit form is a NANP number (NANP_PATTERN)."""
CALLED_911 = 2
"""The called number's ten-digit form is 911."""
RESALE = 4
"""A message record of a resold line (category in RESALE_USAGE_CATEGORIES)."""
CPN_PRESENT = 8
"""A calling number is present (not null, not empty)."""
ORIG_LRN = 16
"""An originating LRN is recorded (the calling number was ported)."""
IND_ILEC = 32
"""orig_term_ind is 1: the call originated at CenturyLink."""
IND_RECEIVED = 64
"""orig_term_ind is 2: the call was received from the CLEC's trunks."""
FLAG_BITS = {
    "calling_nanp": CALLING_NANP,
    "called_911": CALLED_911,
    "resale": RESALE,
    "cpn_present": CPN_PRESENT,
    "orig_lrn": ORIG_LRN,
    "ind_ilec": IND_ILEC,
    "ind_received": IND_RECEIVED,
}

KEY_FIELDS: tuple[pa.Field, ...] = (
    pa.field("connect_epoch", pa.int64(), False),
    pa.field("calling_block", pa.int32()),
    pa.field("called_block", pa.int32()),
    pa.field("trunk_code", pa.int64()),
    pa.field("orig_ocn_code", pa.int32()),
    pa.field("term_ocn_code", pa.int32()),
    pa.field("sending_ocn_code", pa.int32()),
    pa.field("call_flags", pa.int16(), False),
)
"""The integer key columns, in CALL_RECORD_SCHEMA order (after the text columns)."""
_PACKED = {
    "trunk_code": ("trunk_group", 8),
    "orig_ocn_code": ("orig_ocn", 4),
    "term_ocn_code": ("term_ocn", 4),
    "sending_ocn_code": ("sending_ocn", 4),
}


def _chunk(col: pa.Array | pa.ChunkedArray) -> pa.Array:
    return col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col


def pack(col: pa.Array | pa.ChunkedArray, width: int) -> pa.Array:
    """Each text's UTF-8 bytes NUL-padded to `width` (4 or 8) and read as a big-endian signed integer.

    Null stays null. Distinct texts (without NUL characters) get distinct codes, and for ASCII text
    the codes sort as the texts do. Text longer than `width` bytes never reaches here (readers
    quarantine it by CALL_RECORD_SCHEMA's widths): ValueError.
    """
    col = _chunk(col)
    n = len(col)
    dtype = {4: np.int32, 8: np.int64}[width]
    out = pa.int32() if width == 4 else pa.int64()
    if n == 0 or col.null_count == n:
        return pa.nulls(n, out)
    offsets = np.frombuffer(col.buffers()[1], dtype=np.int32, count=n + 1, offset=col.offset * 4).astype(np.int64)
    sizes = np.diff(offsets)
    valid = col.is_valid().to_numpy(zero_copy_only=False)
    sizes = np.where(valid, sizes, 0)
    if int(sizes.max()) > width:
        raise ValueError(f"pack: expected text of at most {width} bytes, found {int(sizes.max())}")
    data = np.frombuffer(col.buffers()[2], dtype=np.uint8) if col.buffers()[2] is not None else np.zeros(0, np.uint8)
    buf = np.zeros((n, width), dtype=np.uint8)
    total = int(sizes.sum())
    if total:
        rows = np.repeat(np.arange(n, dtype=np.int64), sizes)
        firsts = np.cumsum(sizes) - sizes
        within = np.arange(total, dtype=np.int64) - np.repeat(firsts, sizes)
        buf.reshape(-1)[rows * width + within] = data[np.repeat(offsets[:-1], sizes) + within]
    codes = buf.view(f">u{width}").reshape(n).astype(f"<u{width}").view(dtype)
    return pa.array(codes, out, mask=~valid)


def pack_text(text: str | None, width: int) -> int | None:
    """`pack` of one text (for literals and lookup tables)."""
    if text is None:
        return None
    return pack(pa.array([text], pa.string()), width)[0].as_py()


def unpack(codes: pa.Array | pa.ChunkedArray, width: int) -> pa.Array:
    """The texts of `pack`ed codes (null stays null)."""
    codes = _chunk(codes)
    n = len(codes)
    if n == 0 or codes.null_count == n:
        return pa.nulls(n, pa.string())
    dtype = {4: np.int32, 8: np.int64}[width]
    ints = codes.cast(pa.int32() if width == 4 else pa.int64()).fill_null(0).to_numpy().astype(dtype)
    distinct, at = np.unique(ints, return_inverse=True)  # a few hundred trunk groups among many rows
    raw = distinct.view(f"<u{width}").astype(f">u{width}").view(f"S{width}")  # numpy drops the trailing NULs
    texts = pa.array([b.decode("utf-8") for b in raw.tolist()], pa.string())
    return pc.if_else(codes.is_valid(), texts.take(pa.array(at.ravel(), pa.int64())), pa.scalar(None, pa.string()))


def _ten_digits(number: pa.Array) -> pa.Array:
    """A number without its leading 1 when it has eleven characters."""
    national = pc.and_(pc.equal(pc.utf8_length(number), 11), pc.starts_with(number, "1"))
    return pc.if_else(national, pc.utf8_slice_codeunits(number, 1), number)


def _block(ten: pa.Array) -> pa.Array:
    """The first seven characters as an int32 when they are seven ASCII digits, else null."""
    head = pc.utf8_slice_codeunits(ten, 0, 7)
    digits = pc.fill_null(pc.match_substring_regex(head, r"^[0-9]{7}$"), False)
    return pc.if_else(digits, head, pa.scalar(None, pa.string())).cast(pa.int32())


def _bit(condition: pa.Array, bit: int) -> np.ndarray:
    return np.where(pc.fill_null(condition, False).to_numpy(zero_copy_only=False), bit, 0).astype(np.int16)


def call_keys(columns: dict[str, pa.Array], n: int) -> dict[str, pa.Array]:
    """The KEY_FIELDS columns of `n` records from their canonical columns (connect_time as timestamp[s, UTC])."""
    calling, called = _ten_digits(_chunk(columns["calling_number"])), _ten_digits(_chunk(columns["called_number"]))
    raw_calling = _chunk(columns["calling_number"])
    ind = _chunk(columns["orig_term_ind"])
    flags = (
        _bit(pc.match_substring_regex(calling, NANP_PATTERN), CALLING_NANP)
        | _bit(pc.equal(called, "911"), CALLED_911)
        | _bit(pc.is_in(_chunk(columns["category"]), pa.array(RESALE_USAGE_CATEGORIES)), RESALE)
        | _bit(pc.and_(pc.is_valid(raw_calling), pc.not_equal(raw_calling, "")), CPN_PRESENT)
        | _bit(pc.is_valid(_chunk(columns["orig_lrn"])), ORIG_LRN)
        | _bit(pc.equal(ind, "1"), IND_ILEC)
        | _bit(pc.equal(ind, "2"), IND_RECEIVED)
    )
    keys = {
        "connect_epoch": _chunk(columns["connect_time"]).cast(pa.int64()),
        "calling_block": _block(calling),
        "called_block": _block(called),
        **{name: pack(columns[text], width) for name, (text, width) in _PACKED.items()},
        "call_flags": pa.array(flags, pa.int16()),
    }
    assert all(len(v) == n for v in keys.values()), "one key per record"
    return keys
