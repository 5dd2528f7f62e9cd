"""Numbering lookups from the shipped files and from NANPA / pooling / LERG-style layouts."""

from __future__ import annotations

import pytest

from icaops.traffic.reference import NumberingTable, load_numbering, normalize_number


def test_operator_file_real_986_block_names_its_operator(operator_table):
    """Operator file (pooling report, 2023-03-07): 986-202-1xxx is Telnyx's block, 986-202-0xxx Onvoy's."""
    assert operator_table.lookup("9862021234").company == "TELNYX LLC"
    assert operator_table.lookup("986-202-0999").company == "ONVOY, LLC - ID"
    entry = operator_table.lookup("+1 (986) 666-2000")
    assert (entry.npa, entry.nxx, entry.block, entry.company) == ("986", "666", "2", "CENTURYLINK COMMUNICATIONS, LLC")


def test_operator_file_blank_block_is_the_whole_nxx(operator_table):
    """Operator file: 986,793,(blank) is Level 3's whole NXX, so any block of it resolves there."""
    entry = operator_table.lookup("9867935555")
    assert entry.block is None
    assert entry.company == "LEVEL 3 COMMUNICATIONS, LLC - ID"


def test_operator_file_has_no_ocn_rate_center_or_lata(operator_table):
    """Operator file limits (data README): operator name only, no OCN, rate center, LATA or switch."""
    entry = operator_table.lookup("9862021234")
    assert (entry.ocn, entry.rate_center, entry.lata, entry.switch, entry.ilec_switch) == (None,) * 5
    assert len(operator_table) == 16571
    assert operator_table.lookup("2083451234") is None  # the file has no 208 rows


def test_thousands_block_beats_whole_nxx(sample_table):
    """Synthetic sample: 208-263 is CenturyTel's whole NXX, but block 7 is pooled to Commio."""
    assert sample_table.lookup("2082637001").company == "COMMIO, LLC"
    assert sample_table.lookup("2082636001").company == "CENTURYTEL OF THE GEM STATE, INC."
    assert [e.block for e in sample_table.for_npanxx("208263")] == [None, "7", "8"]


def test_sample_entry_carries_lerg_fields(sample_table):
    """Synthetic sample: OCN, rate center, LATA, state, switch and the ILEC flag are read."""
    e = sample_table.lookup("2084481234")
    assert (e.ocn, e.rate_center, e.lata, e.state, e.switch, e.ilec_switch) == (
        "Z101",
        "PRIEST RIVER",
        "960",
        "ID",
        "SNPTIDZZDS0",
        True,
    )
    assert str(e.source).endswith("lerg_sample_id.csv:13")


def test_nanpa_co_code_report_layout_tab_delimited(write):
    """NANPA Central Office Code Assignment Records: tab-delimited, "NPA-NXX", "RateCenter"."""
    path = write(
        "allutlzd.txt",
        "State\tNPA-NXX\tOCN\tCompany\tRateCenter\tEffectiveDate\tUse\tAssignDate\tInitial/Growth\n"
        "ID\t208-263\tZ101\tCENTURYTEL OF THE GEM STATE, INC.\tSANDPOINT\t01/01/2000\tAS\t\tI\n",
    )
    table, issues = load_numbering(path)
    assert issues == ()
    e = table.lookup("2082631234")
    assert (e.npa, e.nxx, e.block, e.ocn, e.rate_center, e.state) == ("208", "263", None, "Z101", "SANDPOINT", "ID")


def test_pooling_block_report_layout_prefers_assigned_to_over_code_holder(write):
    """National Pooling block report: NPA, NXX, X, Code Holder, Assigned To, OCN, Rate Center."""
    path = write(
        "blocks.csv",
        "Region,State,NPA,NXX,X,STATUS,Code Holder,Rate Center,Assigned To,OCN,Date Assigned\n"
        'West,ID,986,202,1,Assigned,"ONVOY, LLC - ID",BOISE,TELNYX LLC,Z202,2019-01-01\n',
    )
    table, issues = load_numbering(path)
    assert issues == ()
    e = table.get("986", "202", "1")
    assert (e.company, e.ocn, e.rate_center) == ("TELNYX LLC", "Z202", "BOISE")


def test_lerg6_style_headers_and_combined_npa_nxx_x(write):
    """LERG 6 style: BLOCK_ID "A" = whole NXX, RC_ABBRE, LOC_STATE, SWITCH; and a combined NPA-NXX-X."""
    lerg = write(
        "lerg6.csv",
        "LATA,NPA,NXX,BLOCK_ID,OCN,RC_ABBRE,LOC_STATE,SWITCH\n960,208,267,A,Z101,BONNERSFRY,ID,BNFRIDZZDS0\n",
    )
    table, issues = load_numbering(lerg)
    assert issues == ()
    assert table.get("208", "267").rate_center == "BONNERSFRY"
    combined = write("x.csv", "NPA-NXX-X,Company\n986-202-1,TELNYX LLC\n")
    table, issues = load_numbering(combined)
    assert issues == () and table.get("986", "202", "1").company == "TELNYX LLC"


def test_combine_earlier_source_wins(sample_table, operator_table):
    """Where the synthetic sample and the operator file cover the same block, the sample (first) wins."""
    combined = NumberingTable.combine(sample_table, operator_table)
    assert combined.get("986", "202", "1").ocn == "Z202"
    assert combined.lookup("9862030000").company == "ONVOY, LLC - ID"  # only in the operator file


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("9862021234", "9862021234"),
        ("1-986-202-1234", "9862021234"),
        ("+1 (208) 263-7001", "2082637001"),
        ("1862021234", None),  # NPA may not start with 1
        ("9861021234", None),  # NXX may not start with 1
        ("986202123", None),
        ("", None),
    ],
)
def test_normalize_number_nanp_ten_digits(raw, expected):
    """NANP numbers: ten digits, NPA and NXX start 2-9; a leading 1 and punctuation are dropped."""
    assert normalize_number(raw) == expected


def test_lookup_of_malformed_number_is_none(sample_table):
    """A malformed number finds nothing rather than raising."""
    assert sample_table.lookup("not a number") is None
