"""Synthetic canonical call records that EMI can carry exactly (for tests and the bench).

No public sample DUF exists, so round trips of generated records are the evidence that the
reader and writer agree with each other and with the field map.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

from icaops.traffic.emi import columns as C
from icaops.traffic.records import AGREEMENT_ZONE, AMOUNT_SCALE, finish_batch

_EPOCH = dt.datetime(1970, 1, 1)


def _digit_strings(
    rng: np.random.Generator, n: int, width: int, prefix: bytes = b"", valid: np.ndarray | None = None
) -> pa.Array:
    body = rng.integers(48, 58, size=(n, width - len(prefix)), dtype=np.uint8)
    col = np.concatenate((np.tile(np.frombuffer(prefix, np.uint8), (n, 1)), body), axis=1) if prefix else body
    lengths = np.full(n, width) if valid is None else np.where(valid, width, 0)
    return C.string_array(col, lengths, valid)


def synthetic_batch(
    n: int,
    seed: int = 0,
    *,
    start: dt.datetime = dt.datetime(2024, 3, 1),
    span_days: int = 3,
    record_types: tuple[str, ...] = ("010101", "100101", "110101"),
    zone: str = AGREEMENT_ZONE,
    source_file: str = "synthetic",
) -> pa.RecordBatch:
    """``n`` canonical rows with random but EMI-representable values."""
    rng = np.random.default_rng(seed)
    kinds = np.array(record_types)[rng.integers(0, len(record_types), n)]
    is11 = kinds == "110101"
    base = int((start - _EPOCH).total_seconds())
    local = base + rng.integers(0, span_days * 86400, n, dtype=np.int64)
    unit = 10 ** (AMOUNT_SCALE - 3)
    cols: dict[str, pa.Array] = {
        "record_no": pa.array(np.arange(1, n + 1, dtype=np.int64)),
        "record_type": pa.array(kinds, pa.string()),
        "connect_time_local": pa.array(local, pa.int64()),
        "calling_number": _digit_strings(rng, n, 10, b"208"),
        "called_number": _digit_strings(rng, n, 10, b"208"),
        "duration_tenths": pa.array(rng.integers(0, 36000, n, dtype=np.int64)),
        "method_of_recording": _digit_strings(rng, n, 2),
        "indicators": _digit_strings(rng, n, 20),
        "settlement_code": pa.array(rng.choice(["1", "5", "7", "8"], n), pa.string()),
        "amount_minor": pa.array(rng.integers(0, 10**6, n, dtype=np.int64) * unit, mask=is11),
        "rate_class": pa.array(rng.choice(["1", "2", "3"], n), pa.string(), mask=is11),
        "message_type": pa.array(rng.choice(["1", "4"], n), pa.string(), mask=is11),
        "billing_number": _digit_strings(rng, n, 10, b"208", valid=~is11),
        "orig_term_ind": pa.array(rng.choice(["1", "2"], n), pa.string(), mask=~is11),
        "trunk_group": _digit_strings(rng, n, 4, valid=is11),
        "cic": _digit_strings(rng, n, 4, valid=is11),
        "conversation_tenths": pa.array(rng.integers(0, 36000, n, dtype=np.int64), mask=~is11),
        "orig_lrn": _digit_strings(rng, n, 10, b"208", valid=is11),
        "orig_ocn": pa.array(rng.choice(["9740", "507J", "1234"], n), pa.string(), mask=~is11),
        "term_lrn": _digit_strings(rng, n, 10, b"208", valid=is11),
        "term_ocn": pa.array(rng.choice(["9740", "507J", "1234"], n), pa.string(), mask=~is11),
        "sending_ocn": pa.array(rng.choice(["9740", "1234"], n), pa.string(), mask=~is11),
    }
    return finish_batch(cols, n=n, source_file=source_file, source_format="synthetic", zone=zone)
