"""The obligations' own events: acts that discharge an obligation no other fold records, and waivers.

One handler per event type in a literal table, `(state, event) -> (state, errors)`: the first
act of a type for an earlier record (a notice) counts, a repeat changes nothing; a waiver names
the obligation it waives (`obligation.waived`, III.52: only an express waiver waives).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from ..relationship.events import Event
from .model import PARTIES, Fulfilment, ObligationError

__all__ = ["ACT_EVENTS", "Acts", "Waiver", "fold_acts"]


@dataclass(frozen=True, slots=True)
class Waiver:
    """An express waiver of one obligation by a party (III.52)."""

    event: str
    on: dt.date
    by: str
    obligation: str


def _empty() -> Mapping:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Acts:
    """Per act type, the first act for each record it refers to; and the waivers by obligation id."""

    done: Mapping[str, Mapping[str, Fulfilment]] = field(default_factory=_empty)
    waivers: Mapping[str, Waiver] = field(default_factory=_empty)

    def of(self, act: str, refers_to: str) -> Fulfilment | None:
        """The act of type `act` for the record `refers_to`, if one was recorded."""
        return self.done.get(act, MappingProxyType({})).get(refers_to)


Outcome = tuple[Acts, tuple[ObligationError, ...]]


def _missing(e: Event, key: str) -> tuple[ObligationError, ...]:
    return (ObligationError("field_missing", e.id, key, "this field to be present"),)


def _act(text: str) -> Callable[[Acts, Event], Outcome]:
    def record(state: Acts, e: Event) -> Outcome:
        ref = e.get("refers_to")
        if ref is None:
            return state, _missing(e, "refers_to")
        mine = state.done.get(e.type, MappingProxyType({}))
        if str(ref) in mine:
            return state, ()  # the first act counts; a later one changes nothing
        done = Fulfilment(e.id, e.date, text)
        table = MappingProxyType({**mine, str(ref): done})
        return replace(state, done=MappingProxyType({**state.done, e.type: table})), ()

    return record


def _waived(state: Acts, e: Event) -> Outcome:
    ref, by = e.get("refers_to"), e.get("by")
    if ref is None:
        return state, _missing(e, "refers_to")
    if by not in PARTIES:
        return state, (ObligationError("party_invalid", e.id, "by", f"one of {', '.join(PARTIES)}", "III.52"),)
    if str(ref) in state.waivers:
        return state, ()
    waiver = Waiver(e.id, e.date, str(by), str(ref))
    return replace(state, waivers=MappingProxyType({**state.waivers, str(ref): waiver})), ()


ACT_EVENTS: Mapping[str, Callable[[Acts, Event], Outcome]] = MappingProxyType(
    {
        "audit.commenced": _act("the audit commenced"),
        "audit.completed": _act("the audit was completed"),
        "dispute.representative_designated": _act("a representative was designated"),
        "dispute.meeting_held": _act("the representatives met"),
        "unauthorized_change.documented": _act("written authorization of the End User provided"),
        "unauthorized_change.switch_back_directed": _act(
            "the change back directed, records provided and the End User notified"
        ),
        "obligation.waived": _waived,
    }
)
"""The obligations' own event types, one handler each."""


def fold_acts(events: tuple[Event, ...]) -> tuple[Acts, tuple[ObligationError, ...]]:
    """The acts and waivers of the log (in log order); events of other domains are skipped."""
    state = Acts()
    errors: list[ObligationError] = []
    for e in events:
        handler = ACT_EVENTS.get(e.type)
        if handler is not None:
            state, found = handler(state, e)
            errors += found
    return state, tuple(errors)
