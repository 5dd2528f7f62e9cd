"""Reading hand-built EMI records with known values at known positions (VI.9.1.2)."""

import datetime as dt

import pytest

from icaops.traffic.emi import ElapsedFormat, ReadOptions, read_emi_table
from icaops.traffic.records import AMOUNT_SCALE, amount_decimal

from .handbuilt import CAT_01, CAT_11, HEADER, record, trailer, with_fields, write

UTC = dt.UTC


ONE = ReadOptions(threads=1)


def read_one(tmp_path, fields, opts=ONE):
    records, quarantine = read_emi_table(write(tmp_path / "one.emi", record(fields)), opts)
    assert quarantine.num_rows == 0, quarantine.to_pylist()
    assert records.num_rows == 1
    return records.to_pylist()[0]


def test_category_01_billable_message_fields(tmp_path):
    """Freeside positions: amount 40-46, rate class 79, message type 80, billing number 113-122."""
    row = read_one(tmp_path, CAT_01)
    assert row["record_type"] == "010101" and row["category"] == "01"
    assert row["call_date"] == dt.date(2024, 3, 1)
    assert row["connect_time_local"] == dt.datetime(2024, 3, 1, 14, 30, 5)
    assert row["connect_time"] == dt.datetime(2024, 3, 1, 20, 30, 5, tzinfo=UTC)  # CST, UTC-6
    assert (row["calling_number"], row["called_number"]) == ("2085551234", "2085559876")
    assert row["duration_tenths"] == 1353  # 0002153 = 2 min 15.3 s
    assert row["amount_minor"] == 1_250 * 10 ** (AMOUNT_SCALE - 3)
    assert amount_decimal(row["amount_minor"]) == amount_decimal(1_250_000)
    assert (row["rate_class"], row["message_type"], row["billing_number"]) == ("1", "1", "2085550000")
    assert row["indicators"] == "00000000000000000010"
    assert (row["method_of_recording"], row["settlement_code"]) == ("01", "7")
    assert row["trunk_group"] is None and row["cic"] is None and row["conversation_tenths"] is None
    assert (row["record_no"], row["byte_offset"]) == (1, 0)


def test_category_11_access_record_fields(tmp_path):
    """emi11.h positions: trunk group 41, CIC 46, conversation 150, LRNs 157/172, OCNs 167/182/187."""
    row = read_one(tmp_path, CAT_11)
    assert row["category"] == "11" and row["orig_term_ind"] == "1"
    assert (row["trunk_group"], row["cic"]) == ("0123", "0288")
    assert row["duration_tenths"] == 457 and row["conversation_tenths"] == 400
    assert (row["orig_lrn"], row["orig_ocn"]) == ("2085550000", "9740")
    assert (row["term_lrn"], row["term_ocn"], row["sending_ocn"]) == ("3125550001", "507J", "1234")
    assert row["amount_minor"] is None and row["billing_number"] is None
    # 23:59:59 CDT (UTC-5) on 15 July is 04:59:59 UTC on the 16th.
    assert row["connect_time"] == dt.datetime(2024, 7, 16, 4, 59, 59, tzinfo=UTC)


def test_category_10_unrated_usage_reads_with_the_01_layout(tmp_path):
    """Formats README: local usage may arrive as category 10 (unrated)."""
    row = read_one(tmp_path, with_fields(CAT_01, p1="100101"))
    assert (row["category"], row["amount_minor"]) == ("10", 1_250_000)


def test_short_numbers_use_the_length_field(tmp_path):
    """13-14 / 28-29 give the digit count; characters past it are not part of the number."""
    row = read_one(tmp_path, with_fields(CAT_01, p13="07", p15="5551234XXX", p28="00", p30="          "))
    assert row["calling_number"] == "5551234" and row["called_number"] is None


def test_blank_text_fields_are_null_and_text_is_right_trimmed(tmp_path):
    row = read_one(tmp_path, with_fields(CAT_11, p41="12  ", p167="    "))
    assert row["trunk_group"] == "12" and row["orig_ocn"] is None


@pytest.mark.parametrize(
    "elapsed,mmmmsst,seconds_tenths",
    [
        ("0000457", 457, 457),
        ("0000599", 599, 599),
        ("0001000", 600, 1000),
        ("0001234", 834, 1234),
        ("0120000", 72000, 120000),
    ],
)
def test_elapsed_time_readings(tmp_path, elapsed, mmmmsst, seconds_tenths):
    """61-67: emi11.h MMMMSST (default) vs Freeside seconds+tenths; equal under a minute."""
    fields = with_fields(CAT_01, p61=elapsed)
    assert read_one(tmp_path, fields)["duration_tenths"] == mmmmsst
    freeside = ReadOptions(elapsed=ElapsedFormat.SECONDS_TENTHS, threads=1)
    assert read_one(tmp_path, fields, freeside)["duration_tenths"] == seconds_tenths


def test_default_elapsed_reading_is_mmmmsst():
    """docs/emi.md: the default follows emi11.h."""
    assert ReadOptions().elapsed is ElapsedFormat.MMMMSST


def test_mmmmsst_rejects_seconds_over_59_which_freeside_accepts(tmp_path):
    """The MMMMSST reading can detect a misread file: SS must be 00-59."""
    path = write(tmp_path / "x.emi", record(with_fields(CAT_01, p61="0000600")))
    records, quarantine = read_emi_table(path, ReadOptions(threads=1))
    assert records.num_rows == 0
    assert quarantine.to_pylist()[0]["field"] == "elapsed time (61-67)"
    freeside, _ = read_emi_table(path, ReadOptions(elapsed=ElapsedFormat.SECONDS_TENTHS, threads=1))
    assert freeside.to_pylist()[0]["duration_tenths"] == 600


@pytest.mark.parametrize(
    "date,time,utc",
    [
        ("240110", "120000", dt.datetime(2024, 1, 10, 18, 0)),  # CST
        ("240710", "120000", dt.datetime(2024, 7, 10, 17, 0)),  # CDT
        ("241103", "013000", dt.datetime(2024, 11, 3, 6, 30)),  # fall back: ambiguous, earlier (CDT)
        ("241103", "023000", dt.datetime(2024, 11, 3, 8, 30)),  # after fall back (CST)
        ("240310", "023000", dt.datetime(2024, 3, 10, 8, 30)),  # spring gap: offset before the change
        ("240310", "030000", dt.datetime(2024, 3, 10, 8, 0)),
    ],  # CDT
)
def test_connect_time_in_the_agreement_zone_to_utc(tmp_path, date, time, utc):
    """Connect time (55-60) is US Central wall clock; UTC is stored alongside the original."""
    row = read_one(tmp_path, with_fields(CAT_01, p7=date, p55=time))
    assert row["connect_time"] == utc.replace(tzinfo=UTC)
    assert row["connect_time_local"].strftime("%y%m%d%H%M%S") == date + time


def test_zone_is_an_option(tmp_path):
    row = read_one(tmp_path, CAT_01, ReadOptions(zone="America/Boise", threads=1))
    assert row["connect_time"] == dt.datetime(2024, 3, 1, 21, 30, 5, tzinfo=UTC)  # MST, UTC-7


def test_pack_header_and_trailer_are_control_records_not_calls(tmp_path):
    """20-24-01 / 20-24-02 frame a pack; the trailer's count matches the records between."""
    path = write(tmp_path / "p.emi", record(HEADER), record(CAT_01), record(CAT_11), record(trailer(2)))
    records, quarantine = read_emi_table(path, ReadOptions(threads=1))
    assert records.column("record_no").to_pylist() == [2, 3]
    assert records.column("byte_offset").to_pylist() == [212, 424]
    assert quarantine.num_rows == 0


def test_modules_after_position_210_are_kept_raw(tmp_path):
    """Freeside: a calling module at 211-214 (3 digits + version letter) before CR LF."""
    module = "611A0130000000001234"
    raw = record(CAT_01)[:210] + module.encode() + b"\r\n"
    path = write(tmp_path / "m.emi", raw, record(CAT_11))
    records, quarantine = read_emi_table(path, ReadOptions(threads=1))
    assert quarantine.num_rows == 0
    assert records.column("modules").to_pylist() == [module, None]
    assert records.column("byte_offset").to_pylist() == [0, len(raw)]


def test_lf_only_terminator_is_accepted(tmp_path):
    """Text-mode transfers drop the CR; the record is still 210 bytes."""
    path = write(tmp_path / "lf.emi", record(CAT_01, terminator=b"\n"), record(CAT_11, terminator=b"\n"))
    records, quarantine = read_emi_table(path, ReadOptions(threads=1))
    assert records.num_rows == 2 and quarantine.num_rows == 0


def test_lf_only_file_over_several_chunks(tmp_path):
    rows = [record(CAT_01 if i % 3 else CAT_11, terminator=b"\n") for i in range(60)]
    opts = ReadOptions(threads=2, chunk_bytes=212 * 7)
    records, quarantine = read_emi_table(write(tmp_path / "lf.emi", *rows), opts)
    assert quarantine.num_rows == 0
    assert records.column("record_no").to_pylist() == list(range(1, 61))
    assert records.column("byte_offset").to_pylist() == [211 * i for i in range(60)]
    assert records.column("category").to_pylist() == ["11" if i % 3 == 0 else "01" for i in range(60)]


def test_last_record_without_terminator_is_accepted(tmp_path):
    path = write(tmp_path / "t.emi", record(CAT_01), record(CAT_11, terminator=b""))
    records, quarantine = read_emi_table(path, ReadOptions(threads=1))
    assert records.num_rows == 2 and quarantine.num_rows == 0
