"""The canonical call-record schema, record identity and agreement-zone time (VI.9)."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from icaops.traffic.emi.synth import synthetic_batch
from icaops.traffic.records import (
    AMOUNT_SCALE,
    CALL_RECORD_SCHEMA,
    IDENTITY_FIELDS,
    amount_decimal,
    local_to_utc,
    record_ids,
    xxh64_rows,
)


def test_money_is_integer_minor_units_with_a_declared_scale():
    """Project rule: never float money; the scale travels with the column."""
    field = CALL_RECORD_SCHEMA.field("amount_minor")
    assert field.type == pa.int64() and field.metadata[b"scale"] == str(AMOUNT_SCALE).encode()
    assert amount_decimal(1_250_000) == Decimal("1.250000")


def test_times_keep_the_wall_clock_and_utc():
    assert CALL_RECORD_SCHEMA.field("connect_time").type == pa.timestamp("s", tz="UTC")
    assert CALL_RECORD_SCHEMA.field("connect_time_local").type == pa.timestamp("s")
    assert CALL_RECORD_SCHEMA.field("duration_tenths").type == pa.int64()


def test_xxh64_matches_reference_vectors():
    """XXH64 of bytes 0..63 with seeds 0 and 1 (values from the reference xxhash library)."""
    key = np.arange(64, dtype=np.uint8).reshape(1, 64)
    assert int(xxh64_rows(key, 0)[0]) == 0xF7C67301DB6713F0
    assert int(xxh64_rows(key, 1)[0]) == 0x3CE5BDF7575926C0


def test_xxh64_matches_the_xxhash_library_on_random_keys():
    xxhash = pytest.importorskip("xxhash")
    keys = np.random.default_rng(5).integers(0, 256, (300, 64), dtype=np.uint8)
    for seed in (0, 1):
        got = xxh64_rows(keys, seed)
        assert [int(g) for g in got] == [xxhash.xxh64_intdigest(k.tobytes(), seed) for k in keys]


def _with(batch, name, values):
    i = batch.schema.get_field_index(name)
    return batch.set_column(i, batch.schema.field(name), pa.array(values, batch.schema.field(name).type))


def test_identity_ignores_where_the_record_came_from_and_its_amount():
    """Idempotency: the same call from another file, or re-rated, is the same record."""
    batch = synthetic_batch(50, 2)
    ids = record_ids(batch).to_pylist()
    moved = _with(_with(batch, "source_file", ["other"] * 50), "record_no", list(range(100, 150)))
    moved = _with(moved, "amount_minor", [None] * 50)
    assert record_ids(moved).to_pylist() == ids
    assert len(set(ids)) == 50 and all(len(i) == 32 for i in ids)


@pytest.mark.parametrize("name", [n for n, _ in IDENTITY_FIELDS if n not in ("connect_time", "category")])
def test_identity_changes_with_each_identifying_field(name):
    batch = synthetic_batch(1, 3, record_types=("110101",))
    before = record_ids(batch)[0].as_py()
    value = batch.column(name)[0].as_py()
    changed = value + 1 if isinstance(value, int) else ("1" if value != "1" else "2")
    assert record_ids(_with(batch, name, [changed]))[0].as_py() != before


def test_identity_distinguishes_null_from_empty_padding():
    batch = synthetic_batch(1, 4, record_types=("110101",))
    shorter = _with(batch, "trunk_group", [batch.column("trunk_group")[0].as_py()[:3]])
    assert record_ids(shorter)[0] != record_ids(batch)[0]
    assert record_ids(_with(batch, "trunk_group", [None]))[0] != record_ids(shorter)[0]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.datetimes(dt.datetime(1990, 1, 1), dt.datetime(2060, 1, 1)), min_size=1, max_size=20),
    st.sampled_from(["America/Chicago", "America/Boise", "America/Los_Angeles", "UTC"]),
)
def test_local_to_utc_agrees_with_zoneinfo_fold_0(times, zone):
    """Vectorised zone conversion = Python's PEP 495 reading (fold=0) for every wall time."""
    epoch = dt.datetime(1970, 1, 1)
    local = np.array([int((t.replace(microsecond=0) - epoch).total_seconds()) for t in times], dtype=np.int64)
    want = [int(t.replace(microsecond=0, tzinfo=ZoneInfo(zone), fold=0).timestamp()) for t in times]
    assert local_to_utc(local, zone).tolist() == want
