"""Numbering reference files in the store (issue 14): a load is kept whole with its provenance, and a
check uses, per kind, the load with the latest effective date on or before its date (both databases)."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from icaops.app.errors import UserError
from icaops.app.reference import list_reference, load_reference_files, reference_for_check
from icaops.store.reference import effective_reference

LERG = """LATA,NPA,NXX,BLOCK_ID,OCN,LOC_STATE,RC_ABBRE,SWITCH
652,208,322,A,Z110,ID,BOISE,BOISIDZZDS1
"""
LERG_LATER = """LATA,NPA,NXX,BLOCK_ID,OCN,LOC_STATE,RC_ABBRE,SWITCH
652,208,322,A,Z111,ID,BOISE,BOISIDZZDS1
652,208,323,A,Z111,ID,BOISE,BOISIDZZDS1
"""


def _file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_load_keeps_the_file_whole_with_its_provenance(engine, tmp_path):
    """The stored bytes are the file's (same sha256), with kind, rows and effective date."""
    path = _file(tmp_path, "lerg6-id.csv", LERG)
    done = load_reference_files(engine, [path], "lerg6", dt.date(2024, 3, 1))
    [row] = list_reference(engine)
    assert (row.load_seq, row.kind, row.name, row.rows, row.effective_on) == (
        done.load_seq,
        "lerg6",
        "lerg6-id.csv",
        1,
        dt.date(2024, 3, 1),
    )
    assert row.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    with engine.connect() as conn:
        [stored] = effective_reference(conn, dt.date(2024, 3, 1))
    assert stored.content == path.read_bytes()


def test_the_load_in_effect_on_the_checks_date_is_used(engine, tmp_path):
    """A later effective load supersedes an earlier one from its date only; before any load, the shipped data."""
    load_reference_files(engine, [_file(tmp_path, "a.csv", LERG)], "lerg6", dt.date(2024, 3, 1))
    load_reference_files(engine, [_file(tmp_path, "b.csv", LERG_LATER)], "lerg6", dt.date(2024, 4, 1))
    march = reference_for_check(engine, None, dt.date(2024, 3, 15))
    april = reference_for_check(engine, None, dt.date(2024, 4, 1))
    assert march.data.lookup("2083220000").ocn == "Z110" and march.data.lookup("2083230000") is None
    assert april.data.lookup("2083220000").ocn == "Z111" and april.data.lookup("2083230000") is not None
    assert "b.csv (lerg6, effective 2024-04-01)" in april.origin
    assert reference_for_check(engine, None, dt.date(2024, 2, 1)).origin.startswith("shipped with icaops")


def test_a_refused_file_is_not_kept_in_part(engine, tmp_path):
    """A row that cannot be read refuses the whole load, naming file, line, field and what was expected."""
    good = _file(tmp_path, "good.csv", LERG)
    bad = _file(tmp_path, "bad.csv", LERG + "652,208,1X2,A,Z110,ID,BOISE,BOISIDZZDS1\n")
    with pytest.raises(UserError) as err:
        load_reference_files(engine, [good, bad], "lerg6", dt.date(2024, 3, 1))
    assert "bad.csv:3: NXX: expected an NXX of three digits starting 2-9, found '1X2'" in "\n".join(err.value.details)
    assert list_reference(engine) == []
