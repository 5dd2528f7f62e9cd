"""Issue 14: reference files by kind, as published; what refuses a file; what the data can decide (coverage)."""

from __future__ import annotations

from pathlib import Path

import pytest

from icaops.traffic.reference import (
    Named,
    ReferenceDataError,
    build_reference,
    coverage,
    read_reference_file,
    shipped_latas,
)
from icaops.traffic.reference.coverage import in_ilec_area
from icaops.traffic.reference.manifest import reference_from_dir
from icaops.traffic.reference.shipped import shipped_file

LERG6 = """LATA,LATA_NAME,NPA,NXX,BLOCK_ID,OCN,LOC_STATE,RC_ABBRE,SWITCH
652,IDAHO,208,834,A,Z103,ID,HORSESHOEB,HSBNIDZZDS0
652,IDAHO,208,345,A,Z203,ID,BOISE,BOISIDZZ3BW
"""
POOLED = """State,NPA-NXX,X,OCN,Company,RateCenter
ID,208-834,5,Z103,"CENTURYTEL OF THE GEM STATE, INC.",
ID,541-555,2,Z202,TELNYX LLC,BEND
"""
CO_CODES = """State,NPA-NXX,OCN,Company,RateCenter
OR,541-555,Z300,SOME LEC,BEND
"""
ILEC = "OCN,Company\nZ103,CENTURYTEL OF THE GEM STATE\n"


def _read(text: str, kind: str, name: str = "f.csv"):
    return read_reference_file(Named(name, text.encode()), kind)


def test_each_kind_reads_the_layout_it_names():
    """LERG 6 (OCN, rate center, LATA, switch), a pooled-block report, a CO-code report, the ILEC's OCNs."""
    lerg = _read(LERG6, "lerg6")
    assert (lerg.rows, lerg.refusals) == (2, ())
    entry = lerg.numbering.get("208", "834")
    assert (entry.ocn, entry.rate_center, entry.lata, entry.switch) == ("Z103", "HORSESHOEB", "652", "HSBNIDZZDS0")
    assert _read(POOLED, "pooling-blocks").numbering.get("208", "834", "5").ocn == "Z103"
    assert _read(CO_CODES, "nanpa-co").rows == 1
    assert dict(_read(ILEC, "ilec-ocns").ocns) == {"Z103": "CENTURYTEL OF THE GEM STATE"}


@pytest.mark.parametrize(
    "text, kind, expected",
    [
        ("NPA,NXX,BLOCK_ID,OCN\n208,834,A,Z103\n", "lerg6", "f.csv:1: header: expected a column rate_center"),
        (LERG6 + "652,IDAHO,208,835,A,,ID,HORSESHOEB,HSBNIDZZDS0\n", "lerg6", "f.csv:4: OCN: expected the OCN"),
        ("State,NPA-NXX,X,OCN,Company,RateCenter\nID,208-834,5,Z103,X,Y\n", "nanpa-co", "f.csv:2: X: expected a whole"),
        ("LATA,NPA,NXX,BLOCK_ID,OCN,LOC_STATE,RC_ABBRE,SWITCH\n", "lerg6", "f.csv:0: expected at least one lerg6 row"),
        (POOLED + "ID,208-83,1,Z1,X,Y\n", "pooling-blocks", "f.csv:4: NPA-NXX: expected an NXX of three digits"),
    ],
)
def test_a_file_not_read_whole_is_refused_naming_line_field_and_expectation(text, kind, expected):
    """A missing column, a row without what its kind must hold, or no rows: the file is refused, never used in part."""
    refusals = _read(text, kind).refusals
    assert any(str(r).startswith(expected) for r in refusals), [str(r) for r in refusals]
    with pytest.raises(ReferenceDataError, match=r"f\.csv"):
        build_reference([_read(text, kind)])


def test_no_numbering_at_all_is_an_error_not_an_empty_lookup():
    """Issue 14: a reference with 0 numbering rows is refused, naming the files given."""
    with pytest.raises(ReferenceDataError, match=r"found none \(f.csv \(ilec-ocns\)\)"):
        build_reference([_read(ILEC, "ilec-ocns")])


def test_a_missing_shipped_file_is_an_error_naming_it():
    with pytest.raises(
        ReferenceDataError, match=r"shipped reference file nope\.csv: expected it in the installed package"
    ):
        shipped_file("nope.csv")


def test_complete_npas_come_only_from_complete_code_lists():
    """LERG 6 and CO-code reports list every assigned NXX of their NPAs; a pooled-block report does not."""
    data = build_reference([_read(LERG6, "lerg6"), _read(POOLED, "pooling-blocks"), _read(CO_CODES, "nanpa-co")])
    assert data.complete_npas == {"208", "541"}
    assert build_reference([_read(POOLED, "pooling-blocks")]).complete_npas == frozenset()


def test_a_pooled_block_stays_in_its_codes_rate_center():
    """208-834-5 (pooled, no rate center) takes 208-834's from the LERG; with the ILEC's OCNs it is the ILEC's (CPA.9)."""
    without_ilec = build_reference([_read(LERG6, "lerg6"), _read(POOLED, "pooling-blocks")])
    assert without_ilec.lookup("2088345000").rate_center == "HORSESHOEB"
    assert in_ilec_area(without_ilec, without_ilec.lookup("2088345000")) is None  # no serving areas known
    data = build_reference([_read(LERG6, "lerg6"), _read(POOLED, "pooling-blocks"), _read(ILEC, "ilec-ocns")])
    assert in_ilec_area(data, data.lookup("2088345000")) is True
    assert in_ilec_area(data, data.lookup("2083450000")) is False  # Bandwidth's Boise code: a rate center, outside
    assert in_ilec_area(data, data.lookup("5415552000")) is False


def test_coverage_says_which_npa_nxx_ranges_each_check_can_decide():
    """Complete NPAs whole for cpn_not_found; elsewhere the blocks listed; OCNs where the rows name one."""
    data = build_reference([_read(LERG6, "lerg6"), _read(POOLED, "pooling-blocks")])
    ranges = {(r.check, r.npa, r.nxx_from, r.nxx_to, r.blocks) for r in coverage(data)}
    assert ("cpn_not_found", "208", "200", "999", "0-9") in ranges
    assert ("cpn_not_found", "541", "555", "555", "2") in ranges
    assert ("cpn_carrier", "208", "834", "834", "0-9") in ranges
    assert ("serving_area", "541", "555", "555", "2") not in ranges  # no serving areas known: nothing decided


def test_a_folder_names_its_files_and_kinds_in_reference_yaml(tmp_path: Path):
    """`--reference DIR`: reference.yaml lists files (relative, or shipped:NAME) and kinds; errors name the entry."""
    (tmp_path / "lerg.csv").write_text(LERG6, encoding="utf-8")
    (tmp_path / "reference.yaml").write_text(
        "files:\n  - {file: lerg.csv, kind: lerg6}\n  - {file: 'shipped:nanpa_npa_report_2020-03-04.csv', kind: nanpa-npa}\n",
        encoding="utf-8",
    )
    data = reference_from_dir(tmp_path)
    assert [(s.kind, s.name) for s in data.sources] == [
        ("lerg6", str(tmp_path / "lerg.csv")),
        ("nanpa-npa", "nanpa_npa_report_2020-03-04.csv"),
    ]
    assert data.npas.get("208") is not None and data.latas == shipped_latas()
    (tmp_path / "reference.yaml").write_text("files:\n  - {file: lerg.csv, kind: lerg}\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match=r"files\[0\]: kind: expected one of nanpa-npa"):
        reference_from_dir(tmp_path)


def test_the_reference_event_schema_names_the_same_kinds():
    """`traffic.reference` events accept exactly the kinds the loader reads."""
    from typing import get_args

    from icaops.traffic.event_schemas import ReferenceFileEntry
    from icaops.traffic.reference import KINDS

    assert set(get_args(ReferenceFileEntry.model_fields["kind"].annotation)) == set(KINDS)


def test_a_block_without_an_ocn_is_the_ilecs_when_its_holder_is_named_as_the_ilec():
    """The light pooled layout names no OCN: a block held by a company named as one of the ILEC's in the
    `ilec-ocns` file (case and punctuation aside) is the ILEC's, inside its serving area (CPA.9); any
    other name leaves the block undetermined."""
    light = 'npa,nxx,thousands_block,operator\n208,834,5,"CenturyTel of the Gem State, Inc."\n208,834,6,OTHER CO\n'
    ilec = 'OCN,Company\nZ103,"CENTURYTEL OF THE GEM STATE, INC."\n'
    data = build_reference([_read(light, "pooling-blocks"), _read(ilec, "ilec-ocns")])
    assert in_ilec_area(data, data.lookup("2088345000")) is True
    assert in_ilec_area(data, data.lookup("2088346000")) is None
    alone = build_reference([_read(light, "pooling-blocks")])
    assert in_ilec_area(alone, alone.lookup("2088345000")) is None
