"""Explained values: every computed date or amount carries the steps and clauses behind it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

__all__ = ["Explained", "Step"]

T_co = TypeVar("T_co", covariant=True)
U = TypeVar("U")


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a computation: what was done, and the clause that says so."""

    text: str
    clause: str | None = None

    def render(self) -> str:
        """The step as one line, with its clause in brackets."""
        return f"{self.text} [{self.clause}]" if self.clause else self.text


@dataclass(frozen=True, slots=True)
class Explained(Generic[T_co]):
    """A value together with the ordered steps that produced it."""

    value: T_co
    steps: tuple[Step, ...] = field(default=())

    @property
    def clauses(self) -> tuple[str, ...]:
        """The distinct clause ids cited, in order of first use."""
        seen: dict[str, None] = {}
        for step in self.steps:
            if step.clause:
                seen.setdefault(step.clause, None)
        return tuple(seen)

    def then(self, value: U, text: str, clause: str | None = None) -> Explained[U]:
        """A new result: this one's steps plus one more, with a new value."""
        return Explained(value, self.steps + (Step(text, clause),))

    def with_steps(self, *steps: Step) -> Explained[T_co]:
        """The same value with further steps appended."""
        return Explained(self.value, self.steps + tuple(steps))

    def render(self) -> str:
        """The explanation as numbered lines."""
        return "\n".join(f"{i}. {s.render()}" for i, s in enumerate(self.steps, 1))

    def as_dict(self) -> dict:
        """A JSON-ready form: value (as str), steps and clauses."""
        return {
            "value": None if self.value is None else str(self.value),
            "steps": [{"text": s.text, "clause": s.clause} for s in self.steps],
            "clauses": list(self.clauses),
        }
