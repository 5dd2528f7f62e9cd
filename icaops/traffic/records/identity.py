"""A call's identity: its key bytes, the call's ordinal among identical calls of its source, and their
128-bit hash (XXH64 twice), independent of the file it came in."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

__all__ = ["IDENTITY_FIELDS", "identity_keys", "record_ids", "xxh64_rows"]

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
is the same call and must not be counted twice. Records identical in all these fields within one
file are told apart by their ordinal (``repeats.py``): a flood of identical attempts in one second
is that many attempts (CPA.8).
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


def _xxh64_block(lanes: np.ndarray, seed: np.ndarray, out: np.ndarray) -> None:
    n = lanes.shape[1]
    tmp = np.empty(n, dtype=np.uint64)
    # uint64 array arithmetic wraps modulo 2**64, as XXH64 wants.
    v = [seed + np.uint64((int(_P1) + int(_P2)) & _MASK), seed + _P2, seed.copy(), seed - _P1]
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


def xxh64_rows(keys: np.ndarray, seed: int | np.ndarray = 0) -> np.ndarray:
    """XXH64 of each 64-byte row of ``keys`` (the reference algorithm, vectorised); ``seed`` is one
    seed for all rows or one per row."""
    n, width = keys.shape
    if width != _KEY_BYTES:
        raise ValueError(f"xxh64_rows hashes {_KEY_BYTES}-byte rows, got {width}")
    seeds = np.broadcast_to(np.asarray(seed, dtype=np.uint64), (n,))
    out = np.empty(n, dtype=np.uint64)
    for lo in range(0, n, _BLOCK):
        block = np.ascontiguousarray(keys[lo : lo + _BLOCK]).view("<u8")
        _xxh64_block(np.ascontiguousarray(block.T), np.array(seeds[lo : lo + _BLOCK]), out[lo : lo + _BLOCK])
    return out


_HEX_PAIRS = np.array([ord(f"{b:02x}"[0]) | ord(f"{b:02x}"[1]) << 8 for b in range(256)], dtype="<u4")
_HEX_QUADS = (_HEX_PAIRS[np.arange(65536) & 255] | _HEX_PAIRS[np.arange(65536) >> 8] << 16).astype("<u4")
"""Two bytes (read little-endian) to their four hex characters."""


def record_ids(batch: pa.RecordBatch, ordinals: np.ndarray | None = None) -> pa.Array:
    """128-bit record identities as 32 hex characters: XXH64 of the key with seeds 2k and 2k + 1,
    k the row's ordinal among identical calls of its source (0, the default, for the first)."""
    keys = identity_keys(batch)
    n = keys.shape[0]
    seeds = np.zeros(n, np.uint64) if ordinals is None else np.asarray(ordinals, np.uint64) * np.uint64(2)
    digest = np.empty((n, 2), dtype=">u8")
    digest[:, 0] = xxh64_rows(keys, seeds)
    digest[:, 1] = xxh64_rows(keys, seeds + np.uint64(1))
    raw = digest.view(np.uint8).reshape(n, 16)
    text = np.take(_HEX_QUADS, raw.view("<u2")).view(np.uint8)
    offsets = np.arange(0, 32 * (n + 1), 32, dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(text))
