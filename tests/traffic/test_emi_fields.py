"""The EMI field map (agreement VI.9.1.2) against its public sources, and docs/emi.md."""

from pathlib import Path

import pytest

from icaops.traffic.emi import fields as F

DOCS = Path(__file__).resolve().parents[2] / "docs" / "emi.md"


@pytest.mark.parametrize("layout", F.LAYOUTS, ids=lambda l: l.name)
def test_layouts_fit_210_bytes_without_overlaps(layout):
    """emi11.h: CRLF offset 210, so every field lies in 1-210 and no two share a position."""
    assert F.overlaps(layout) == []
    assert all(f.start >= 1 and f.end <= F.RECORD_LENGTH for f in layout.fields)


def test_record_is_210_bytes_then_crlf():
    """emi11.h: EMI_CRLF_OFFSET 210."""
    assert (F.RECORD_LENGTH, F.TERMINATOR, F.FRAME_LENGTH) == (210, b"\r\n", 212)


@pytest.mark.parametrize(
    "name,start,length",
    [
        ("record id", 1, 6),
        ("date", 7, 6),
        ("from number length", 13, 2),
        ("from number", 15, 10),
        ("overflow digits", 25, 3),
        ("to number length", 28, 2),
        ("to number", 30, 10),
        ("connect time", 55, 6),
        ("elapsed time", 61, 7),
        ("method of recording", 68, 2),
        ("indicators 1-20", 82, 20),
        ("settlement code", 149, 1),
    ],
)
def test_common_fields_where_both_sources_agree(name, start, length):
    """Freeside emi.pm and emi11.h agree on the common positions."""
    f = F.CATEGORY_01.field(name)
    assert (f.start, f.length) == (start, length)
    assert F.CATEGORY_11.field(name) == f


@pytest.mark.parametrize(
    "name,offset0,length",
    [
        ("orig/term indicator", 39, 1),
        ("trunk group", 40, 4),
        ("carrier identification code", 45, 4),
        ("conversation time", 149, 7),
        ("originating LRN", 156, 10),
        ("originating OCN", 166, 4),
        ("terminating LRN", 171, 10),
        ("terminating OCN", 181, 4),
        ("sending OCN", 186, 4),
    ],
)
def test_category_11_positions_are_emi11_h_offsets_plus_one(name, offset0, length):
    """emi11.h gives 0-based offsets (EMI_CIC_OFFSET 45 ...); the map is 1-based."""
    f = F.CATEGORY_11.field(name)
    assert (f.start - 1, f.length, f.source) == (offset0, length, F.Source.EMI11_H)


@pytest.mark.parametrize(
    "name,start,end",
    [
        ("amount collected", 40, 46),
        ("rate class", 79, 79),
        ("message type", 80, 80),
        ("billing number", 113, 122),
        ("from city", 123, 132),
        ("to state", 145, 146),
    ],
)
def test_category_01_positions_are_freesides(name, start, end):
    """Freeside emi.pm fixedlength_format: name:length:start:end."""
    f = F.CATEGORY_01.field(name)
    assert (f.start, f.end, f.source) == (start, end, F.Source.FREESIDE)


def test_category_10_shares_the_01_layout():
    """The formats README: CenturyLink delivers local usage as category 01 or 10."""
    assert F.CATEGORY_10.fields == F.CATEGORY_01.fields
    assert F.layout_for("100101") is F.CATEGORY_10


def test_pack_layout_beyond_record_id_is_marked_as_icaops_convention():
    """No public source gives the 20-24-01/02 layout; the map must say so, not pretend."""
    for f in F.PACK_TRAILER.fields[1:]:
        assert f.source is F.Source.ICAOPS


def test_unsupported_record_id_is_a_key_error():
    with pytest.raises(KeyError, match="unsupported EMI record id"):
        F.layout_for("010102")


@pytest.mark.parametrize("layout", (*F.LAYOUTS, F.MODULES), ids=lambda l: l.name)
def test_docs_carry_the_generated_field_tables(layout):
    """docs/emi.md is the field map as tables; it must not drift from fields.py."""
    assert F.markdown_table(layout) in DOCS.read_text()
