"""`icaops reference load/list/coverage` (issue 14): a load is reported with its provenance, a refused
file names its line, field and expectation and leaves nothing stored, coverage names what each check
can decide."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from icaops.cli import app

ROOT = Path(__file__).resolve().parents[2]
LERG = ROOT / "scenarios" / "traffic" / "numbering" / "lerg6-208.csv"


def _icaops(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_load_list_and_coverage(tmp_path):
    db = f"sqlite:///{tmp_path / 'icaops.sqlite'}"
    loaded = _icaops("reference", "load", str(LERG), "--kind", "lerg6", "--effective", "2024-04-01", "--db", db)
    assert loaded.exit_code == 0, loaded.output
    assert "load 1: lerg6, effective 2024-04-01" in loaded.output and "lerg6-208.csv" in loaded.output
    listed = _icaops("reference", "list", "--db", db)
    assert "lerg6-208.csv" in listed.output and "2024-04-01" in listed.output
    covered = _icaops("reference", "coverage", "--db", db, "--on", "2024-04-15", "--check", "cpn_carrier")
    assert "numbering data: loaded in the store: lerg6-208.csv (lerg6, effective 2024-04-01)" in covered.output
    assert "208-263" in covered.output and "208-834" in covered.output
    before = _icaops("reference", "coverage", "--db", db, "--on", "2024-03-31", "--check", "cpn_carrier")
    assert "shipped with icaops" in before.output


def test_a_refused_file_names_line_field_and_expectation_and_nothing_is_stored(tmp_path):
    db = f"sqlite:///{tmp_path / 'icaops.sqlite'}"
    bad = tmp_path / "lerg.csv"
    bad.write_text(LERG.read_text(encoding="utf-8") + "652,IDAHO,208,835,Q,Z103,ID,X,HSBNIDZZDS0\n", encoding="utf-8")
    refused = _icaops("reference", "load", str(bad), "--kind", "lerg6", "--db", db)
    assert refused.exit_code != 0
    assert "nothing loaded" in refused.output
    assert "lerg.csv:11: BLOCK_ID: expected a thousands-block digit 0-9" in refused.output
    assert "no reference data loaded" in _icaops("reference", "list", "--db", db).output
    wrong = _icaops("reference", "load", str(LERG), "--kind", "lerg", "--db", db)
    assert wrong.exit_code != 0 and "--kind 'lerg': expected one of nanpa-npa" in wrong.output
