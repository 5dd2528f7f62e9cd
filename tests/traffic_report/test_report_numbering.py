"""Issue 14: the report shows what the numbering data could not decide (never as findings) and the
numbering data used, with what each check could decide; the check's files carry both."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pyarrow as pa

from icaops.traffic.pipeline.result import COVERAGE_SCHEMA, REFERENCE_FILES_SCHEMA, UNDETERMINED_SCHEMA
from icaops.traffic.report import read_check, report_data, write_check, write_report
from tests.traffic_report import handbuilt

UNDETERMINED = [
    {
        "check": "serving_area",
        "clause": "CPA.9",
        "provider_id": "TELNYX",
        "npanxx": "208-834",
        "reason": "called number 2088345001: the numbering data gives 208-834-5 no rate center",
        "calls": 3,
        "first_record_id": "r9",
        "first_connect_time": dt.datetime(2024, 3, 12, 15, 0, tzinfo=dt.UTC),
    }
]
COVERAGE = [
    {
        "check": "cpn_not_found",
        "clause": "CPA.7",
        "npa": "208",
        "nxx_from": "200",
        "nxx_to": "999",
        "blocks": "0-9",
        "basis": "complete code list of the NPA",
    },
    {
        "check": "cpn_carrier",
        "clause": "CPA.7",
        "npa": "986",
        "nxx_from": "200",
        "nxx_to": "202",
        "blocks": "0-9",
        "basis": "OCN listed",
    },
    {
        "check": "cpn_carrier",
        "clause": "CPA.7",
        "npa": "986",
        "nxx_from": "227",
        "nxx_to": "227",
        "blocks": "0,2",
        "basis": "OCN listed",
    },
]
FILES = [{"kind": "lerg6", "name": "LERG6_ID.csv", "sha256": "ab" * 32, "rows": 1234, "effective": dt.date(2024, 3, 1)}]


def _check():
    return replace(
        handbuilt.check(),
        undetermined=pa.Table.from_pylist(UNDETERMINED, schema=UNDETERMINED_SCHEMA),
        coverage=pa.Table.from_pylist(COVERAGE, schema=COVERAGE_SCHEMA),
        reference_files=pa.Table.from_pylist(FILES, schema=REFERENCE_FILES_SCHEMA),
    )


def test_undetermined_outcomes_and_the_numbering_data_are_shown_apart_from_findings(tmp_path, terms):
    html = write_report(_check(), terms, tmp_path).read_text(encoding="utf-8")
    undetermined = html[html.index("<h2>Undetermined") : html.index("<h2>Numbering data used")]
    assert '<td>serving_area</td><td class="clause">CPA.9</td><td>TELNYX</td><td>208-834</td>' in undetermined
    assert "Not breaches" in undetermined
    used = html[html.index("<h2>Numbering data used") : html.index("<h2>Denial of Service")]
    assert '<td>lerg6</td><td>LERG6_ID.csv</td><td class="n">1,234</td><td>2024-03-01</td>' in used


def test_coverage_is_summed_per_check_npas_whole_then_codes_whole_or_in_part(terms):
    rows = {c.check: c for c in report_data(_check(), terms).coverage}
    assert rows["cpn_not_found"].complete_npas == ("208",) and rows["cpn_not_found"].whole_codes == 0
    assert (rows["cpn_carrier"].whole_codes, rows["cpn_carrier"].partial_codes) == (3, 1)
    assert (rows["serving_area"].whole_codes, rows["serving_area"].partial_codes) == (0, 0)


def test_the_check_files_carry_undetermined_coverage_and_files_and_read_back(tmp_path):
    written = write_check(_check(), tmp_path)
    assert {"undetermined.csv", "coverage.csv", "reference_files.csv"} <= set(written)
    back = read_check(tmp_path)
    assert back.undetermined.to_pylist() == UNDETERMINED and back.reference_files.to_pylist() == FILES


def test_a_check_folder_written_before_issue_14_still_reads(tmp_path):
    write_check(handbuilt.check(), tmp_path)
    for name in ("undetermined", "coverage", "reference_files"):
        (tmp_path / f"{name}.parquet").unlink()
    assert read_check(tmp_path).undetermined.num_rows == 0
