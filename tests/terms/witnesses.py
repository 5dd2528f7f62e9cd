"""Witnesses that a term is read: an override of the term and a scenario file whose computed
results change under it (docs/terms-format.md, "Every term does something").

`python -m tests.terms.witnesses` searches for a witness of every term the code reads and writes
tests/terms/term_witnesses.yaml; tests/terms/test_overrides_change_results.py replays each one.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import time
from collections.abc import Iterator
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter

from icaops.scenarios.runner import LoadedScenario, ScenarioResult, load_scenario, run_loaded
from icaops.terms.errors import TermsLoadError
from icaops.terms.loader import Agreement
from icaops.terms.schema import Term

__all__ = ["WITNESSES", "changed_by", "perturbations", "raw_value"]

REPO = Path(__file__).resolve().parents[2]
WITNESSES = Path(__file__).with_name("term_witnesses.yaml")
_LITERALS = sorted(set(re.findall(r'"([a-z_]+)"', (REPO / "icaops/terms/schema.py").read_text())))
_ZONES = ("America/Denver", "America/New_York", "UTC")
# Fields people read, not code: changing them proves nothing about a computation.
_FREE_TEXT = frozenset({"description", "label", "source", "name", "applies_when", "remedy", "note", "reference"})


def raw_value(term: Term[Any]) -> Any:
    """The term's value as a terms file or `--set` gives it."""
    return None if term.value is None else TypeAdapter(type(term.value)).dump_python(term.value, mode="json")


def _numbers(value: Any) -> Iterator[Any]:
    if isinstance(value, bool):
        yield not value
    elif isinstance(value, int):
        yield from (value + 1, value - 1, value * 2)
    elif isinstance(value, str) and re.fullmatch(r"-?\d+(\.\d+)?", value):
        d = Decimal(value)
        yield from (str(d / 2), str(d + 1), str(d * Decimal("1.5")), "0")


def _variants(value: Any) -> Iterator[Any]:
    """Values near `value`: numbers moved, flags flipped, dates shifted, each field in turn."""
    yield from _numbers(value)
    if isinstance(value, str) and not re.fullmatch(r"-?\d+(\.\d+)?", value):
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            day = dt.date.fromisoformat(value)
            yield from (
                str(day + dt.timedelta(days=1)),
                str(day - dt.timedelta(days=1)),
                str(day + dt.timedelta(days=45)),
            )
        elif re.fullmatch(r"\d{2}:\d{2}:\d{2}", value):
            hour = int(value[:2])
            yield from (f"{(hour + 1) % 24:02d}{value[2:]}", f"{(hour - 1) % 24:02d}{value[2:]}")
        elif "/" in value:
            yield from (z for z in _ZONES if z != value)
        else:
            yield from (w for w in _LITERALS if w != value)
    elif isinstance(value, list):
        if len(value) > 1:
            yield value[:-1]
            yield value[1:]
            yield list(reversed(value))
        for i, item in enumerate(value):
            for other in _variants(item):
                yield value[:i] + [other] + value[i + 1 :]
    elif isinstance(value, dict):
        # round-robin over the fields, so that every field is tried among the first values
        per_field = [
            iter([{**value, key: other} for other in _variants(item)])
            for key, item in value.items()
            if key not in _FREE_TEXT
        ]
        while per_field:
            for it in list(per_field):
                nxt = next(it, None)
                if nxt is None:
                    per_field.remove(it)
                else:
                    yield nxt
    elif value is None:
        yield from ("0.01", 1, True)


def perturbations(term: Term[Any]) -> Iterator[Any]:
    """Override values for a term, nearest first (some may be refused by the term's range)."""
    yield from _variants(raw_value(term))


def _actuals(result: ScenarioResult) -> tuple[tuple[str, str], ...]:
    return tuple((r.expectation.label(), repr(r.actual)) for r in result.results) + tuple(
        (e, "") for e in result.errors
    )


@cache
def _loaded(path: Path) -> LoadedScenario | None:
    loaded = load_scenario(path)
    return loaded if isinstance(loaded, LoadedScenario) and not loaded.errors else None


@cache
def _base(path: Path) -> tuple[tuple[str, str], ...]:
    loaded = _loaded(path)
    assert loaded is not None
    return _actuals(run_loaded(loaded))


def valid_override(agreement: Agreement, key: str, value: Any) -> Agreement | None:
    """The agreement with `key` set to `value`, or None if the terms refuse that value."""
    try:
        changed = agreement.with_overrides({key: value}, source="witness")
        _ = changed.terms
        return changed
    except TermsLoadError:
        return None


def changed_by(path: Path, key: str, value: Any) -> bool:
    """Whether overriding `key` with `value` changes a computed result of the scenario at `path`."""
    loaded = _loaded(path)
    if loaded is None:
        return False
    agreement = valid_override(loaded.agreement, key, value)
    if agreement is None:
        return False
    try:
        result = run_loaded(LoadedScenario(loaded.scenario, agreement, loaded.errors))
    except Exception:
        return False
    return _actuals(result) != _base(path)


def _scenarios_for(key: str, term: Term[Any], paths: list[Path]) -> list[Path]:
    """Scenario files most likely to depend on the term first: naming it, then citing its clause."""
    last = key.rsplit(".", 1)[-1]

    def rank(p: Path) -> int:
        text = p.read_text(encoding="utf-8")
        return 0 if key in text else 1 if last in text else 2 if term.clause in text else 3

    return sorted(paths, key=rank)


def search(budget_s: float = 60.0, keys: frozenset[str] | None = None) -> dict[str, dict[str, Any]]:
    """A witness for every term the code reads, or for `keys` (each searched for at most `budget_s` seconds)."""
    from icaops.app.agreements import open_agreement

    agreement = open_agreement()
    paths = [p for p in sorted((REPO / "scenarios").rglob("*.yaml")) if _loaded(p) is not None]
    found: dict[str, dict[str, Any]] = {}
    for key, term in agreement.terms.flat():
        if term.informational or (keys is not None and key not in keys):
            continue
        started = time.monotonic()
        values = [v for v in perturbations(term) if valid_override(agreement, key, v) is not None][:10]
        for path in _scenarios_for(key, term, paths):
            hit = next((v for v in values if changed_by(path, key, v)), None)
            if hit is not None:
                found[key] = {"set": hit, "scenario": str(path.relative_to(REPO))}
                break
            if time.monotonic() - started > budget_s:
                break
        print(
            ("found " if key in found else "NONE  ") + key,
            f"{time.monotonic() - started:.1f}s",
            file=sys.stderr,
            flush=True,
        )
    return found


if __name__ == "__main__":
    only = frozenset(sys.argv[2:]) or None
    witnesses = search(float(sys.argv[1]) if len(sys.argv) > 1 else 60.0, only)
    if only is not None:  # a search for some terms adds to the table
        witnesses = {**(yaml.safe_load(WITNESSES.read_text(encoding="utf-8")) or {}), **witnesses}
    WITNESSES.write_text(
        "# term key -> an override and a scenario file whose results it changes (tests/terms/witnesses.py)\n"
        + yaml.safe_dump(witnesses, sort_keys=True, allow_unicode=True),
        encoding="utf-8",
    )
