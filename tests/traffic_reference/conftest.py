"""Shared fixtures: the shipped reference files and a writer for small broken CSVs."""

from __future__ import annotations

from pathlib import Path

import pytest

from icaops.traffic.reference import REFERENCE_DIR, load_numbering, load_shipped_reference

OPERATOR_FILE = REFERENCE_DIR / "nanp_operator_by_npanxx_x_2023-03-07.csv"
SAMPLE_FILE = REFERENCE_DIR / "lerg_sample_id.csv"
NPA_REPORT = REFERENCE_DIR / "nanpa_npa_report_2020-03-04.csv"
LATA_LIST = REFERENCE_DIR / "lata-description-list.txt"
GEOCODING = REFERENCE_DIR / "libphonenumber_geocoding_ID_and_neighbors.csv"


@pytest.fixture(scope="session")
def operator_table():
    """The real operator file, loaded once."""
    table, issues = load_numbering(OPERATOR_FILE)
    assert issues == ()
    return table


@pytest.fixture(scope="session")
def sample_table():
    """The synthetic LERG-style sample, loaded once."""
    table, issues = load_numbering(SAMPLE_FILE)
    assert issues == ()
    return table


@pytest.fixture(scope="session")
def shipped_reference():
    """load_shipped_reference(): sample, operator file, NPA report and LATA list, loaded once."""
    return load_shipped_reference()


@pytest.fixture
def write(tmp_path: Path):
    """Write `text` to a file under tmp_path and return its path."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write
