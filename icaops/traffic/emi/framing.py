"""Splitting an EMI byte stream into 210-byte records (VI.9.1.2; emi11.h CRLF at 210).

A record is 210 bytes then CR LF. Optional modules may sit between position 210 and the
terminator (Freeside: module code at 211-214 = three digits and a version letter). The
fast path views a whole chunk as (n, 212) when every terminator is where it should be;
otherwise records are found by their LF and anything of the wrong length is set aside as
a ``BadFrame`` and reading resumes after the next LF.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from icaops.traffic.emi.columns import RecordBlock
from icaops.traffic.emi.fields import FRAME_LENGTH, RECORD_LENGTH

LF, CR = 10, 13
MODULE_CODE = 4  # Freeside: module code at 211-214, three digits and a version letter
MAX_LINE = 64 * 1024
"""A run this long without LF is not a record; it is quarantined and skipped to the next LF."""
MAX_RAW = 4096
"""At most this much of a bad record's text is kept for quarantine."""


@dataclass(frozen=True, slots=True)
class BadFrame:
    """A record whose length or terminator is wrong."""

    record_no: int
    byte_offset: int
    raw: bytes
    expected: str


@dataclass(frozen=True, slots=True)
class Frames:
    """Well-framed records of one chunk, in file order."""

    block: RecordBlock
    record_no: np.ndarray  # int64, 1-based physical record number
    byte_offset: np.ndarray  # int64
    module_offsets: np.ndarray | None  # int32 (n + 1) into module_data; None = no modules
    module_data: np.ndarray | None
    bad: list[BadFrame] = field(default_factory=list)


def _module_header_ok(buf: np.ndarray, at: np.ndarray) -> np.ndarray:
    digits = np.ones(at.shape[0], dtype=bool)
    for k in range(3):
        digits &= (buf[at + k] - np.uint8(48)) <= 9
    letter = buf[at + 3]
    return digits & (((letter >= 65) & (letter <= 90)) | ((letter >= 97) & (letter <= 122)))


def _expected(length: int) -> str:
    return f"{RECORD_LENGTH} bytes (or {RECORD_LENGTH} + modules) then CR LF; found {length} bytes"


class Framer:
    """Feeds chunks of a file, returning the records each completes; carries partial ones."""

    def __init__(self) -> None:
        self._carry = b""
        self._carry_offset = 0
        self._next_no = 1
        self._skipping = False

    def feed(self, data: bytes, final: bool = False) -> Frames:
        """Records completed by ``data``; at ``final`` a trailing partial record is bad."""
        bad: list[BadFrame] = []
        if self._skipping:
            lf = data.find(b"\n")
            if lf < 0 and not final:
                self._carry_offset += len(data)
                return self._empty(bad)
            cut = len(data) if lf < 0 else lf + 1
            self._carry_offset += cut
            data = data[cut:]
            self._skipping = False
        buf = self._carry + data if self._carry else data
        base = self._carry_offset
        arr = np.frombuffer(buf, dtype=np.uint8)
        n = len(arr) // FRAME_LENGTH
        if n and not final and self._fixed(arr, n):
            used = n * FRAME_LENGTH
            self._carry, self._carry_offset = buf[used:], base + used
            return self._frames(RecordBlock(arr, n, FRAME_LENGTH), base, n)
        return self._general(buf, arr, base, final, bad)

    @staticmethod
    def _fixed(arr: np.ndarray, n: int) -> bool:
        view = arr[: n * FRAME_LENGTH].reshape(n, FRAME_LENGTH)
        # An LF inside a record that still has CR LF at 211-212 is just a bad byte in a field.
        return bool((view[:, RECORD_LENGTH] == CR).all() and (view[:, RECORD_LENGTH + 1] == LF).all())

    def _frames(self, block: RecordBlock, base: int, n: int) -> Frames:
        nos = np.arange(self._next_no, self._next_no + n, dtype=np.int64)
        offs = base + np.arange(n, dtype=np.int64) * FRAME_LENGTH
        self._next_no += n
        return Frames(block, nos, offs, None, None, [])

    def _empty(self, bad: list[BadFrame]) -> Frames:
        z = np.zeros(0, dtype=np.int64)
        return Frames(RecordBlock.from_rows(np.zeros((0, RECORD_LENGTH), np.uint8)), z, z, None, None, bad)

    def _general(self, buf: bytes, arr: np.ndarray, base: int, final: bool, bad: list[BadFrame]) -> Frames:
        lfs = np.flatnonzero(arr == LF)
        starts = np.concatenate(([0], lfs[:-1] + 1)).astype(np.int64) if lfs.size else np.zeros(0, np.int64)
        ends = lfs.astype(np.int64)
        tail_start = int(lfs[-1]) + 1 if lfs.size else 0
        if final and tail_start < len(arr):
            starts = np.append(starts, tail_start)
            ends = np.append(ends, len(arr))
            tail_start = len(arr)
        has_cr = np.zeros(ends.shape[0], dtype=bool)
        nonempty = ends > starts
        has_cr[nonempty] = arr[ends[nonempty] - 1] == CR
        body_end = ends - has_cr
        lengths = body_end - starts
        nos = np.arange(self._next_no, self._next_no + starts.shape[0], dtype=np.int64)
        self._next_no += starts.shape[0]
        ok = lengths == RECORD_LENGTH
        longer = np.flatnonzero(lengths >= RECORD_LENGTH + MODULE_CODE)
        if longer.size:
            ok[longer] = _module_header_ok(arr, starts[longer] + RECORD_LENGTH)
        for i in np.flatnonzero(~ok):
            raw = buf[starts[i] : min(ends[i] + 1, starts[i] + MAX_RAW)]
            bad.append(BadFrame(int(nos[i]), base + int(starts[i]), raw, _expected(int(lengths[i]))))
        good = np.flatnonzero(ok)
        block = _gather(buf, arr, starts[good])
        mod_off, mod_data = None, None
        extra = lengths[good] - RECORD_LENGTH
        if extra.any():
            mod_off = np.zeros(good.size + 1, dtype=np.int32)
            np.cumsum(extra, out=mod_off[1:])
            src = np.repeat(starts[good] + RECORD_LENGTH - mod_off[:-1], extra) + np.arange(mod_off[-1])
            mod_data = arr[src]
        self._carry = buf[tail_start:]
        self._carry_offset = base + tail_start
        if len(self._carry) > MAX_LINE:
            bad.append(
                BadFrame(
                    self._next_no,
                    self._carry_offset,
                    self._carry[:MAX_RAW],
                    f"a CR LF within {MAX_LINE} bytes (record terminator missing)",
                )
            )
            self._next_no += 1
            self._carry_offset += len(self._carry)
            self._carry = b""
            self._skipping = True
        if final:
            self._carry = b""
        return Frames(block, nos[good], base + starts[good], mod_off, mod_data, bad)


def _gather(buf: bytes, arr: np.ndarray, starts: np.ndarray) -> RecordBlock:
    """The records starting at ``starts``: zero-copy when evenly spaced (e.g. LF-only files)."""
    n = starts.size
    if n == 0:
        return RecordBlock.from_rows(np.zeros((0, RECORD_LENGTH), np.uint8))
    stride = int(starts[1] - starts[0]) if n > 1 else FRAME_LENGTH
    even = stride >= RECORD_LENGTH and (n == 1 or bool((np.diff(starts) == stride).all()))
    if even and int(starts[0]) + (n - 1) * stride + RECORD_LENGTH <= arr.size:
        return RecordBlock(arr, n, stride, int(starts[0]))
    joined = b"".join([buf[s : s + RECORD_LENGTH] for s in starts.tolist()])
    return RecordBlock.from_rows(np.frombuffer(joined, dtype=np.uint8).reshape(n, RECORD_LENGTH))
