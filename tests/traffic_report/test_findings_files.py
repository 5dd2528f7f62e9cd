"""Findings and summaries written as Parquet and CSV with their clause ids, and read back."""

from __future__ import annotations

import csv
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from icaops.traffic.pipeline.result import FINDING_KINDS, FINDINGS_SCHEMA
from icaops.traffic.report import read_check, write_check
from tests.traffic_report import handbuilt

NUMBERING_FINDINGS = [
    handbuilt.finding(
        "cpn_not_in_numbering",
        "CPA.7",
        handbuilt.at(15, 6),
        "2085550123: in no assigned code",
        record="r8",
        record_no=8,
    ),
    handbuilt.finding(
        "cpn_other_carrier", "CPA.7", handbuilt.at(15, 7), "2082630555: OCN Z101's", record="r9", record_no=9
    ),
    handbuilt.finding(
        "provider_numbering_other_ocn", "CPA.1.4", handbuilt.at(15, 8), "986-666-2: OCN Z207's", record=None, tg=None
    ),
]


def test_every_finding_kind_is_written_with_its_clause_to_parquet_and_csv(tmp_path):
    """CPA.1.1, 1.4, 7, 8, 9, 10: each finding keeps the clause it breaks, in both formats."""
    written = write_check(handbuilt.check(findings=handbuilt.FINDINGS + NUMBERING_FINDINGS), tmp_path)
    assert {
        "findings.parquet",
        "findings.csv",
        "dos_windows.csv",
        "compensation.csv",
        "message_counts.csv",
        "per_minute.parquet",
        "check.json",
    } <= set(written)
    table = pq.read_table(tmp_path / "findings.parquet")
    assert table.schema.names == FINDINGS_SCHEMA.names
    with open(tmp_path / "findings.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    by_kind = {r["kind"]: r["clause"] for r in rows}
    assert by_kind == {
        "provider_not_authorized": "CPA.1.1",
        "outside_serving_area": "CPA.9",
        "cpn_missing": "CPA.7",
        "cpn_altered": "CPA.7",
        "voip_911_to_ilec": "CPA.10",
        "dos_trunk_group": "CPA.8",
        "dos_provider": "CPA.8",
        "cpn_not_in_numbering": "CPA.7",
        "cpn_other_carrier": "CPA.7",
        "provider_numbering_other_ocn": "CPA.1.4",
    }
    assert set(by_kind) == set(FINDING_KINDS)
    assert len(rows) == len(handbuilt.FINDINGS) + len(NUMBERING_FINDINGS)


def test_dos_windows_csv_names_the_thresholds_breached_and_cpa8(tmp_path):
    """CPA.8: each breached window says which thresholds it breached."""
    write_check(handbuilt.check(), tmp_path)
    with open(tmp_path / "dos_windows.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["scope"], r["key"], r["clause"]) for r in rows] == [
        ("trunk_group", "4101", "CPA.8"),
        ("trunk_group", "4101", "CPA.8"),
        ("provider", "TELNYX", "CPA.8"),
    ]
    assert rows[0]["breached"] == "attempts_per_second>50,answer_seizure_ratio<0.15"


def test_a_written_check_reads_back_unchanged_with_its_dos_event(tmp_path):
    """The report can be drawn later from the files alone, including the dos_detected event (CPA.8)."""
    original = handbuilt.check()
    write_check(original, tmp_path)
    again = read_check(tmp_path)
    for name in ("findings", "dos_windows", "per_minute", "compensation", "message_counts"):
        assert getattr(again, name).equals(getattr(original, name)), name
    assert again.events == original.events
    assert (again.records, again.backend) == (12_345, "duckdb")
    meta = json.loads((tmp_path / "check.json").read_text())
    assert meta["events"][0]["type"] == "dos_detected"


def test_reading_a_folder_without_a_check_names_what_is_missing(tmp_path):
    write_check(handbuilt.check(), tmp_path)
    (tmp_path / "dos_windows.parquet").unlink()
    with pytest.raises(FileNotFoundError, match=r"dos_windows\.parquet"):
        read_check(tmp_path)


def test_a_table_without_a_contract_column_is_refused_by_name(tmp_path):
    check = handbuilt.check()
    broken = check.findings.drop_columns(["clause"])
    from dataclasses import replace

    with pytest.raises(ValueError, match=r"findings: .*missing clause"):
        write_check(replace(check, findings=broken), tmp_path)


def test_no_findings_still_writes_every_file_with_headers(tmp_path):
    write_check(handbuilt.check(findings=[], dos_windows=[], events=()), tmp_path)
    header = (tmp_path / "findings.csv").read_text().splitlines()[0]
    assert "clause" in header and "kind" in header
    assert pq.read_table(tmp_path / "findings.parquet").num_rows == 0
    assert read_check(tmp_path).findings.schema.equals(pa.schema(FINDINGS_SCHEMA))
