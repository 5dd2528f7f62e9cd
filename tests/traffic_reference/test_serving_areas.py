"""ILEC switch serving areas (CPA.9: "the geographic area served by CenturyLink's switch as defined in the LERG")."""

from __future__ import annotations

from icaops.traffic.reference import load_numbering, load_reference, load_serving_areas, serving_areas_from_table

from .conftest import LATA_LIST


def test_cpa_9_serving_area_derived_from_rows_flagged_ilec(sample_table):
    """Synthetic sample: SNPTIDZZDS0 serves Sandpoint's NXXs, the 986 overlay NXX, and the Priest River remote."""
    area = serving_areas_from_table(sample_table).by_switch["SNPTIDZZDS0"]
    assert area.npa_nxxs == {"208263", "208265", "208255", "208448", "986263"}
    assert area.rate_centers == {"SANDPOINT", "PRIEST RIVER"}


def test_cpa_9_clec_block_in_ilec_rate_center_is_inside_the_switch_area(sample_table):
    """A pooled Commio block in the SANDPOINT rate center is in SNPTIDZZDS0's geographic area."""
    areas = serving_areas_from_table(sample_table)
    commio = sample_table.lookup("2082637001")
    assert commio.ilec_switch is False
    assert areas.serving_switches(commio) == ("SNPTIDZZDS0",)
    assert areas.serves("SNPTIDZZDS0", commio) and not areas.serves("MCCLIDZZDS0", commio)


def test_cpa_9_centurylink_clec_affiliate_block_is_not_an_ilec_switch(sample_table):
    """CenturyLink Communications (the CLEC affiliate) holds 986-666-2 in BOISE: no ILEC switch serves it."""
    areas = serving_areas_from_table(sample_table)
    assert areas.serving_switches(sample_table.lookup("9866662000")) == ()


def test_serving_areas_by_ilec_ocn_when_the_file_has_no_flag(write):
    """A real LERG has no ILEC column: the ILEC's OCNs (given by the terms, not code) pick its rows."""
    path = write(
        "lerg.csv", "NPA,NXX,OCN,RateCenter,Switch\n208,756,Z102,SALMON,SALMIDZZDS0\n208,345,Z203,BOISE,BOISIDZZ3BW\n"
    )
    table, _ = load_numbering(path)
    assert serving_areas_from_table(table).by_switch == {}
    areas = serving_areas_from_table(table, ilec_ocns=["z102"])
    assert set(areas.by_switch) == {"SALMIDZZDS0"}


def test_serving_areas_from_csv(write):
    """Serving areas given as a CSV: switch with NPA + NXX columns and/or a rate center."""
    path = write("areas.csv", "Switch,NPA,NXX,Rate Center\nMCCLIDZZDS0,208,634,MCCALL\nMCCLIDZZDS0,,,Cascade\n")
    areas, issues = load_serving_areas(path)
    assert issues == ()
    area = areas.by_switch["MCCLIDZZDS0"]
    assert area.npa_nxxs == {"208634"} and area.rate_centers == {"MCCALL", "CASCADE"}


def test_load_reference_cross_checks_and_answers_by_number(shipped_reference):
    """Shipped files together: LATA names from the LATA list, ILEC switches from the sample's flags."""
    ref = shipped_reference
    assert ref.lata_name(ref.lookup("2082637001").lata) == "COEUR D'ALENE ID"
    assert ref.serving_switches("2087561234") == ("SALMIDZZDS0",)
    assert ref.lookup("9862021234").ocn == "Z202"
    assert {i.row[0] for i in ref.issues} == {"368", "428", "474", "469", "972"}  # NPA report defects only


def test_load_reference_reports_unknown_lata_and_npa(write):
    """Cross-check: a LATA missing from the LATA list, or an NPA missing from the NPA report, is reported."""
    path = write("x.csv", "NPA,NXX,LATA\n208,263,999\n")
    ref = load_reference([path], lata_list=LATA_LIST)
    assert [(i.line, i.column, i.found, i.row_kept) for i in ref.issues] == [(2, "LATA", "999", True)]
