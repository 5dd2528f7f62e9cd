"""Deadlines by name, computed from an agreement's terms and explained clause by clause."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..calendar.deadlines import Deadlines
from ..calendar.named import NAMED_DEADLINES, compute_named_deadline
from ..explain import Explained
from ..terms.loader import Agreement
from .errors import UserError

__all__ = ["DeadlineName", "compute_named", "deadline_names"]


@dataclass(frozen=True, slots=True)
class DeadlineName:
    """A deadline one can compute by name: what it is and the clause of its rule."""

    name: str
    description: str
    clause: str


def deadline_names(agreement: Agreement) -> list[DeadlineName]:
    """Every deadline rule of the terms, then the composite deadlines, by name."""
    rules = [
        DeadlineName(name, f"{t.value.label} ({t.value.offset} {t.value.direction.value} {t.value.trigger})", t.clause)
        for name, t in sorted(agreement.terms.deadlines.items())
    ]
    return rules + [DeadlineName(name, "composite (see docs/scenarios.md)", "") for name in sorted(NAMED_DEADLINES)]


def compute_named(agreement: Agreement, name: str, spec: Mapping[str, Any]) -> Explained[Any]:
    """The deadline `name` from the inputs in `spec` (`from`, `anchor`, `method`, …), with the
    terms in force on the `from` date."""
    try:
        on = dt.date.fromisoformat(str(spec["from"])) if "from" in spec else None
    except ValueError:
        raise UserError(f"--from {spec['from']!r}: expected a date YYYY-MM-DD", field="--from") from None
    deadlines = Deadlines(agreement.terms_at(on) if on else agreement.terms)
    known = {row.name for row in deadline_names(agreement)}
    if name not in known:
        close = difflib.get_close_matches(name, sorted(known), n=3)
        hint = f"; did you mean {' or '.join(close)}?" if close else "; `icaops deadline list` lists them"
        raise UserError(f"unknown deadline {name!r}{hint}", code="not_found", field="NAME", details={"closest": close})
    try:
        return compute_named_deadline(deadlines, name, dict(spec))
    except KeyError as exc:
        raise UserError(
            f"{exc.args[0] if exc.args else exc}: give the options this deadline needs (icaops deadline --help)",
            field=name,
        ) from None
    except ValueError as exc:
        raise UserError(str(exc), field=name) from None
