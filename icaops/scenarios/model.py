"""A scenario file as data: agreement, overrides, events, expectations (docs/scenarios.md)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..relationship.events import Event, EventError, event_from_mapping, ordered_log
from ..terms.errors import TermsError
from ..terms.yamlsource import read_yaml

__all__ = ["Expectation", "Scenario", "ScenarioFileError", "read_scenario"]


@dataclass(frozen=True, slots=True)
class Expectation:
    """One expected value: its kind, its subject (deadline name, term key, query...), the rest."""

    index: int
    kind: str
    subject: Any
    spec: Mapping[str, Any]
    line: int | None

    def label(self) -> str:
        """A short name for reports: `deadline bill_due_date from 2012-08-04`."""
        extra = " ".join(f"{k}={v}" for k, v in self.spec.items() if k not in ("equals", "cites", "note"))
        return f"{self.kind} {self.subject}" + (f" ({extra})" if extra else "")


@dataclass(frozen=True, slots=True)
class Scenario:
    """A parsed scenario file."""

    file: str
    title: str
    description: str
    agreement: str
    overrides: Mapping[str, Any]
    events: tuple[Event, ...]
    expectations: tuple[Expectation, ...]


class ScenarioFileError(Exception):
    """A scenario file that cannot be run; carries every error found."""

    def __init__(self, errors: Sequence[TermsError | EventError]):
        self.errors = tuple(errors)
        super().__init__("\n".join(str(e) for e in errors))


def read_scenario(path: Path, kinds: tuple[str, ...]) -> Scenario:
    """Parse and check a scenario file whose expectations are of `kinds`; raise ScenarioFileError naming file, line and key."""
    doc, errors = read_yaml(path, str(path))
    if doc is None:
        raise ScenarioFileError(errors)
    data = doc.data
    errs: list[TermsError | EventError] = list(errors)
    if not isinstance(data, dict):
        raise ScenarioFileError([TermsError(doc.file, 1, "", "a mapping with scenario, agreement and expect")])
    for key in ("scenario", "agreement", "expect"):
        if key not in data:
            errs.append(TermsError(doc.file, 1, key, f"a top-level key {key!r}"))
    unknown = set(data) - {"scenario", "description", "agreement", "clauses", "overrides", "events", "expect"}
    for key in sorted(unknown):
        errs.append(TermsError(doc.file, doc.lines.get((key,)), key, "no such top-level key (see docs/scenarios.md)"))
    raw_events = data.get("events") or []
    events: list[Event] = []
    for i, raw in enumerate(raw_events):
        ev = event_from_mapping(raw, i, f"{doc.file}:{doc.lines.get(('events', i), '?')}")
        if isinstance(ev, EventError):
            errs.append(ev)
        else:
            events.append(ev)
    log, dup_errors = ordered_log(events, doc.file)
    errs += dup_errors
    expectations = []
    for i, raw in enumerate(data.get("expect") or []):
        line = doc.lines.get(("expect", i))
        kind = next((k for k in (raw or {}) if k in kinds), None) if isinstance(raw, dict) else None
        if kind is None:
            errs.append(
                TermsError(doc.file, line, f"expect[{i}]", f"a mapping whose first key is one of {', '.join(kinds)}")
            )
            continue
        if "equals" not in raw:
            errs.append(TermsError(doc.file, line, f"expect[{i}].equals", "the expected value"))
            continue
        spec = {k: v for k, v in raw.items() if k != kind}
        expectations.append(Expectation(i, kind, raw[kind], spec, line))
    if not expectations and "expect" in data:
        errs.append(TermsError(doc.file, doc.lines.get(("expect",)), "expect", "at least one expectation"))
    if errs:
        raise ScenarioFileError(errs)
    return Scenario(
        file=doc.file,
        title=str(data["scenario"]),
        description=str(data.get("description") or ""),
        agreement=str(data["agreement"]),
        overrides=dict(data.get("overrides") or {}),
        events=log,
        expectations=tuple(expectations),
    )
