"""Assembling canonical RecordBatches from decoded columns: UTC time, call date, category and record id derived."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from icaops.traffic.records.identity import record_ids
from icaops.traffic.records.keys import KEY_FIELDS, call_keys
from icaops.traffic.records.repeats import number_repeats
from icaops.traffic.records.schema import AGREEMENT_ZONE, CALL_RECORD_SCHEMA
from icaops.traffic.records.zones import local_to_utc

__all__ = ["empty_records", "finish_batch"]


def finish_batch(
    columns: dict[str, pa.Array],
    *,
    n: int,
    source_file: str,
    source_format: str,
    zone: str = AGREEMENT_ZONE,
    numbered: bool = True,
) -> pa.RecordBatch:
    """A canonical RecordBatch from decoded columns.

    ``columns`` must hold ``record_no``, ``record_type``, ``connect_time_local`` (as int64
    local seconds or timestamp[s]) and ``duration_tenths``; missing optional columns become
    null. Derives ``category``, ``call_date``, ``connect_time`` (UTC), the integer keys
    (``keys.py``) and ``record_id``.

    The batch is taken as a whole source: identical calls in it get the ids of their ordinals
    (repeats.py). A reader of a file in several batches passes ``numbered=False`` and numbers
    them in file order with one ``Repeats`` for the file.
    """
    cols = dict(columns)
    local = cols["connect_time_local"]
    local_s = (local.cast(pa.int64()) if pa.types.is_timestamp(local.type) else local).to_numpy(zero_copy_only=False)
    cols["connect_time_local"] = pa.array(local_s, pa.int64()).view(pa.timestamp("s"))
    utc = local_to_utc(local_s, zone)
    cols["connect_time"] = pa.array(utc, pa.int64()).view(pa.timestamp("s", tz="UTC"))
    cols["call_date"] = pa.array(np.floor_divide(local_s, 86400).astype(np.int32), pa.int32()).view(pa.date32())
    if "category" not in cols:
        cols["category"] = pc.utf8_slice_codeunits(cols["record_type"], 0, 2)
    cols["source_file"] = pa.repeat(source_file, n)
    cols["source_format"] = pa.repeat(source_format, n)
    for field in CALL_RECORD_SCHEMA:
        if field.name not in cols and field.name != "record_id":
            cols[field.name] = pa.nulls(n, field.type)
    cols["record_id"] = pa.nulls(n, pa.string())
    key_names = {f.name for f in KEY_FIELDS}
    cast = {
        f.name: cols[f.name].cast(f.type) if cols[f.name].type != f.type else cols[f.name]
        for f in CALL_RECORD_SCHEMA
        if f.name not in key_names
    }
    cast.update(call_keys(cast, n))
    arrays = [cast[f.name] for f in CALL_RECORD_SCHEMA]
    batch = pa.RecordBatch.from_arrays(arrays, schema=CALL_RECORD_SCHEMA)
    batch = batch.set_column(0, CALL_RECORD_SCHEMA.field(0), record_ids(batch))
    return number_repeats(batch) if numbered else batch


def empty_records() -> pa.RecordBatch:
    """A canonical RecordBatch with no rows."""
    return pa.RecordBatch.from_pylist([], schema=CALL_RECORD_SCHEMA)
