"""NPA report, LATA list and localities, read from the real shipped files."""

from __future__ import annotations

from datetime import date

import pytest

from icaops.traffic.reference import load_lata_list, load_localities, load_npa_report, parse_nanpa_date

from .conftest import GEOCODING, LATA_LIST, NPA_REPORT


@pytest.fixture(scope="module")
def npa_report():
    """The real NANPA NPA report (file date 03/04/2020), loaded once."""
    return load_npa_report(NPA_REPORT)


def test_npa_report_986_overlays_208_in_service_2017_09_05(npa_report):
    """NANPA NPA report: 986 is Idaho's overlay of 208, in service 05-SEP-17, Pacific."""
    table, _ = npa_report
    info = table.get("986")
    assert (info.location, info.country, info.parent_npa) == ("ID", "US", "208")
    assert info.in_service_on == date(2017, 9, 5)
    assert info.overlay_complex == ("208", "986")
    assert info.time_zones == ("Pacific",)
    assert table.in_service("986", date(2017, 9, 4)) is False
    assert table.in_service("986", date(2017, 9, 5)) is True


def test_npa_report_208_spans_mountain_and_pacific_since_1947(npa_report):
    """NANPA NPA report: 208 is "MP" (Mountain, Pacific); "01-JAN-47" is 1947, not 2047."""
    table, _ = npa_report
    info = table.get("208")
    assert info.time_zones == ("Mountain", "Pacific")
    assert info.in_service_on == date(1947, 1, 1)
    assert table.overlay_of("208") == ("208", "986")
    assert table.overlay_of("202") == ("202",)
    assert table.file_date == date(2020, 3, 4)


def test_npa_report_real_defects_are_reported(npa_report):
    """NANPA NPA report: 368/428/474 have an unquoted comma in AREA_SERVED (joined back, kept), 469/972
    are cut short (kept): the real report loads whole, every defect reported."""
    table, issues = npa_report
    by_row = {i.row[0]: i.row_kept for i in issues}
    assert by_row == {"368": True, "428": True, "474": True, "469": True, "972": True}
    assert table.get("368").area_served == "Alberta, Canada"
    assert table.get("368").time_zone_code == "M"
    assert [i.column for i in issues if i.row[0] == "368"] == ["AREA_SERVED"]
    assert table.get("469").overlay_complex == ("214", "469", "972", "945")
    assert table.get("469").time_zone_code is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("05-SEP-17", date(2017, 9, 5)),
        ("01-JAN-47", date(1947, 1, 1)),
        ("31-dec-99", date(1999, 12, 31)),
        ("03/04/2020", date(2020, 3, 4)),
        ("2020-03-04", date(2020, 3, 4)),
        ("31-FEB-20", None),
        ("soon", None),
    ],
)
def test_nanpa_dates(text, expected):
    """NANPA report dates use DD-MON-YY; the file date uses MM/DD/YYYY."""
    assert parse_nanpa_date(text) == expected


def test_lata_list_idaho_latas():
    """LATA list: 652 IDAHO, 960 COEUR D'ALENE ID; five-digit sub-area codes load too; no issues."""
    latas, issues = load_lata_list(LATA_LIST)
    assert issues == ()
    assert latas["652"] == "IDAHO" and latas["960"] == "COEUR D'ALENE ID"
    assert latas["676"] == "SPOKANE WA"
    assert latas["44813"].startswith("PENSACOLA FL")


def test_localities_longest_prefix_and_truncated_names():
    """libphonenumber geocoding: 208-345 → Boise; 208-263 → Sandpoint; "Coeur d\\" is flagged, kept."""
    localities, issues = load_localities(GEOCODING)
    assert localities.locality("2083451234") == "Boise, ID"
    assert localities.locality("2082631234") == "Sandpoint, ID"
    assert localities.locality("9862021234") == "Idaho"
    assert len(issues) == 8 and all(i.row_kept and i.found == "Coeur d\\" for i in issues)
