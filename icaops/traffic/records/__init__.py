"""Call records in the canonical schema (VI.9 usage), whatever file they arrived in.

Modules: `schema` (CALL_RECORD_SCHEMA, quarantine, money scale), `identity` (the record id: key
bytes and XXH64), `repeats` (ordinals of identical calls in one file), `zones` (agreement wall clock to UTC), `batches` (canonical RecordBatches from
decoded columns), `keys` (the integer keys the checks join and group on).
"""

from icaops.traffic.records.batches import empty_records, finish_batch
from icaops.traffic.records.identity import IDENTITY_FIELDS, identity_keys, record_ids, xxh64_rows
from icaops.traffic.records.keys import FLAG_BITS, KEY_FIELDS, call_keys, pack, pack_text, unpack
from icaops.traffic.records.repeats import BatchWords, Repeats, batch_words, number_repeats
from icaops.traffic.records.schema import (
    AGREEMENT_ZONE,
    AMOUNT_SCALE,
    CALL_RECORD_SCHEMA,
    IDENTITY_VERSION,
    PROVENANCE,
    QUARANTINE_SCHEMA,
    WIDTHS,
    Quarantined,
    RecordChunk,
    amount_decimal,
    quarantine_batch,
    quarantined_rows,
)
from icaops.traffic.records.zones import local_to_utc

__all__ = [
    "AGREEMENT_ZONE",
    "AMOUNT_SCALE",
    "CALL_RECORD_SCHEMA",
    "FLAG_BITS",
    "IDENTITY_FIELDS",
    "IDENTITY_VERSION",
    "KEY_FIELDS",
    "PROVENANCE",
    "QUARANTINE_SCHEMA",
    "WIDTHS",
    "BatchWords",
    "Quarantined",
    "RecordChunk",
    "Repeats",
    "amount_decimal",
    "batch_words",
    "call_keys",
    "empty_records",
    "finish_batch",
    "identity_keys",
    "local_to_utc",
    "number_repeats",
    "pack",
    "pack_text",
    "quarantine_batch",
    "quarantined_rows",
    "record_ids",
    "unpack",
    "xxh64_rows",
]
