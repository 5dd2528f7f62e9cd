"""Broken reference files: each issue names file, line, column and what was expected; the rest loads."""

from __future__ import annotations

import pytest

from icaops.traffic.reference import load_lata_list, load_numbering, load_serving_areas

HEADER = "NPA,NXX,BLOCK_ID,OCN,Company,RateCenter,LATA,State,Switch,ILEC_Switch\n"
GOOD = "208,263,A,Z101,CENTURYTEL,SANDPOINT,960,ID,SNPTIDZZDS0,Y\n"


def _one_bad_row(write, bad_row: str):
    """Load a file with one good row, the bad row, and another good row."""
    path = write("bad.csv", HEADER + GOOD + bad_row + "208,448,A,Z101,CENTURYTEL,PRIEST RIVER,960,ID,SNPTIDZZDS0,Y\n")
    table, issues = load_numbering(path)
    assert len(table) == 2, "the good rows still load"
    assert len(issues) == 1
    return issues[0]


@pytest.mark.parametrize(
    "bad_row, column, expected",
    [
        ("108,263,A,Z101,X,SANDPOINT,960,ID,SNPTIDZZDS0,Y\n", "NPA", "an NPA of three digits starting 2-9"),
        ("208,26,A,Z101,X,SANDPOINT,960,ID,SNPTIDZZDS0,Y\n", "NXX", "an NXX of three digits starting 2-9"),
        ("208,265,B,Z101,X,SANDPOINT,960,ID,SNPTIDZZDS0,Y\n", "BLOCK_ID", "a thousands-block digit"),
        ("208,265,A,Z10,X,SANDPOINT,960,ID,SNPTIDZZDS0,Y\n", "OCN", "a four-character OCN"),
        ("208,265,A,Z101,X,SANDPOINT,9600,ID,SNPTIDZZDS0,Y\n", "LATA", "a three-digit LATA"),
        ("208,265,A,Z101,X,SANDPOINT,960,Idaho,SNPTIDZZDS0,Y\n", "State", "a two-letter state"),
        ("208,265,A,Z101,X,SANDPOINT,960,ID,SNPTID,Y\n", "Switch", "an eleven-character switch CLLI"),
        ("208,265,A,Z101,X,SANDPOINT,960,ID,SNPTIDZZDS0,maybe\n", "ILEC_Switch", "Y or N"),
        ("208,265,A,Z101,X,SANDPOINT,960,ID,,Y\n", "Switch", "a switch CLLI on a row flagged as an ILEC switch"),
    ],
)
def test_bad_field_names_file_line_column_and_expectation(write, bad_row, column, expected):
    """A bad field skips its row, keeps it in the issue, and the message reads file:line: column: expected."""
    issue = _one_bad_row(write, bad_row)
    assert (issue.line, issue.column, issue.row_kept) == (3, column, False)
    assert expected in issue.expected
    assert issue.row == tuple(bad_row.strip().split(","))
    assert str(issue).startswith(f"{issue.source}:3: {column}: expected ")
    assert str(issue).endswith("(row skipped)")


def test_too_many_fields_is_skipped_too_few_is_kept(write):
    """A stray comma shifts every later column (skipped); a short row is read with blanks (kept)."""
    path = write("width.csv", HEADER + "208,263,A,Z101,X,SAND,POINT,960,ID,SNPTIDZZDS0,Y\n" + "208,448,A,Z101\n")
    table, issues = load_numbering(path)
    assert [(i.line, i.row_kept, i.found) for i in issues] == [(2, False, "11 fields"), (3, True, "4 fields")]
    assert table.get("208", "448").rate_center is None


def test_duplicate_key_keeps_the_first_row(write):
    """One row per NPA-NXX and block: a repeat is reported with the line of the first."""
    path = write("dup.csv", HEADER + GOOD + GOOD.replace("SANDPOINT", "ELSEWHERE"))
    table, issues = load_numbering(path)
    assert table.get("208", "263").rate_center == "SANDPOINT"
    assert "first at line 2" in issues[0].expected and issues[0].found == "208-263"


def test_missing_file_is_an_issue_not_an_exception(tmp_path):
    """A file that cannot be read gives an empty table and one issue naming it."""
    table, issues = load_numbering(tmp_path / "absent.csv")
    assert len(table) == 0
    assert issues[0].source.endswith("absent.csv") and issues[0].expected == "a readable file"


def test_file_without_a_recognised_header(write):
    """No row names an NPA / NPA-NXX column: the whole file is refused with one issue."""
    table, issues = load_numbering(write("nohdr.csv", "986,200,0,VONAGE AMERICA LLC\n"))
    assert len(table) == 0 and "a header row naming" in issues[0].expected


def test_header_with_npa_but_no_nxx_column(write):
    """An NPA column alone is not enough to key a number."""
    table, issues = load_numbering(write("npa_only.csv", "NPA,Company\n208,X\n"))
    assert len(table) == 0 and (issues[0].line, issues[0].column) == (1, "NXX")


def test_comment_lines_do_not_shift_line_numbers(write):
    """Lines starting with # (as in the synthetic sample) are skipped but still counted."""
    path = write("c.csv", "# synthetic\n# more\n" + HEADER + "208,26,A,Z101,X,S,960,ID,SNPTIDZZDS0,N\n")
    _, issues = load_numbering(path)
    assert issues[0].line == 4


def test_lata_list_bad_line(write):
    """LATA list: a line that is not "NNN NAME" is reported; the others load."""
    latas, issues = load_lata_list(write("latas.txt", "LATA Description\n652 IDAHO\nIDAHO 652\n960 COEUR D'ALENE ID\n"))
    assert dict(latas) == {"652": "IDAHO", "960": "COEUR D'ALENE ID"}
    assert (issues[0].line, issues[0].found) == (3, "IDAHO 652")


def test_serving_area_csv_bad_rows(write):
    """Serving-area CSV: a short CLLI and a row with neither NPA-NXX nor rate center are reported."""
    path = write(
        "areas.csv", "Switch,NPA-NXX,RateCenter\nSNPTIDZZDS0,208-263,SANDPOINT\nSNPTID,208-448,\nSNPTIDZZDS0,,\n"
    )
    areas, issues = load_serving_areas(path)
    assert [(i.line, i.column) for i in issues] == [(3, "Switch"), (4, "RateCenter")]
    assert areas.by_switch["SNPTIDZZDS0"].npa_nxxs == {"208263"}
