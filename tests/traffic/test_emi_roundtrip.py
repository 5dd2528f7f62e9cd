"""Writer and reader agree: canonical rows -> EMI -> identical canonical rows (VI.9.1.2).

No public sample DUF exists, so these round trips, with the hand-built records of
test_emi_reader.py, are the evidence for the codec.
"""

import datetime as dt
import io
import tempfile
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from icaops.traffic.emi import (
    EmiWriter,
    EncodeError,
    PackInfo,
    ReadOptions,
    read_emi_table,
    write_emi,
)
from icaops.traffic.emi.decode import ElapsedFormat
from icaops.traffic.emi.synth import synthetic_batch
from icaops.traffic.records import (
    AMOUNT_SCALE,
    CALL_RECORD_SCHEMA,
    PROVENANCE,
    finish_batch,
)

from .handbuilt import CAT_01, record

CALL = [n for n in CALL_RECORD_SCHEMA.names if n not in PROVENANCE]
ONE = ReadOptions(threads=1)
PACK = PackInfo(dt.date(2024, 3, 4), "9740", "1234", 7)
UNIT = 10 ** (AMOUNT_SCALE - 3)

_PRINTABLE = "".join(chr(c) for c in range(0x20, 0x7F))


def _text(width, alphabet=_PRINTABLE):
    # The reader right-trims and reads blank as null, so generate what it can give back.
    return st.text(alphabet, max_size=width).map(lambda s: s.rstrip() or None)


def _digits(width):
    return st.none() | st.text("0123456789", min_size=width, max_size=width)


@st.composite
def call_rows(draw, elapsed=ElapsedFormat.MMMMSST):
    """A canonical row EMI can carry exactly."""
    kind = draw(st.sampled_from(["010101", "100101", "110101"]))
    top = 10000 * 600 if elapsed is ElapsedFormat.MMMMSST else 10**7
    when = draw(st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2099, 12, 31, 23, 59, 59)))
    row = {
        "record_type": kind,
        "connect_time_local": int((when.replace(microsecond=0) - dt.datetime(1970, 1, 1)).total_seconds()),
        "calling_number": draw(st.none() | st.text("0123456789", min_size=1, max_size=10)),
        "called_number": draw(st.none() | st.text("0123456789", min_size=1, max_size=10)),
        "overflow_digits": draw(_text(3, "0123456789")),
        "duration_tenths": draw(st.integers(0, top - 1)),
        "method_of_recording": draw(_text(2)),
        "indicators": draw(_text(20)),
        "settlement_code": draw(_text(1)),
        "modules": draw(st.none() | st.text(_PRINTABLE, max_size=30).map(lambda s: "611A" + s)),
    }
    if kind == "110101":
        row |= {
            "orig_term_ind": draw(_text(1)),
            "trunk_group": draw(_text(4)),
            "cic": draw(_digits(4)),
            "conversation_tenths": draw(st.none() | st.integers(0, top - 1)),
            "orig_lrn": draw(_digits(10)),
            "orig_ocn": draw(_text(4)),
            "term_lrn": draw(_digits(10)),
            "term_ocn": draw(_text(4)),
            "sending_ocn": draw(_text(4)),
        }
    else:
        row |= {
            "amount_minor": draw(st.integers(0, 10**7 - 1)) * UNIT,
            "rate_class": draw(_text(1)),
            "message_type": draw(_text(1)),
            "billing_number": draw(_text(10)),
        }
    return row


def batch_of(rows):
    names = [f.name for f in CALL_RECORD_SCHEMA if f.name not in ("record_id", "connect_time", "call_date")]
    cols = {}
    for name in names:
        values = [r.get(name) for r in rows]
        if name == "record_no":
            values = list(range(1, len(rows) + 1))
        if name == "connect_time_local":
            cols[name] = pa.array(values, pa.int64())
        elif any(v is not None for v in values) or name in ("record_type", "duration_tenths"):
            cols[name] = pa.array(values, CALL_RECORD_SCHEMA.field(name).type)
    return finish_batch(cols, n=len(rows), source_file="generated", source_format="synthetic")


def roundtrip(batch, opts=ONE, elapsed=ElapsedFormat.MMMMSST, pack=PACK):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "rt.emi"
        write_emi(path, batch, pack, elapsed=elapsed)
        records, quarantine = read_emi_table(path, opts)
    assert quarantine.num_rows == 0, quarantine.to_pylist()[:3]
    return records


def same_calls(a, b):
    if isinstance(a, pa.RecordBatch):
        a = pa.Table.from_batches([a])
    assert a.select(CALL).to_pylist() == b.select(CALL).to_pylist()
    assert a.column("record_id").to_pylist() == b.column("record_id").to_pylist()


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(call_rows(), min_size=1, max_size=8))
def test_property_write_then_read_gives_identical_rows(rows):
    """Any EMI-representable canonical rows survive write -> read unchanged (record ids too)."""
    batch = batch_of(rows)
    same_calls(batch, roundtrip(batch))


@pytest.mark.slow
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(call_rows(ElapsedFormat.SECONDS_TENTHS), min_size=1, max_size=6))
def test_property_roundtrip_with_freeside_elapsed_reading(rows):
    batch = batch_of(rows)
    opts = ReadOptions(elapsed=ElapsedFormat.SECONDS_TENTHS, threads=1)
    same_calls(batch, roundtrip(batch, opts, ElapsedFormat.SECONDS_TENTHS))


@pytest.mark.parametrize("threads", [1, 2])
def test_synthetic_file_over_many_chunks_and_blocks(monkeypatch, threads):
    from icaops.traffic.emi import reader

    monkeypatch.setattr(reader, "DECODE_ROWS", 97)
    batch = synthetic_batch(1500, seed=11)
    records = roundtrip(batch, ReadOptions(threads=threads, chunk_bytes=212 * 400 + 5))
    same_calls(batch, records)
    assert records.column("record_no").to_pylist() == list(range(2, 1502))


def test_pack_header_and_trailer_written_with_matching_count(tmp_path):
    path = tmp_path / "p.emi"
    with EmiWriter(path, PACK) as writer:
        writer.write(synthetic_batch(3, 1))
        writer.write(synthetic_batch(2, 2))
    lines = path.read_bytes().split(b"\r\n")[:-1]
    assert len(lines) == 7 and all(len(line) == 210 for line in lines)
    assert lines[0][:23] == b"20240124030497401234007"
    assert lines[-1][:30] == b"202402240304974012340070000005"


def test_writer_places_fields_at_known_positions():
    """Encoding the hand-built category 01 record's values reproduces it byte for byte."""
    batch = batch_of(
        [
            {
                "record_type": "010101",
                "connect_time_local": int(
                    (dt.datetime(2024, 3, 1, 14, 30, 5) - dt.datetime(1970, 1, 1)).total_seconds()
                ),
                "calling_number": "2085551234",
                "called_number": "2085559876",
                "duration_tenths": 1353,
                "method_of_recording": "01",
                "indicators": "00000000000000000010",
                "settlement_code": "7",
                "amount_minor": 1250 * UNIT,
                "rate_class": "1",
                "message_type": "1",
                "billing_number": "2085550000",
            }
        ]
    )
    out = io.BytesIO()
    write_emi(out, batch)
    assert out.getvalue() == record(CAT_01)


@pytest.mark.parametrize(
    "change,field",
    [
        ({"trunk_group": "0123"}, "trunk group (41-44)"),
        ({"amount_minor": 1}, "amount collected (40-46)"),
        ({"calling_number": "20855512345"}, "from number (15-24)"),
        ({"calling_number": "208555123X"}, "from number (15-24)"),
        ({"duration_tenths": 10000 * 600}, "elapsed time (61-67)"),
        ({"record_type": "010102"}, "record id (1-6)"),
        ({"modules": "xyz"}, "modules (211-)"),
    ],
)
def test_unrepresentable_values_are_encode_errors_naming_record_and_field(change, field):
    base = {"record_type": "010101", "connect_time_local": 1_710_000_000, "duration_tenths": 10, "amount_minor": 0}
    rows = [dict(base), base | change]
    with pytest.raises(EncodeError) as err:
        write_emi(io.BytesIO(), batch_of(rows), PACK)
    assert (err.value.error.record_no, err.value.error.field) == (3, field)  # header is record 1
    assert "record 3" in str(err.value)
