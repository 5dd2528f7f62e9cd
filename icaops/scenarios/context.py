"""What a scenario's expectations are computed from, and what computing one gives back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from ..calendar.deadlines import Deadlines
from ..explain import Explained
from ..relationship import lifecycle
from ..relationship.events import Event, EventError
from ..terms.loader import Agreement
from ..terms.schema import Terms
from .model import Expectation

__all__ = ["Answer", "Context", "Handler", "Memo", "StateQuery"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Answer:
    """An expectation's explained value, with the errors in the event log found computing it."""

    explained: Explained[Any]
    errors: tuple[EventError, ...] = ()


class Memo:
    """Values computed once per scenario run, by a hashable key (e.g. the traffic check as of a date).

    Several expectations of one file ask the same costly question; the memo lives and dies
    with its Context, so nothing outlives the run or is keyed by object identity.
    """

    __slots__ = ("_values",)

    def __init__(self) -> None:
        self._values: dict[Hashable, Any] = {}

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value under `key`, computed by `compute()` the first time it is asked for."""
        if key not in self._values:
            self._values[key] = compute()
        value: T = self._values[key]
        return value


@dataclass(frozen=True, slots=True)
class Context:
    """What a scenario's expectations are computed from: the agreement, the event log and its lifecycle."""

    agreement: Agreement
    events: tuple[Event, ...]
    lifecycle: lifecycle.Lifecycle
    lifecycle_errors: tuple[EventError, ...] = ()
    memo: Memo = field(default_factory=Memo, compare=False, repr=False)
    source: Path | None = None  # the scenario file, so that files it names resolve beside it

    @classmethod
    def of(cls, agreement: Agreement, events: tuple[Event, ...], source: Path | None = None) -> Context:
        """The context of a log: its lifecycle folded once, with the errors the fold found."""
        state, errors = lifecycle.fold(events, Deadlines(agreement.terms))
        return cls(agreement, events, state, tuple(errors), source=source)

    @property
    def terms(self) -> Terms:
        """The terms with every layer applied."""
        return self.agreement.terms

    def deadlines(self, on: dt.date | None = None) -> Deadlines:
        """Deadline functions for the terms in force on `on` (all layers if None)."""
        return Deadlines(self.agreement.terms_at(on) if on else self.agreement.terms)

    def last_event_date(self) -> dt.date | None:
        """The date of the log's last event, if there is one."""
        return self.events[-1].date if self.events else None


Handler = Callable[[Context, Expectation], Answer]
"""How one kind of `expect:` entry is computed."""

StateQuery = Callable[[Context, str, dt.date], Answer]
"""How `state: PREFIX.…` names are answered, for one prefix (the name is given whole)."""
