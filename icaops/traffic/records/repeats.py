"""Ordinals of identical calls within one source, so that a flood of identical attempts counts in full.

Two records of one file that agree on every identity field (identity.py: same numbers, trunk
group, second, duration...) are two attempts, not one call sent twice: the first keeps the
record id of its key (ordinal 0), the n-th gets ordinal n - 1 and so its own id. The same file
read again, or the same calls re-sent in another file, give the same ids in the same order, so
ingest still stores each once (docs/traffic-pipeline.md#record-identity).

A file is read in batches; ``Repeats`` carries what earlier batches held: their first hash words
in sorted runs, merged eight at a time, and a bitmap that lets most rows skip the runs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from icaops.traffic.records.identity import record_ids

__all__ = ["BatchWords", "Repeats", "batch_words", "number_repeats"]

_BITMAP_BITS = 27
"""2**27 bits (16 MiB): at two million earlier records about 1.5 % of rows need the runs."""
_FANOUT = 8
"""Runs of one size merged at a time: each word is merged about log8(records / batch) times."""


_LOW_NIBBLES = np.uint64(0x0F0F0F0F0F0F0F0F)
_BIT_6 = np.uint64(0x0101010101010101)


def _first_words(ids: pa.Array) -> np.ndarray:
    """The 64 bits of the first 16 hex characters of each record id (XXH64 seed 0 of its key), as
    one word each: equal words, equal hashes (the nibbles are interleaved, not in hex order)."""
    n = len(ids)
    if isinstance(ids, pa.ChunkedArray):
        ids = ids.combine_chunks()
    offsets = np.frombuffer(ids.buffers()[1], dtype=np.int32, count=n + 1, offset=ids.offset * 4)
    data = np.frombuffer(ids.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[0] + 32 * n]
    words = data.reshape(n, 32)[:, :16].copy().view("<u8")  # (n, 2): eight characters each
    # '0'-'9' are 0x30-0x39 and 'a'-'f' 0x61-0x66: the low nibble, plus 9 where bit 6 is set.
    nibbles = (words & _LOW_NIBBLES) + np.uint64(9) * ((words >> np.uint64(6)) & _BIT_6)
    return nibbles[:, 0] | (nibbles[:, 1] << np.uint64(4))


@dataclass(frozen=True, slots=True)
class BatchWords:
    """A batch's id words, in row order and sorted: what numbering needs of the batch alone."""

    words: np.ndarray
    ordered: np.ndarray


def batch_words(batch: pa.RecordBatch) -> BatchWords:
    """The words of ``batch``'s record ids (of ordinal 0); may run on any thread, before numbering."""
    words = _first_words(batch.column(0)) if batch.num_rows else np.zeros(0, np.uint64)
    return BatchWords(words, np.sort(words))


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
        self._runs: list[tuple[int, np.ndarray]] = []  # (level, sorted words): level k merged k times
        self._bitmap: np.ndarray | None = None

    def _earlier(self, words: np.ndarray) -> np.ndarray:
        """How many times each of the (sorted) words occurred in earlier batches; sorted, the bitmap
        is read front to back, which the cache likes far better than random order."""
        counts = np.zeros(words.size, np.int64)
        if not self._runs or self._bitmap is None:
            return counts
        slot = words >> np.uint64(64 - _BITMAP_BITS)
        maybe = np.flatnonzero(self._bitmap[slot >> np.uint64(6)] & (np.uint64(1) << (slot & np.uint64(63))))
        if maybe.size:
            probe = words[maybe]
            for _, run in self._runs:
                counts[maybe] += np.searchsorted(run, probe, "right") - np.searchsorted(run, probe, "left")
        return counts

    def _remember(self, sorted_words: np.ndarray) -> None:
        if self._bitmap is None:
            self._bitmap = np.zeros(1 << (_BITMAP_BITS - 6), np.uint64)
        slot = sorted_words >> np.uint64(64 - _BITMAP_BITS)
        index, bit = slot >> np.uint64(6), np.uint64(1) << (slot & np.uint64(63))
        firsts = np.flatnonzero(np.concatenate(([True], index[1:] != index[:-1])))
        self._bitmap[index[firsts]] |= np.bitwise_or.reduceat(bit, firsts)
        self._runs.append((0, sorted_words))
        level = 0
        while len(self._runs) >= _FANOUT and all(lv == level for lv, _ in self._runs[-_FANOUT:]):
            merged = np.sort(np.concatenate([run for _, run in self._runs[-_FANOUT:]]))
            self._runs[-_FANOUT:] = [(level + 1, merged)]
            level += 1

    def number(self, batch: pa.RecordBatch, words: BatchWords | None = None) -> pa.RecordBatch:
        """``batch`` (record ids of ordinal 0, as ``finish_batch(numbered=False)`` makes them) with
        the ids of repeated calls replaced by the ids of their ordinals; ``words`` is
        ``batch_words(batch)`` when already computed."""
        n = batch.num_rows
        if n == 0:
            return batch
        ids = batch.column(0)
        given = words if words is not None else batch_words(batch)
        ordered = given.ordered
        earlier = self._earlier(ordered)
        self._remember(ordered)
        within = (ordered[1:] == ordered[:-1]).any()
        if not within and not earlier.any():
            return batch
        # Rare: repeats. Ranks among equal words, in batch order, plus those of earlier batches.
        ordinals = np.empty(n, np.int64)
        ordinals[np.argsort(given.words, kind="stable")] = _ranks(ordered) + earlier
        repeated = np.flatnonzero(ordinals)
        new_ids = record_ids(batch.take(pa.array(repeated)), ordinals[repeated])
        mask = np.zeros(n, dtype=bool)
        mask[repeated] = True
        return batch.set_column(0, batch.schema.field(0), pc.replace_with_mask(ids, pa.array(mask), new_ids))


def number_repeats(batch: pa.RecordBatch) -> pa.RecordBatch:
    """``batch`` taken as a whole source: each repeated call gets the id of its ordinal."""
    return Repeats().number(batch)
