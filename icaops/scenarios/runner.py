"""Run scenario files: load the agreement, fold the events, check every expectation."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..explain import Explained
from ..terms.values import Period
from ..terms.errors import TermsLoadError
from ..terms.loader import load_agreement
from . import billing_kinds  # noqa: F401  (registers billing events and queries)
from .kinds import EXPECTATION_KINDS, KNOWN_EVENT_TYPES, Context
from .model import Expectation, ScenarioFileError, read_scenario

__all__ = ["ExpectationResult", "ScenarioResult", "run_scenario", "normalize"]


@dataclass(frozen=True, slots=True)
class ExpectationResult:
    """The outcome of one expectation, with the explanation of the actual value."""

    expectation: Expectation
    expected: Any
    actual: Any
    passed: bool
    explanation: Explained[Any] | None
    error: str | None = None

    def as_dict(self) -> dict:
        """A JSON-ready form."""
        return {
            "expectation": self.expectation.label(),
            "line": self.expectation.line,
            "expected": _jsonable(self.expected),
            "actual": _jsonable(self.actual),
            "passed": self.passed,
            "explanation": self.explanation.as_dict() if self.explanation else None,
            "error": self.error,
        }


@dataclass(frozen=True, slots=True)
class ScenarioResult:
    """All expectations of one scenario file, or the errors that stopped it."""

    file: str
    title: str
    results: tuple[ExpectationResult, ...]
    errors: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return not self.errors and all(r.passed for r in self.results)

    def as_dict(self) -> dict:
        """A JSON-ready form."""
        return {"file": self.file, "scenario": self.title, "passed": self.passed,
                "results": [r.as_dict() for r in self.results], "errors": list(self.errors)}


def normalize(value: Any) -> Any:
    """A comparable form: models as dicts, tuples as lists, enums as values."""
    if isinstance(value, BaseModel):
        return normalize(value.model_dump(mode="json"))
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [normalize(v) for v in value]
    if isinstance(value, dict):
        return {str(k): normalize(v) for k, v in value.items()}
    return value


def _matches(expected: Any, actual: Any) -> bool:
    if isinstance(actual, Period) and isinstance(expected, str):
        try:
            return Period.model_validate(expected) == actual
        except ValueError:
            return False
    if isinstance(actual, dt.datetime) and isinstance(expected, dt.datetime):
        return actual == (expected if expected.tzinfo else expected.replace(tzinfo=actual.tzinfo))
    actual = normalize(actual)
    if isinstance(actual, Decimal) or (isinstance(expected, str) and isinstance(actual, (int, Decimal)) and not isinstance(actual, bool)):
        try:
            return Decimal(str(expected)) == Decimal(str(actual))
        except InvalidOperation:
            return False
    if isinstance(actual, dt.datetime) and isinstance(expected, str):
        return actual == dt.datetime.fromisoformat(expected)
    if isinstance(actual, dt.date) and isinstance(expected, str):
        try:
            return actual == dt.date.fromisoformat(expected)
        except ValueError:
            return False
    if isinstance(actual, dt.time) and isinstance(expected, str):
        return actual == dt.time.fromisoformat(expected)
    return normalize(expected) == actual


def _jsonable(value: Any) -> Any:
    value = normalize(value)
    if isinstance(value, (dt.date, dt.time, Decimal)):
        return str(value)
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def _check(ctx: Context, exp: Expectation) -> ExpectationResult:
    expected = exp.spec["equals"]
    try:
        explained = EXPECTATION_KINDS[exp.kind](ctx, exp)
    except (KeyError, ValueError, TypeError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
        return ExpectationResult(exp, expected, None, False, None, f"{exp.kind}: {message}")
    passed = _matches(expected, explained.value)
    missing = [c for c in (exp.spec.get("cites") or []) if c not in explained.clauses]
    error = None
    if missing:
        passed = False
        error = f"the explanation does not cite {', '.join(missing)} (it cites {', '.join(explained.clauses) or 'nothing'})"
    return ExpectationResult(exp, expected, explained.value, passed, explained, error)


def _known_event_types(agreement) -> set[str]:
    # Billable events are whatever the price list's triggers name (VIII), plus the registry.
    triggers = {t.value.trigger["event"] for t in agreement.terms.prices.values() if t.value.trigger}
    return KNOWN_EVENT_TYPES | triggers


def run_scenario(path: Path) -> ScenarioResult:
    """Run one scenario file; errors in the file are reported, never raised."""
    try:
        scenario = read_scenario(path, tuple(EXPECTATION_KINDS))
    except ScenarioFileError as exc:
        return ScenarioResult(str(path), "", (), tuple(str(e) for e in exc.errors))
    try:
        agreement = load_agreement(scenario.agreement)
        if scenario.overrides:
            agreement = agreement.with_overrides(scenario.overrides, source=f"{scenario.file} overrides")
            agreement.terms  # validate the overrides now
    except TermsLoadError as exc:
        return ScenarioResult(scenario.file, scenario.title, (), tuple(str(e) for e in exc.errors))
    ctx = Context(agreement, scenario.events)
    known = _known_event_types(agreement)
    for event in scenario.events:
        if event.type not in known:
            ctx.errors.append(f"{scenario.file}: event {event.id}: type: expected a known event type, got {event.type!r}")
    results = tuple(_check(ctx, exp) for exp in scenario.expectations)
    return ScenarioResult(scenario.file, scenario.title, results, tuple(str(e) for e in ctx.errors))
