"""Bounded work for any YAML input (issue 11, item 3): no alias bombs, no huge files or entries, no deep nesting.

Every refusal names the file and, where there is one, the line.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from icaops.app.errors import UserError
from icaops.app.workspace import read_event_file
from icaops.terms.errors import TermsLoadError
from icaops.terms.loader import load_agreement
from icaops.terms.yamlsource import MAX_DEPTH, MAX_FILE_BYTES, MAX_ITEM_BYTES, read_yaml

from .conftest import REPO

BILLION_LAUGHS = """\
events:
  - &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
  - &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
  - &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
  - &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
  - &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
  - &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
  - &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
  - &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
  - &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def _only_error(path: Path) -> str:
    doc, errors = read_yaml(path)
    refused = doc is None or bool(errors)
    del doc  # never let a failing assertion print what a bomb expands to
    assert refused, f"{path} was read"
    assert len(errors) == 1
    return str(errors[0])


def test_an_alias_bomb_is_refused_at_its_first_anchor(tmp_path):
    """463 bytes that expand to 387 million strings: refused in well under a second, at line 2."""
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BILLION_LAUGHS)
    assert len(BILLION_LAUGHS.encode()) < 500
    started = time.perf_counter()
    message = _only_error(bomb)
    assert time.perf_counter() - started < 1
    assert message == f"{bomb}:2: expected no anchors (&) or aliases (*): write each value out"


def test_events_load_refuses_the_bomb_naming_file_and_line(tmp_path):
    """`icaops events load` reads event files through the same reader."""
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BILLION_LAUGHS)
    with pytest.raises(UserError) as info:
        read_event_file(bomb)
    assert f"{bomb}:2:" in " ".join(info.value.details)


def test_a_lone_alias_is_refused_too(tmp_path):
    path = tmp_path / "alias.yaml"
    path.write_text("base: &rate '0.015'\nother: *rate\n")
    assert _only_error(path).startswith(f"{path}:1: expected no anchors")


def test_no_shipped_yaml_uses_anchors_or_aliases():
    """The refusal costs nothing: every agreement, scenario and sample file still reads."""
    files = [p for p in REPO.glob("**/*.yaml") if ".venv" not in p.parts and "out" not in p.parts]
    assert len(files) > 50
    for path in files:
        doc, errors = read_yaml(path)
        assert doc is not None, (path, errors)
        assert not [e for e in errors if "anchors" in e.expected or "at most" in e.expected], path


def test_a_file_over_the_size_limit_is_not_read(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("events:\n" + "  - {id: e, note: x}\n" * (MAX_FILE_BYTES // 20 + 1))
    message = _only_error(path)
    assert message.startswith(f"{path}: expected a file of at most {MAX_FILE_BYTES:,} bytes")


def test_one_list_entry_over_the_limit_is_refused_with_its_line(tmp_path):
    """An event (a list entry) is bounded, not only the file."""
    path = tmp_path / "events.yaml"
    path.write_text("events:\n  - {id: e1}\n  - id: e2\n    note: " + "x" * MAX_ITEM_BYTES + "\n")
    message = _only_error(path)
    assert message.startswith(f"{path}:3: events.1: expected a list entry of at most {MAX_ITEM_BYTES:,} characters")


def test_deep_nesting_is_refused_not_a_recursion_error(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text("x: " + "[" * 5000 + "]" * 5000 + "\n")
    assert _only_error(path) == f"{path}:1: expected at most {MAX_DEPTH} levels of nesting"


def test_an_anchor_in_a_terms_file_is_a_load_error(agreement_copy):
    billing = agreement_copy / "terms" / "billing.yaml"
    billing.write_text("x: &anchor 1\n" + billing.read_text())
    with pytest.raises(TermsLoadError) as info:
        load_agreement(agreement_copy)
    assert "billing.yaml:1: expected no anchors (&) or aliases (*)" in str(info.value)
