"""Malformed EMI input goes to quarantine with the right reason; the rest of the file is read.

VI.9.1.2 usage arrives as EMI; a bad record must not stop the day's file (VI.9.2).
"""

import pytest

from icaops.traffic.emi import ReadOptions, read_emi_table
from icaops.traffic.emi import reader as reader_module
from icaops.traffic.emi.framing import MAX_LINE
from icaops.traffic.records import quarantined_rows

from .handbuilt import CAT_01, CAT_11, HEADER, record, trailer, with_fields, write

ONE = ReadOptions(threads=1)


def read(tmp_path, *records, opts=ONE):
    recs, q = read_emi_table(write(tmp_path / "in.emi", *records), opts)
    return recs, quarantined_rows(q)


@pytest.mark.parametrize(
    "change,field,expected",
    [
        ({"p7": "240230"}, "date (7-12)", "YYMMDD calendar date"),
        ({"p7": "24O301"}, "date (7-12)", "YYMMDD calendar date"),
        ({"p13": "1A"}, "from number length (13-14)", "2 digits 00-10"),
        ({"p13": "11"}, "from number length (13-14)", "2 digits 00-10"),
        ({"p15": "20855512X4"}, "from number (15-24)", "digits up to the from number length"),
        ({"p30": "208555987-"}, "to number (30-39)", "digits up to the to number length"),
        ({"p40": "00012.0"}, "amount collected (40-46)", "7 digits"),
        ({"p55": "246000"}, "connect time (55-60)", "HHMMSS time of day"),
        ({"p61": "00001 5"}, "elapsed time (61-67)", "MMMMSST digits, seconds 00-59"),
        ({"p113": "208555\x01000"}, "billing number (113-122)", "printable ASCII"),
    ],
)
def test_bad_field_is_quarantined_with_position_and_expectation(tmp_path, change, field, expected):
    recs, q = read(tmp_path, record(CAT_11), record(with_fields(CAT_01, **change)), record(CAT_01))
    assert recs.column("record_no").to_pylist() == [1, 3]
    assert len(q) == 1
    bad = q[0]
    assert (bad.record_no, bad.byte_offset, bad.field, bad.expected) == (2, 212, field, expected)
    assert bad.raw == record(with_fields(CAT_01, **change))[:210].decode("latin-1")
    assert bad.source_file.endswith("in.emi")
    assert "in.emi, record 2 (byte 212)" in str(bad)


@pytest.mark.parametrize(
    "change,field",
    [
        ({"p46": "02A8"}, "carrier identification code (46-49)"),
        ({"p150": "0000X00"}, "conversation time (150-156)"),
        ({"p157": "20855500  "}, "originating LRN (157-166)"),
    ],
)
def test_category_11_fields_are_checked(tmp_path, change, field):
    """emi11.h: CIC, conversation time and LRNs are numeric (or blank when absent)."""
    recs, q = read(tmp_path, record(with_fields(CAT_11, **change)))
    assert recs.num_rows == 0 and q[0].field == field


def test_category_01_field_garbage_does_not_affect_category_11(tmp_path):
    """Positions mean different things per category: 40-46 is the amount only in 01/10."""
    recs, q = read(tmp_path, record(with_fields(CAT_11, p113="\x01\x02")))
    assert recs.num_rows == 1 and q == []


def test_first_failing_field_in_position_order_is_reported(tmp_path):
    _, q = read(tmp_path, record(with_fields(CAT_01, p7="991399", p55="999999")))
    assert [e.field for e in q] == ["date (7-12)"]


def test_wrong_record_id(tmp_path):
    recs, q = read(
        tmp_path, record(with_fields(CAT_01, p1="010102")), record(with_fields(CAT_01, p1="ABCDEF")), record(CAT_01)
    )
    assert [(e.record_no, e.field, e.found) for e in q] == [
        (1, "record id (1-6)", "010102"),
        (2, "record id (1-6)", "ABCDEF"),
    ]
    assert "one of 010101, 100101, 110101, 202401, 202402" in q[0].expected
    assert recs.column("record_no").to_pylist() == [3]


def test_short_record_is_quarantined_and_reading_resynchronises_on_crlf(tmp_path):
    """A record shorter than 210 bytes: framing picks up again after its CR LF."""
    short = record(CAT_01)[:150] + b"\r\n"
    recs, q = read(tmp_path, record(CAT_11), short, record(CAT_01), record(CAT_11))
    assert [(e.record_no, e.byte_offset, e.field) for e in q] == [(2, 212, "record length")]
    assert "found 150 bytes" in q[0].expected
    assert recs.column("record_no").to_pylist() == [1, 3, 4]
    assert recs.column("byte_offset").to_pylist() == [0, 364, 576]


def test_overlong_record_without_module_code_is_quarantined(tmp_path):
    """Two records run together (a lost CR LF) do not pass as a record with modules."""
    glued = record(CAT_01)[:210] + record(CAT_11)
    recs, q = read(tmp_path, glued, record(CAT_01))
    assert [(e.record_no, e.field) for e in q] == [(1, "record length")]
    assert "found 420 bytes" in q[0].expected
    assert recs.column("record_no").to_pylist() == [2]


@pytest.mark.parametrize("extra", [b"X", b"12", b"611"])
def test_record_of_211_to_213_bytes_is_quarantined(tmp_path, extra):
    recs, q = read(tmp_path, record(CAT_01)[:210] + extra + b"\r\n", record(CAT_11))
    assert [e.record_no for e in q] == [1] and recs.num_rows == 1


def test_final_partial_record_is_quarantined(tmp_path):
    recs, q = read(tmp_path, record(CAT_01), record(CAT_11)[:100])
    assert [(e.record_no, e.byte_offset, e.field) for e in q] == [(2, 212, "record length")]
    assert "found 100 bytes" in q[0].expected
    assert recs.num_rows == 1


def test_run_without_any_terminator_is_skipped_to_the_next_lf(tmp_path):
    garbage = b"Z" * (2 * MAX_LINE + 10) + b"\r\n"
    opts = ReadOptions(threads=1, chunk_bytes=212 * 100)
    recs, q = read(tmp_path, record(CAT_01), garbage, record(CAT_11), opts=opts)
    assert [(e.record_no, e.byte_offset) for e in q] == [(2, 212)]
    assert "CR LF within" in q[0].expected
    assert recs.column("record_no").to_pylist() == [1, 3]
    assert recs.column("byte_offset").to_pylist() == [0, 212 + len(garbage)]


def test_non_ascii_byte_in_a_text_field(tmp_path):
    recs, q = read(tmp_path, record(with_fields(CAT_11, p167="97\xe90")))
    assert recs.num_rows == 0 and q[0].field == "originating OCN (167-170)" and q[0].found == "97é0"


def test_trailer_count_mismatch(tmp_path):
    recs, q = read(tmp_path, record(HEADER), record(CAT_01), record(trailer(5)))
    assert [(e.record_no, e.field, e.expected, e.found) for e in q] == [
        (3, "record count (24-30)", "1 (records between header and trailer)", "5")
    ]
    assert recs.num_rows == 1


def test_trailer_without_header_and_header_without_trailer(tmp_path):
    recs, q = read(tmp_path, record(trailer(0)), record(CAT_01), record(HEADER), record(CAT_11))
    assert [(e.record_no, e.field) for e in q] == [(1, "pack trailer (1-6)"), (3, "pack header (1-6)")]
    assert "before end of file" in q[1].expected
    assert recs.num_rows == 2


def test_malformed_records_across_chunks_and_blocks(tmp_path, monkeypatch):
    """Bad records in several read chunks and decode blocks, on two threads: order is kept."""
    monkeypatch.setattr(reader_module, "DECODE_ROWS", 3)
    rows = [record(CAT_01 if i % 2 else CAT_11) for i in range(40)]
    rows[5] = rows[5][:100] + b"\r\n"  # misaligns every later chunk
    rows[17] = record(with_fields(CAT_01, p7="241301"))
    rows[30] = record(with_fields(CAT_01, p1="999999"))
    recs, q = read(tmp_path, *rows, opts=ReadOptions(threads=2, chunk_bytes=212 * 7))
    assert [e.record_no for e in q] == [6, 18, 31]
    nos = recs.column("record_no").to_pylist()
    assert nos == [n for n in range(1, 41) if n not in (6, 18, 31)]
    offsets = recs.column("byte_offset").to_pylist()
    starts = [sum(len(r) for r in rows[: n - 1]) for n in nos]
    assert offsets == starts
