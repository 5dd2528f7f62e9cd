"""icaops/traffic/reference/data: provenance recorded for every file, real files unchanged, the synthetic sample labelled."""

from __future__ import annotations

import hashlib
import re

from icaops.traffic.reference import REFERENCE_DIR, load_lata_list

from .conftest import LATA_LIST, SAMPLE_FILE

PROVENANCE = (REFERENCE_DIR / "PROVENANCE.md").read_text(encoding="utf-8")


def test_every_shipped_file_has_a_provenance_row():
    """PROVENANCE.md: one table row per data file, so a fresh clone knows where each came from."""
    files = {p.name for p in REFERENCE_DIR.iterdir() if p.name != "PROVENANCE.md"}
    documented = set(re.findall(r"^\| `([^`]+)` \|", PROVENANCE, re.MULTILINE))
    assert files == documented


def test_real_files_match_their_recorded_sha256():
    """PROVENANCE.md: the real files are unchanged copies (their SHA-256 as recorded)."""
    rows = re.findall(r"^\| `([^`]+)` \|.*\| `([0-9a-f]{64})` \|$", PROVENANCE, re.MULTILINE)
    assert len(rows) == 5
    for name, digest in rows:
        assert hashlib.sha256((REFERENCE_DIR / name).read_bytes()).hexdigest() == digest, name


def test_synthetic_sample_is_labelled_in_file_and_provenance():
    """lerg_sample_id.csv says it is synthetic in its header and in PROVENANCE.md, and its OCNs are placeholders."""
    head = SAMPLE_FILE.read_text(encoding="utf-8").splitlines()[0]
    assert head.startswith("# SYNTHETIC SAMPLE - NOT LERG DATA")
    assert "**SYNTHETIC, not LERG data.**" in PROVENANCE


def test_synthetic_sample_uses_real_idaho_npas_and_latas(sample_table):
    """Sample: NPAs 208/986 only, LATAs 652/960 from the real LATA list, placeholder Z-OCNs, state ID."""
    latas, _ = load_lata_list(LATA_LIST)
    assert {e.npa for e in sample_table.entries} == {"208", "986"}
    assert {e.lata for e in sample_table.entries} == {"652", "960"} <= set(latas)
    assert all(e.ocn.startswith("Z") and e.state == "ID" for e in sample_table.entries)


def test_synthetic_986_blocks_name_the_operator_of_the_real_file(sample_table, operator_table):
    """Sample 986 rows (blocks and whole NXX 793) agree with the operator file on the operator's name."""
    checked = 0
    for e in sample_table.entries:
        real = operator_table.get(e.npa, e.nxx, e.block)
        if e.npa == "986" and real is not None:
            assert e.company == real.company, e.key
            checked += 1
    assert checked == 8


def test_shipped_reference_loads_with_only_the_known_npa_report_defects(shipped_reference):
    """load_shipped_reference: sample + operator file + NPA report + LATA list; issues are the NPA report's five."""
    ref = shipped_reference
    assert len(ref.issues) == 5
    assert ref.lookup("9862021234").company == "TELNYX LLC"
    assert set(ref.serving_areas.by_switch) == {
        "SNPTIDZZDS0",
        "BNFRIDZZDS0",
        "SPLKIDZZDS0",
        "SALMIDZZDS0",
        "MCCLIDZZDS0",
    }
