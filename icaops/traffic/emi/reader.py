"""Streaming EMI Daily Usage File reader (agreement VI.9.1.1, VI.9.1.2).

Reads a file in chunks of whole records, decodes blocks of records vectorised (on a small
thread pool: numpy and Arrow release the GIL), and yields ``RecordChunk``s in file order.
Memory is bounded by the chunk size and the number of blocks in flight, whatever the file
size.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from icaops.traffic.emi import columns as C
from icaops.traffic.emi.columns import RecordBlock
from icaops.traffic.emi.decode import ElapsedFormat, decode_details
from icaops.traffic.emi.fields import DETAIL_IDS, FRAME_LENGTH
from icaops.traffic.emi.framing import BadFrame, Framer, Frames
from icaops.traffic.emi.packs import HEADER, TRAILER, Control, Packs
from icaops.traffic.records import (
    AGREEMENT_ZONE,
    BatchWords,
    Quarantined,
    RecordChunk,
    Repeats,
    batch_words,
    empty_records,
    finish_batch,
    quarantine_batch,
)

DEFAULT_CHUNK_BYTES = FRAME_LENGTH * 65536  # about 13.9 MB, 65,536 records
FIRST_CHUNK_BYTES = FRAME_LENGTH * 4096
"""The first read is small, so that a file that is not EMI at all is seen as such after ~870 KB."""
DECODE_ROWS = 16384
"""Records decoded at a time: small enough that a block's bytes stay in CPU cache."""

_DETAIL = tuple(int(r) for r in DETAIL_IDS)
_SUPPORTED = ", ".join(DETAIL_IDS + ("202401", "202402"))


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """Reading choices; each default is documented in docs/emi.md."""

    elapsed: ElapsedFormat = ElapsedFormat.MMMMSST
    zone: str = AGREEMENT_ZONE
    chunk_bytes: int = DEFAULT_CHUNK_BYTES
    threads: int = 2


DEFAULT_OPTIONS = ReadOptions()


@dataclass(frozen=True, slots=True)
class _Job:
    block: RecordBlock
    rid: np.ndarray
    detail: np.ndarray
    record_no: np.ndarray
    byte_offset: np.ndarray
    modules: pa.Array | None


def _text(raw: bytes, cols: slice | None = None) -> str:
    return (raw[cols] if cols else raw).decode("latin-1")


def _bad_frame(source: str, b: BadFrame) -> Quarantined:
    return Quarantined(source, b.record_no, b.byte_offset, "record length", b.expected, None, _text(b.raw))


def _module_array(frames: Frames) -> pa.Array | None:
    if frames.module_offsets is None:
        return None
    offs = frames.module_offsets
    present = np.diff(offs) > 0
    return pa.StringArray.from_buffers(
        present.size, pa.py_buffer(offs), pa.py_buffer(frames.module_data), C.packed_validity(present)
    )


def _split(frames: Frames, source: str, packs: Packs, q: list[Quarantined]) -> Iterator[_Job]:
    """Blocks of a chunk, with control and unknown records handled here, in file order."""
    whole, modules = frames.block, _module_array(frames)
    for lo in range(0, whole.n, DECODE_ROWS):
        n = min(DECODE_ROWS, whole.n - lo)
        block = RecordBlock(whole.base, n, whole.stride, whole.first + lo * whole.stride, whole.length)
        nos, offs = frames.record_no[lo : lo + n], frames.byte_offset[lo : lo + n]
        rid_ok, rid = block.digits(0, 6)
        rid = np.where(rid_ok, rid, -1)
        detail = np.isin(rid, _DETAIL)
        for i in np.flatnonzero(~detail):
            no, off, raw = int(nos[i]), int(offs[i]), block.row(int(i))
            if rid[i] in (HEADER, TRAILER):
                packs.see(int(rid[i]), Control(no, off, raw), q)
            else:
                q.append(
                    Quarantined(
                        source, no, off, "record id (1-6)", f"one of {_SUPPORTED}", _text(raw, slice(0, 6)), _text(raw)
                    )
                )
        yield _Job(block, rid, detail, nos, offs, None if modules is None else modules.slice(lo, n))


def _decode(job: _Job, source: str, opts: ReadOptions) -> tuple[pa.RecordBatch, list[Quarantined], BatchWords]:
    """Decode one block's detail records (runs on a worker thread; touches no shared state), with
    the words that number its repeated calls in file order later."""
    block = job.block
    cols, ok, failures = decode_details(block, job.rid, job.detail, opts.elapsed)
    q: list[Quarantined] = []
    for failure in failures:
        for i in failure.rows:
            raw = block.row(int(i))
            q.append(
                Quarantined(
                    source,
                    int(job.record_no[i]),
                    int(job.byte_offset[i]),
                    failure.field.label,
                    failure.expected,
                    _text(raw, failure.field.cols),
                    _text(raw),
                )
            )
    keep = np.flatnonzero(ok)
    out = {k: (v if isinstance(v, pa.Array) else pa.array(v)) for k, v in cols.items()}
    out["record_no"] = pa.array(job.record_no[keep])
    out["byte_offset"] = pa.array(job.byte_offset[keep])
    if job.modules is not None:
        out["modules"] = job.modules.take(pa.array(keep))
    batch = finish_batch(out, n=keep.size, source_file=source, source_format="emi", zone=opts.zone, numbered=False)
    return batch, q, batch_words(batch)


def _chunks(path: str | os.PathLike, size: int) -> Iterator[tuple[bytes, bool]]:
    with open(path, "rb") as fh:
        first = True
        while True:
            data = fh.read(min(size, FIRST_CHUNK_BYTES) if first else size)
            first = False
            yield data, not data
            if not data:
                return


def read_emi(
    path: str | os.PathLike, opts: ReadOptions = DEFAULT_OPTIONS, *, name: str | None = None
) -> Iterator[RecordChunk]:
    """Stream an EMI file as canonical ``RecordChunk``s, in file order (VI.9.1.2).

    ``name`` is the source_file recorded on rows (default: the path as given).
    """
    source = name or os.fspath(path)
    size = max(FRAME_LENGTH, opts.chunk_bytes - opts.chunk_bytes % FRAME_LENGTH)
    framer, packs = Framer(), Packs(source)
    pool = ThreadPoolExecutor(opts.threads) if opts.threads > 1 else None
    pending: deque[tuple[Future | tuple, list[Quarantined], int]] = deque()
    repeats = Repeats()  # blocks decode out of order; identical calls are numbered here, in file order

    def finish(item) -> RecordChunk:
        fut, early, control = item
        batch, q, words = fut.result() if isinstance(fut, Future) else fut
        entries = sorted(early + q, key=lambda e: e.record_no or 0)
        return RecordChunk(repeats.number(batch, words), quarantine_batch(entries), control)

    def due() -> bool:
        """The oldest block is decoded, or too many wait (a caller may stop early on what it sees)."""
        work = pending[0][0]
        return len(pending) > 2 * max(opts.threads, 1) or not isinstance(work, Future) or work.done()

    probing = True
    try:
        for data, final in _chunks(path, size):
            frames = framer.feed(data, final=final)
            q = [_bad_frame(source, b) for b in frames.bad]
            for job in _split(frames, source, packs, q):
                work = pool.submit(_decode, job, source, opts) if pool else _decode(job, source, opts)
                pending.append((work, q, packs.take_control()))
                q = []
                while pending and due():
                    yield finish(pending.popleft())
            if final:
                packs.finish(q)
            if q:
                pending.append(((empty_records(), [], batch_words(empty_records())), q, packs.take_control()))
            while pending and (probing or due()):
                yield finish(pending.popleft())
            probing = False  # the first, small chunk is handed over whole before the next is read
        while pending:
            yield finish(pending.popleft())
    finally:
        if pool:
            pool.shutdown(wait=True, cancel_futures=True)


def read_emi_table(path: str | os.PathLike, opts: ReadOptions = DEFAULT_OPTIONS) -> tuple[pa.Table, pa.Table]:
    """The whole file as (records, quarantine) tables; for small files and tests."""
    chunks = list(read_emi(path, opts))
    records = pa.Table.from_batches([c.records for c in chunks], schema=chunks[0].records.schema if chunks else None)
    quarantine = pa.Table.from_batches([c.quarantine for c in chunks])
    return records, quarantine
