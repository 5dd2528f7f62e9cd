"""Dated events: the only input to state. Replaying a log gives the same state; a repeat is a no-op."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Event", "EventError", "event_from_mapping", "ordered_log"]


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happened between the parties on a date."""

    id: str
    date: dt.date
    type: str
    data: tuple[tuple[str, Any], ...] = ()
    seq: int = 0  # position in its source, to keep same-day events in order

    def get(self, key: str, default: Any = None) -> Any:
        """A field of the event's data."""
        for k, v in self.data:
            if k == key:
                return v
        return default

    def require(self, key: str) -> Any:
        """A field that must be present; a missing one is an input error, named."""
        value = self.get(key)
        if value is None:
            raise EventInputError(self, key, "this field to be present")
        return value

    def fingerprint(self) -> str:
        """A hash of what the event says (not where it was read), for idempotency checks."""
        body = json.dumps([self.date.isoformat(), self.type, sorted(self.data)], default=str)
        return hashlib.sha256(body.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class EventError:
    """An event that could not be used, with where it came from and what was expected."""

    source: str
    event: str
    field: str
    expected: str

    def __str__(self) -> str:
        return f"{self.source}: event {self.event}: {self.field}: expected {self.expected}"


class EventInputError(Exception):
    """Raised inside a reducer for an event field that is missing or wrong."""

    def __init__(self, event: Event, field: str, expected: str):
        self.event, self.field, self.expected = event, field, expected
        super().__init__(f"event {event.id}: {field}: expected {expected}")


def event_from_mapping(
    raw: Mapping[str, Any], seq: int, source: str, position: int | None = None
) -> Event | EventError:
    """An Event from a scenario/API mapping, or the error naming what is wrong.

    An event without an id is named `#N`, its place in its file (`position`, 0-based; `seq`
    when not given), not its place in the whole log."""
    place = f"#{(seq if position is None else position) + 1}"
    label = str(raw.get("id") or place) if isinstance(raw, Mapping) else place
    if not isinstance(raw, Mapping):
        return EventError(source, label, "", "a mapping with id, date and type")
    date = raw.get("date")
    if isinstance(date, str):
        with contextlib.suppress(ValueError):
            date = dt.date.fromisoformat(date)
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        return EventError(source, label, "date", f"an ISO date such as 2012-08-04, got {raw.get('date')!r}")
    etype = raw.get("type")
    if not isinstance(etype, str) or not etype:
        return EventError(source, label, "type", "an event type such as notice.given")
    data = tuple(sorted((k, v) for k, v in raw.items() if k not in ("id", "date", "type")))
    event = Event(id="", date=date, type=etype, data=data, seq=seq)
    return Event(id=str(raw.get("id") or event.fingerprint()[:16]), date=date, type=etype, data=data, seq=seq)


def ordered_log(events: Iterable[Event], source: str = "log") -> tuple[tuple[Event, ...], list[EventError]]:
    """The events in date order, each id once: a repeat of an event is dropped, a conflicting reuse of an id is an error."""
    seen: dict[str, Event] = {}
    errors: list[EventError] = []
    for event in events:
        first = seen.get(event.id)
        if first is None:
            seen[event.id] = event
        elif first.fingerprint() != event.fingerprint():
            errors.append(
                EventError(
                    source, event.id, "id", f"a unique id (already used by the {first.type} event of {first.date})"
                )
            )
    return tuple(sorted(seen.values(), key=lambda e: (e.date, e.seq))), errors
