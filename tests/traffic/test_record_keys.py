"""The integer keys written with every call record (icaops/traffic/records/keys.py): what the checks
join and group on instead of the text (docs/traffic-pipeline.md#integer-keys)."""

from __future__ import annotations

import pyarrow as pa
import pytest

from icaops.traffic.records import CALL_RECORD_SCHEMA, KEY_FIELDS, finish_batch, pack, pack_text, unpack
from icaops.traffic.records.keys import (
    CALLED_911,
    CALLING_NANP,
    CPN_PRESENT,
    IND_ILEC,
    IND_RECEIVED,
    ORIG_LRN,
    RESALE,
)


def test_packed_text_comes_back_unchanged_and_sorts_as_the_text():
    """Trunk groups (8 bytes) and OCNs (4 bytes): one code per text, null stays null, and the codes
    read as unsigned integers sort as the texts' bytes do (per-minute rows are ordered on them)."""
    trunks = pa.array(["TG01", None, "", "4101", "ZZZZZZZZ", "A", "AB", "é9", "\u00ff\u00ff\u00ff\u00ff"], pa.string())
    codes = pack(trunks, 8)
    assert codes.type == pa.int64()
    assert unpack(codes, 8).to_pylist() == trunks.to_pylist()
    valid = [(c, t) for c, t in zip(codes.to_pylist(), trunks.to_pylist()) if t is not None]
    assert len({c for c, _ in valid}) == len(valid)
    by_code = [t for _, t in sorted(valid, key=lambda ct: ct[0] % (1 << 64))]
    assert by_code == sorted(t for _, t in valid) == sorted((t for _, t in valid), key=str.encode)
    ocns = pa.array(["Z300", "0511", None, "7"], pa.string())
    assert pack(ocns, 4).type == pa.int32()
    assert unpack(pack(ocns, 4), 4).to_pylist() == ocns.to_pylist()
    assert pack_text("Z300", 4) == int.from_bytes(b"Z300", "big")
    assert pack_text(None, 4) is None


def test_text_longer_than_its_width_is_refused():
    """Readers quarantine text wider than CALL_RECORD_SCHEMA allows; pack never truncates it silently."""
    with pytest.raises(ValueError, match="at most 4 bytes"):
        pack(pa.array(["Z3000"]), 4)


def batch(rows: list[dict]) -> pa.RecordBatch:
    cols = {
        "record_no": pa.array(range(1, len(rows) + 1), pa.int64()),
        "record_type": pa.array([r.get("record_type", "110101") for r in rows], pa.string()),
        "connect_time_local": pa.array([1_709_564_400 + i for i in range(len(rows))], pa.int64()),
        "duration_tenths": pa.array([100] * len(rows), pa.int64()),
    }
    for name in ("calling_number", "called_number", "orig_term_ind", "orig_lrn", "trunk_group", "orig_ocn"):
        cols[name] = pa.array([r.get(name) for r in rows], pa.string())
    return finish_batch(cols, n=len(rows), source_file="keys", source_format="synthetic")


def test_every_record_carries_its_keys_after_its_text():
    """CALL_RECORD_SCHEMA ends with the key columns; finish_batch fills them for every reader."""
    assert CALL_RECORD_SCHEMA.names[-len(KEY_FIELDS) :] == [f.name for f in KEY_FIELDS]
    b = batch([{"calling_number": "2082631234"}])
    assert b.schema.equals(CALL_RECORD_SCHEMA, check_metadata=False)
    assert b.column("connect_epoch").to_pylist() == b.column("connect_time").cast(pa.int64()).to_pylist()


@pytest.mark.parametrize(
    ("calling", "block", "nanp"),
    [
        ("2082631234", 2082631, True),
        ("12082631234", 2082631, True),  # eleven digits with a leading 1: national form
        ("2086345", 2086345, False),  # seven digits: a block to look up, but not a NANP number
        ("1208263", 1208263, False),  # seven digits are never a national form
        ("0082631234", 82631, False),  # NPA starting 0: no block of the numbering data is below 2000000
        ("2081631234", 2081631, False),  # NXX starting 1
        ("12345", None, False),
        ("", None, False),
        (None, None, False),
    ],
)
def test_number_blocks_and_the_nanp_bit(calling, block, nanp):
    """NPA-NXX-X of the ten-digit form (a leading 1 of eleven digits dropped), null unless seven
    digits; the NANP bit as NANP_PATTERN (NPA and NXX 2-9) on the ten-digit form (CPA.7)."""
    b = batch([{"calling_number": calling, "called_number": calling}])
    assert b.column("calling_block").to_pylist() == [block]
    assert b.column("called_block").to_pylist() == [block]
    flags = b.column("call_flags")[0].as_py()
    assert bool(flags & CALLING_NANP) is nanp
    assert bool(flags & CPN_PRESENT) is (calling not in (None, ""))


def test_flag_bits_of_911_resale_lrn_and_direction():
    """CALLED_911 (ten-digit form '911'), RESALE (EMI categories 01, 10), ORIG_LRN, orig_term_ind 1 / 2."""
    rows = [
        {"called_number": "911", "orig_term_ind": "2"},
        {"called_number": "1911", "orig_term_ind": "1", "orig_lrn": "2082630000"},
        {"record_type": "010101", "called_number": "2082631234"},
        {"record_type": "100101", "called_number": "9110000000", "orig_term_ind": "3"},
    ]
    flags = batch(rows).column("call_flags").to_pylist()
    assert flags == [CALLED_911 | IND_RECEIVED, IND_ILEC | ORIG_LRN, RESALE, RESALE]
    assert batch(rows).column("called_block").to_pylist() == [None, None, 2082631, 9110000]
