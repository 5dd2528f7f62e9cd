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
from ..relationship.events import EventError
from ..terms.errors import TermsLoadError
from ..terms.loader import Agreement, load_agreement
from ..terms.values import Period
from .context import Context
from .kinds import FOUNDATION_QUERIES
from .model import Expectation, Scenario, ScenarioFileError, read_scenario
from .registry import EXPECTATION_KINDS, KNOWN_EVENT_TYPES, STATE_QUERIES

__all__ = [
    "ExpectationResult",
    "LoadedScenario",
    "ScenarioResult",
    "Supported",
    "load_scenario",
    "normalize",
    "run_loaded",
    "run_scenario",
    "supported",
]


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
        return {
            "file": self.file,
            "scenario": self.title,
            "passed": self.passed,
            "results": [r.as_dict() for r in self.results],
            "errors": list(self.errors),
        }


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
    if isinstance(actual, Decimal) or (
        isinstance(expected, str) and isinstance(actual, (int, Decimal)) and not isinstance(actual, bool)
    ):
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


def _check(ctx: Context, exp: Expectation) -> tuple[ExpectationResult, tuple[EventError, ...]]:
    """The expectation's result, and the errors in the log found computing it."""
    expected = exp.spec["equals"]
    try:
        answer = EXPECTATION_KINDS[exp.kind](ctx, exp)
    except (KeyError, ValueError, TypeError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
        return ExpectationResult(exp, expected, None, False, None, f"{exp.kind}: {message}"), ()
    explained = answer.explained
    passed = _matches(expected, explained.value)
    missing = [c for c in (exp.spec.get("cites") or []) if c not in explained.clauses]
    error = None
    if missing:
        passed = False
        error = (
            f"the explanation does not cite {', '.join(missing)} (it cites {', '.join(explained.clauses) or 'nothing'})"
        )
    return ExpectationResult(exp, expected, explained.value, passed, explained, error), answer.errors


def _known_event_types(agreement: Agreement) -> frozenset[str]:
    # Billable events are whatever the price list's triggers name (VIII), plus the registry.
    triggers = {t.value.trigger["event"] for t in agreement.terms.prices.values() if t.value.trigger}
    return KNOWN_EVENT_TYPES | triggers


@dataclass(frozen=True, slots=True)
class LoadedScenario:
    """A parsed scenario file with its agreement, ready to run; `errors` are those found without running it."""

    scenario: Scenario
    agreement: Agreement
    errors: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Supported:
    """What scenario files can use: expectation kinds, state queries and event types."""

    kinds: tuple[str, ...]
    queries: tuple[str, ...]
    event_types: tuple[str, ...]


def supported() -> Supported:
    """The expectation kinds, state queries (a domain's as `PREFIX.…`) and event types the runner knows.

    Priced triggers of an agreement (VIII) are known event types too; they depend on the agreement.
    """
    queries = FOUNDATION_QUERIES + tuple(f"{prefix}.…" for prefix in sorted(STATE_QUERIES))
    return Supported(tuple(EXPECTATION_KINDS), queries, tuple(sorted(KNOWN_EVENT_TYPES)))


def load_scenario(path: Path) -> LoadedScenario | ScenarioResult:
    """Parse a scenario file and load its agreement, without computing any expectation.

    A file that cannot be run gives its ScenarioResult (no results, the errors); errors are
    reported, never raised.
    """
    try:
        scenario = read_scenario(path, tuple(EXPECTATION_KINDS))
    except ScenarioFileError as exc:
        return ScenarioResult(str(path), "", (), tuple(str(e) for e in exc.errors))
    try:
        agreement = load_agreement(scenario.agreement)
        if scenario.overrides:
            agreement = agreement.with_overrides(scenario.overrides, source=f"{scenario.file} overrides")
            _ = agreement.terms  # validate the overrides now
    except TermsLoadError as exc:
        return ScenarioResult(scenario.file, scenario.title, (), tuple(str(e) for e in exc.errors))
    known = _known_event_types(agreement)
    unknown = tuple(
        f"{scenario.file}: event {event.id}: type: expected a known event type, got {event.type!r}"
        for event in scenario.events
        if event.type not in known
    )
    return LoadedScenario(scenario, agreement, unknown)


def run_loaded(loaded: LoadedScenario) -> ScenarioResult:
    """Compute every expectation of a loaded scenario; errors in its log are reported, never raised."""
    scenario = loaded.scenario
    ctx = Context.of(loaded.agreement, scenario.events, Path(scenario.file))
    checked = [_check(ctx, exp) for exp in scenario.expectations]
    found = (*loaded.errors, *(str(e) for e in ctx.lifecycle_errors), *(str(e) for _, errs in checked for e in errs))
    return ScenarioResult(scenario.file, scenario.title, tuple(r for r, _ in checked), tuple(dict.fromkeys(found)))


def run_scenario(path: Path) -> ScenarioResult:
    """Run one scenario file; errors in the file are reported, never raised."""
    loaded = load_scenario(path)
    return loaded if isinstance(loaded, ScenarioResult) else run_loaded(loaded)
