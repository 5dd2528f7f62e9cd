"""Vectorised access to fixed-width fields of many records at once.

A ``RecordBlock`` is n records laid out at a fixed stride in one byte buffer (a chunk read
from the file, 212 bytes apart). A field is read as 1-D strided loads of 8/4/2/1-byte words
(numpy handles unaligned loads), then checked and converted with SWAR arithmetic on whole
words: eight digits tested or parsed in a few integer operations (the technique of
simdjson's ``is_made_of_eight_digits_fast`` / ``parse_eight_digits_unrolled``).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

_U64 = np.uint64
_ONES = 0x0101010101010101
_ZEROS = _U64(0x30 * _ONES)
_SPACES = 0x20 * _ONES
_HIGH = 0x80 * _ONES
_NIBBLE = _U64(0xF0 * _ONES)
_SIX = _U64(0x06 * _ONES)
_THREES = _U64(0x33 * _ONES)
_PIECE_TYPES: dict[int, np.dtype] = {8: np.dtype("<u8"), 4: np.dtype("<u4"), 2: np.dtype("<u2"), 1: np.dtype("u1")}


def _low_mask(nbytes: int) -> int:
    return (1 << (8 * nbytes)) - 1


def _pieces(width: int) -> list[tuple[int, int]]:
    out, at = [], 0
    for size in (8, 4, 2, 1):
        while width - at >= size:
            out.append((at, size))
            at += size
    return out


class RecordBlock:
    """``n`` records of ``length`` bytes, ``stride`` apart in ``base`` from byte ``first``."""

    __slots__ = ("base", "first", "length", "n", "stride")

    def __init__(self, base: np.ndarray, n: int, stride: int, first: int = 0, length: int = 210) -> None:
        self.base, self.n, self.stride, self.first, self.length = base, n, stride, first, length

    @classmethod
    def from_rows(cls, rows: np.ndarray) -> RecordBlock:
        """A block over a C-contiguous (n, length) array."""
        rows = np.ascontiguousarray(rows)
        return cls(rows.reshape(-1), rows.shape[0], rows.shape[1], 0, rows.shape[1])

    def piece(self, start: int, dtype: np.dtype) -> np.ndarray:
        """A strided (n,) view of ``dtype`` at 0-based byte ``start`` of every record."""
        if self.n == 0:
            return np.zeros(0, dtype=dtype)
        return np.ndarray((self.n,), dtype=dtype, buffer=self.base, offset=self.first + start, strides=(self.stride,))

    def word(self, end: int) -> np.ndarray:
        """The 8 bytes before 0-based ``end`` as uint64 (shifted up when ``end`` < 8).

        A strided view when ``end`` >= 8: copy it if it will be read more than once.
        """
        if end >= 8:
            return self.piece(end - 8, _PIECE_TYPES[8])
        return self.piece(0, _PIECE_TYPES[8]) << _U64(8 * (8 - end))

    def rows(self) -> np.ndarray:
        """An (n, length) view of the records."""
        return np.lib.stride_tricks.as_strided(
            self.base[self.first :], shape=(self.n, self.length), strides=(self.stride, 1), writeable=False
        )

    def row(self, i: int) -> bytes:
        """Record ``i`` as bytes."""
        at = self.first + i * self.stride
        return self.base[at : at + self.length].tobytes()

    def data(self, start: int, width: int) -> np.ndarray:
        """A contiguous (n, width) copy of the field at 0-based ``start``."""
        if self.n == 0:
            return np.zeros((0, width), dtype=np.uint8)
        field = np.ndarray(
            (self.n,), dtype=f"S{width}", buffer=self.base, offset=self.first + start, strides=(self.stride,)
        )
        return field.copy().view(np.uint8).reshape(self.n, width)

    def padded_words(self, start: int, width: int) -> list[np.ndarray]:
        """The field as uint64 words, right-aligned, leading pad bytes set to '0' (width <= 16)."""
        end = start + width
        if width < 8:
            keep = ~_U64(_low_mask(8 - width))
            return [(self.word(end) & keep) | (_ZEROS & ~keep)]
        if width == 8:
            return [np.ascontiguousarray(self.word(end))]
        if width > 16:
            raise ValueError(f"field at {start + 1} width {width}: padded_words takes up to 16 bytes")
        keep = ~_U64(_low_mask(16 - width))
        return [(self.word(end - 8) & keep) | (_ZEROS & ~keep), np.ascontiguousarray(self.word(end))]

    def digits(self, start: int, width: int) -> tuple[np.ndarray, np.ndarray]:
        """(all digits, int64 value) for a field of up to 16 bytes."""
        ok, value = np.ones(self.n, dtype=bool), np.zeros(self.n, dtype=np.int64)
        for w in self.padded_words(start, width):
            ok &= digit_word(w)
            value = value * 100_000_000 + parse8(w).astype(np.int64)
        return ok, value

    def all_digits(self, start: int, width: int) -> np.ndarray:
        """Records whose field is all ASCII digits (no value computed)."""
        first, *rest = self.padded_words(start, width)
        ok = digit_word(first)
        for w in rest:
            ok = ok & digit_word(w)
        return ok

    def blank(self, start: int, width: int) -> np.ndarray:
        """Records whose field is all spaces."""
        out = np.ones(self.n, dtype=bool)
        for at, size in _pieces(width):
            out &= self.piece(start + at, _PIECE_TYPES[size]) == (_SPACES & _low_mask(size))
        return out


def printable_rows(data: np.ndarray) -> np.ndarray:
    """Rows of an (n, w) byte array holding only printable ASCII (0x20-0x7E)."""
    return np.all((data - np.uint8(0x20)) <= np.uint8(0x5E), axis=1)


def all_printable(data: np.ndarray) -> bool:
    """True when every byte of ``data`` is printable ASCII (one contiguous pass)."""
    return data.size == 0 or bool(data.min() >= 0x20 and data.max() <= 0x7E)


_SUB = _U64(0x30 * _ONES)
_ADD = _U64(0x46 * _ONES)
_HIGH64 = _U64(_HIGH)


def digit_word(w: np.ndarray) -> np.ndarray:
    """Words whose 8 bytes are all ASCII digits.

    A byte below '0' sets its high bit on subtracting 0x30, one above '9' on adding 0x46;
    borrows and carries only spill from bytes that already failed.
    """
    return ((w - _SUB) | (w + _ADD)) & _HIGH64 == 0


def parse8(w: np.ndarray) -> np.ndarray:
    """Eight ASCII digits (first digit in the low byte) to their value, per uint64."""
    w = w & _U64(0x0F0F0F0F0F0F0F0F)
    w = (w * _U64(2561)) >> _U64(8)
    w = ((w & _U64(0x00FF00FF00FF00FF)) * _U64(6553601)) >> _U64(16)
    return ((w & _U64(0x0000FFFF0000FFFF)) * _U64(42949672960001)) >> _U64(32)


def from_int(values: np.ndarray, width: int) -> np.ndarray:
    """Non-negative int64 values to zero-filled (n, width) digits (caller checks range)."""
    out = np.empty((values.shape[0], width), dtype=np.uint8)
    v = values.astype(np.int64, copy=True)
    for j in range(width - 1, -1, -1):
        out[:, j] = (v % 10) + 48
        v //= 10
    return out


def is_digits(col: np.ndarray) -> np.ndarray:
    """Rows of an (n, w) byte array whose every byte is an ASCII digit."""
    return np.all((col - np.uint8(48)) <= 9, axis=1)


def is_blank(col: np.ndarray) -> np.ndarray:
    """Rows of an (n, w) byte array whose every byte is a space."""
    return np.all(col == np.uint8(32), axis=1)


def to_int(col: np.ndarray) -> np.ndarray:
    """Digits of an (n, w) byte array to int64 (garbage where not digits)."""
    out = np.zeros(col.shape[0], dtype=np.int64)
    for j in range(col.shape[1]):
        out *= 10
        out += col[:, j]
        out -= 48
    return out


def days_from_civil(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 for proleptic Gregorian dates (H. Hinnant's algorithm)."""
    y = y - (m <= 2)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    mp = (m + 9) % 12
    doy = (153 * mp + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def civil_from_days(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(year, month, day) for days since 1970-01-01 (inverse of ``days_from_civil``)."""
    z = days.astype(np.int64) + 719468
    era = np.floor_divide(z, 146097)
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = np.where(mp < 10, mp + 3, mp - 9)
    y = yoe + era * 400 + (m <= 2)
    return y, m, d


_MONTH_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


def valid_date(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Rows where (y, m, d) is a real calendar date."""
    ok_m = (m >= 1) & (m <= 12)
    mi = np.where(ok_m, m, 1)
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    last = _MONTH_DAYS[mi] + ((mi == 2) & leap)
    return ok_m & (d >= 1) & (d <= last)


def packed_validity(valid: np.ndarray) -> pa.Buffer:
    """An Arrow validity bitmap for a boolean mask."""
    return pa.py_buffer(np.packbits(valid, bitorder="little"))


def string_array(col: np.ndarray, lengths: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """An Arrow string array of each row's first ``lengths[i]`` bytes of an (n, w) array."""
    n, width = col.shape
    if (lengths == width).all():
        data = np.ascontiguousarray(col).reshape(-1)
        offsets = np.arange(0, width * (n + 1), width, dtype=np.int32)
    else:
        data = col[np.arange(width) < lengths[:, None]]
        offsets = np.zeros(n + 1, dtype=np.int32)
        np.cumsum(lengths, out=offsets[1:])
    if valid is None or valid.all():
        return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data), null_count=0)
    return pa.StringArray.from_buffers(
        n, pa.py_buffer(offsets), pa.py_buffer(data), packed_validity(valid), n - int(np.count_nonzero(valid))
    )


def trimmed_lengths(col: np.ndarray) -> np.ndarray:
    """Each row's length once trailing spaces are removed, for an (n, w) byte array."""
    n, width = col.shape
    lengths = np.full(n, width, dtype=np.int64)
    trailing = np.ones(n, dtype=bool)
    for j in range(width - 1, -1, -1):
        trailing &= col[:, j] == 32
        lengths -= trailing
    return lengths


def text_column(data: np.ndarray, applies: np.ndarray | None = None) -> pa.Array:
    """An (n, w) text field as strings: right-trimmed; null when blank or where not ``applies``."""
    n, width = data.shape
    trailing = data[:, width - 1] == 32
    if applies is not None:
        trailing &= applies
    if not trailing.any():
        return string_array(data, np.full(n, width, dtype=np.int64), applies)
    lengths = trimmed_lengths(data)
    present = lengths > 0 if applies is None else (lengths > 0) & applies
    return string_array(data, np.where(present, lengths, 0), present)


def fixed_bytes(arr: pa.Array, width: int, ascii_only: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Strings (nulls as blank) to space-padded (n, width) bytes, plus a row-fits mask.

    Rows longer than ``width`` bytes (or, with ``ascii_only``, not ASCII) come back blank
    with fits == False.
    """
    import pyarrow.compute as pc

    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if arr.type != pa.string():
        arr = arr.cast(pa.string())
    fast = _uniform(arr, width, ascii_only)
    if fast is not None:
        return fast
    filled = pc.fill_null(arr, "")
    fits = pc.less_equal(pc.binary_length(filled), width)
    if ascii_only:
        fits = pc.and_(fits, pc.string_is_ascii(filled))
    fits_np = fits.to_numpy(zero_copy_only=False)
    if not fits_np.all():
        filled = pc.if_else(fits, filled, "")
    padded = pc.utf8_rpad(filled, width=width, padding=" ")
    n = len(padded)
    offsets = np.frombuffer(padded.buffers()[1], dtype=np.int32, count=n + 1, offset=padded.offset * 4)
    data = np.frombuffer(padded.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    return data.reshape(n, width), fits_np


def _uniform(arr: pa.StringArray, width: int, ascii_only: bool) -> tuple[np.ndarray, np.ndarray] | None:
    # Fast path: every value (null slots included) has the same byte length <= width.
    n = len(arr)
    if n == 0:
        return np.zeros((0, width), dtype=np.uint8), np.ones(0, dtype=bool)
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32, count=n + 1, offset=arr.offset * 4)
    size = int(offsets[1] - offsets[0])
    if size > width or int(offsets[-1] - offsets[0]) != size * n or not (np.diff(offsets) == size).all():
        return None
    raw = np.frombuffer(arr.buffers()[2], dtype=np.uint8) if size else np.zeros(0, np.uint8)
    values = raw[offsets[0] : offsets[-1]].reshape(n, size)
    if ascii_only and size and (values >= 128).any():
        return None
    out = np.full((n, width), 32, dtype=np.uint8)
    out[:, :size] = values
    if arr.null_count:
        out[~arr.is_valid().to_numpy(zero_copy_only=False)] = 32
    return out, np.ones(n, dtype=bool)
