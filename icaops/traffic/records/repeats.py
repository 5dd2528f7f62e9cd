"""Ordinals of identical calls within one source, so that a flood of identical attempts counts in full.

Two records of one file that agree on every identity field (identity.py: same numbers, trunk
group, second, duration...) are two attempts, not one call sent twice: the first keeps the
record id of its key (ordinal 0), the n-th gets ordinal n - 1 and so its own id. The same file
read again, or the same calls re-sent in another file, give the same ids in the same order, so
ingest still stores each once (docs/traffic-pipeline.md#record-identity).

A file is read in batches; ``Repeats`` carries what earlier batches held: their first hash words
in sorted runs, merged as they grow, and a bitmap that lets most rows skip the runs.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from icaops.traffic.records.identity import record_ids

__all__ = ["Repeats", "number_repeats"]

_BITMAP_BITS = 27
"""2**27 bits (16 MiB): at two million earlier records about 1.5 % of rows need the runs."""


def _first_words(ids: pa.Array) -> np.ndarray:
    """The first 64-bit word of each 32-hex-character record id (XXH64 seed 0 of its key)."""
    n = len(ids)
    if isinstance(ids, pa.ChunkedArray):
        ids = ids.combine_chunks()
    offsets = np.frombuffer(ids.buffers()[1], dtype=np.int32, count=n + 1, offset=ids.offset * 4)
    data = np.frombuffer(ids.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[0] + 32 * n]
    chars = data.reshape(n, 32)[:, :16].astype(np.uint64)
    nibbles = (chars & np.uint64(15)) + np.uint64(9) * (chars >> np.uint64(6))  # '0'-'9' and 'a'-'f'
    word = np.zeros(n, np.uint64)
    for i in range(16):
        word = (word << np.uint64(4)) | nibbles[:, i]
    return word


def _ranks(sorted_words: np.ndarray) -> np.ndarray:
    """Each position's rank among the equal values before it, in a sorted array."""
    n = sorted_words.size
    starts = np.ones(n, dtype=bool)
    starts[1:] = sorted_words[1:] != sorted_words[:-1]
    at = np.arange(n)
    return at - np.maximum.accumulate(np.where(starts, at, 0))


class Repeats:
    """Numbers the repeated calls of one source across its batches, in source order.

    Give every batch of the file, in order, to ``number``; each call is the state of the file so
    far (not thread-safe; one per file).
    """

    def __init__(self) -> None:
        self._runs: list[np.ndarray] = []
        self._bitmap: np.ndarray | None = None

    def _earlier(self, words: np.ndarray) -> np.ndarray:
        """How many times each word occurred in earlier batches."""
        counts = np.zeros(words.size, np.int64)
        if not self._runs or self._bitmap is None:
            return counts
        slot = words >> np.uint64(64 - _BITMAP_BITS)
        maybe = np.flatnonzero(self._bitmap[slot >> np.uint64(6)] & (np.uint64(1) << (slot & np.uint64(63))))
        if maybe.size:
            probe = words[maybe]
            for run in self._runs:
                counts[maybe] += np.searchsorted(run, probe, "right") - np.searchsorted(run, probe, "left")
        return counts

    def _remember(self, sorted_words: np.ndarray) -> None:
        if self._bitmap is None:
            self._bitmap = np.zeros(1 << (_BITMAP_BITS - 6), np.uint64)
        slot = sorted_words >> np.uint64(64 - _BITMAP_BITS)
        np.bitwise_or.at(self._bitmap, slot >> np.uint64(6), np.uint64(1) << (slot & np.uint64(63)))
        self._runs.append(sorted_words)
        while len(self._runs) > 1 and self._runs[-2].size <= 2 * self._runs[-1].size:
            last = self._runs.pop()
            self._runs[-1] = np.sort(np.concatenate([self._runs[-1], last]), kind="stable")

    def number(self, batch: pa.RecordBatch) -> pa.RecordBatch:
        """``batch`` (record ids of ordinal 0, as ``finish_batch(numbered=False)`` makes them) with
        the ids of repeated calls replaced by the ids of their ordinals."""
        n = batch.num_rows
        if n == 0:
            return batch
        ids = batch.column(0)
        words = _first_words(ids)
        order = np.argsort(words, kind="stable")
        ordered = words[order]
        ordinals = np.empty(n, np.int64)
        ordinals[order] = _ranks(ordered)
        ordinals += self._earlier(words)
        self._remember(ordered)
        repeated = np.flatnonzero(ordinals)
        if repeated.size == 0:
            return batch
        new_ids = record_ids(batch.take(pa.array(repeated)), ordinals[repeated])
        mask = np.zeros(n, dtype=bool)
        mask[repeated] = True
        return batch.set_column(0, batch.schema.field(0), pc.replace_with_mask(ids, pa.array(mask), new_ids))


def number_repeats(batch: pa.RecordBatch) -> pa.RecordBatch:
    """``batch`` taken as a whole source: each repeated call gets the id of its ordinal."""
    return Repeats().number(batch)
