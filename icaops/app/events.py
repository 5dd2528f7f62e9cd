"""Events at the door: every event type's schema in one table, and the checks a file of events
passes before any of it is stored (docs/events.md).

Each domain owns the schemas of its event types; this table joins them. An event type a
price's trigger names (VIII) is known through the terms and has billing's `PricedEvent`
schema, its choice fields being the triggers' keys. A file's events are checked together:
each against its schema, each account against those opened (in the log or earlier in the
file); a file with any refusal is stored not at all.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel, ValidationError

from ..billing.event_schemas import BILLING_EVENT_SCHEMAS, PRICED_EVENT_SCHEMAS, PricedEvent
from ..cpni.event_schemas import CPNI_EVENT_SCHEMAS
from ..directory.event_schemas import DIRECTORY_EVENT_SCHEMAS
from ..maintenance.event_schemas import MAINTENANCE_EVENT_SCHEMAS
from ..obligations.event_schemas import OBLIGATION_EVENT_SCHEMAS
from ..orders.event_schemas import ORDER_EVENT_SCHEMAS
from ..relationship.event_schemas import LIFECYCLE_EVENT_SCHEMAS
from ..relationship.events import EventError
from ..terms.schema import Terms
from ..terms.yamlsource import SourceDoc, read_yaml
from ..traffic.event_schemas import TRAFFIC_CALL_SCHEMAS, USAGE_FILE_SCHEMAS
from ..traffic.providers.event_schemas import PROVIDER_EVENT_SCHEMAS
from .errors import UserError

__all__ = ["EVENT_SCHEMAS", "EventFile", "Where", "check_events", "priced_types", "read_event_file", "schema_for"]

EVENT_SCHEMAS: Mapping[str, type[BaseModel]] = MappingProxyType(
    {
        **LIFECYCLE_EVENT_SCHEMAS,
        **BILLING_EVENT_SCHEMAS,
        **PROVIDER_EVENT_SCHEMAS,
        **TRAFFIC_CALL_SCHEMAS,
        **USAGE_FILE_SCHEMAS,
        **MAINTENANCE_EVENT_SCHEMAS,
        **CPNI_EVENT_SCHEMAS,
        **DIRECTORY_EVENT_SCHEMAS,
        **ORDER_EVENT_SCHEMAS,
        **OBLIGATION_EVENT_SCHEMAS,
        # a CSR search is priced (VIII) and is also pre-ordering activity (III.2.2.1)
        "csr.searched": PricedEvent,
    }
)
"""The schema of every event type the system reads (the scenario runner's KNOWN_EVENT_TYPES)."""

OPENS_ACCOUNT = "billing.account_opened"

Where = Callable[[int, str | None], str]
"""`where(index, field)`: the `file:line` of an event (or of one of its fields)."""


@dataclass(frozen=True, slots=True)
class EventFile:
    """A file's raw events, and the line each event and field starts on (YAML; JSON has none)."""

    path: Path
    events: tuple[Any, ...]
    doc: SourceDoc | None = None
    prefix: tuple[str | int, ...] = ()

    def where(self, index: int, field: str | None = None) -> str:
        """`file:line` of the event at `index` (0-based), or of its `field`."""
        if self.doc is None:
            return str(self.path)
        return self.doc.where(self.prefix + (index,) + ((field,) if field else ()))


def read_event_file(path: Path) -> EventFile:
    """Raw events from a YAML or JSON file: a list of events, or a mapping with `events:`.
    A file that is missing, unreadable or of another shape is a `UserError` naming it."""
    if not path.is_file():
        raise UserError(f"{path}: no such file", code="not_found", field="FILES")
    doc = None
    try:
        if path.suffix == ".json":
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except json.JSONDecodeError as exc:
                raise UserError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}", field="FILES") from None
        else:
            doc, errors = read_yaml(path)
            if errors or doc is None:
                raise UserError(f"{path}: not a valid YAML file", field="FILES", details=tuple(str(e) for e in errors))
            data = doc.data
    except FileNotFoundError:
        raise UserError(f"{path}: no such file", code="not_found", field="FILES") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: cannot be read: {exc}", field="FILES") from None
    prefix: tuple[str | int, ...] = ()
    if isinstance(data, Mapping):
        data, prefix = data.get("events"), ("events",)
    if not isinstance(data, list):
        raise UserError(f"{path}: expected a list of events or a mapping with `events:`", field="FILES")
    return EventFile(path, tuple(data), doc, prefix)


def priced_types(terms: Terms) -> Mapping[str, frozenset[str]]:
    """Event types the price list charges (VIII), each with the choice fields its triggers name."""
    fields: dict[str, set[str]] = {}
    for term in terms.prices.values():
        trigger = term.value.trigger or {}
        if "event" in trigger:
            fields.setdefault(str(trigger["event"]), set()).update(
                k for k in trigger if k not in ("event", "first_order")
            )
    return MappingProxyType({t: frozenset(f) for t, f in fields.items()})


def schema_for(event_type: str, terms: Terms) -> type[BaseModel] | None:
    """The schema of an event type: its domain's, or `PricedEvent` for a type only the prices name."""
    schema = EVENT_SCHEMAS.get(event_type)
    if schema is None and event_type in priced_types(terms):
        return PRICED_EVENT_SCHEMAS.get(event_type, PricedEvent)
    return schema


def check_events(
    raw: Sequence[Any], terms: Terms, opened: frozenset[str], source: str, where: Where | None = None
) -> list[EventError]:
    """Every refusal of a batch of raw events (a file): each event against its type's schema,
    and each account against those `opened` in the log or by an earlier event of the batch."""
    at = where or (lambda index, field: source)
    known = set(opened)
    errors: list[EventError] = []
    for index, item in enumerate(raw):
        label = _label(item, index)
        problems = _problems(item, terms)
        if not problems and isinstance(item, Mapping):
            account = item.get("account")
            if item.get("type") == OPENS_ACCOUNT:
                known.add(str(account))
            elif account is not None and account not in known:
                problems = [
                    (
                        "account",
                        f"an account opened in the log or earlier in the file by {OPENS_ACCOUNT} "
                        f"(known: {', '.join(sorted(known)) or 'none'}), got {account!r}",
                    )
                ]
        errors += [EventError(at(index, field or None), label, field, expected) for field, expected in problems]
    return errors


def _label(item: Any, index: int) -> str:
    if isinstance(item, Mapping) and isinstance(item.get("id"), (str, int)) and item.get("id") != "":
        return str(item["id"])
    return f"#{index + 1}"


def _problems(item: Any, terms: Terms) -> list[tuple[str, str]]:
    """(field, what was expected) for each thing wrong with one raw event."""
    if not isinstance(item, Mapping):
        return [("", f"a mapping with id, date and type, got {item!r}")]
    event_type = item.get("type")
    if not isinstance(event_type, str) or not event_type:
        return [("type", "an event type such as payment.received")]
    schema = schema_for(event_type, terms)
    if schema is None:
        known = sorted(set(EVENT_SCHEMAS) | set(priced_types(terms)))
        close = difflib.get_close_matches(event_type, known, n=1)
        hint = f"did you mean {close[0]}?" if close else f"one of: {', '.join(known)}"
        return [("type", f"a known event type ({hint}), got {event_type!r}")]
    try:
        model = schema.model_validate(item, context={"money_scale": terms.money.scale.value})
    except ValidationError as exc:
        return [_problem(error, event_type, schema) for error in exc.errors(include_url=False)]
    if isinstance(model, PricedEvent):
        allowed = priced_types(terms)[event_type]
        return [
            (k, _unknown_field(k, event_type, set(type(model).model_fields) | allowed))
            for k in sorted(model.model_extra or {})
            if k not in allowed
        ]
    return []


def _problem(error: Mapping[str, Any], event_type: str, schema: type[BaseModel]) -> tuple[str, str]:
    field = ".".join(str(p) for p in error["loc"])
    kind, ctx, got = error["type"], error.get("ctx") or {}, error.get("input")
    if kind == "missing":
        return field, "this field to be present"
    if kind == "extra_forbidden":
        return field, _unknown_field(field, event_type, set(schema.model_fields))
    if kind == "value_error":
        return field, str(ctx.get("error", error["msg"]))
    shown = got.isoformat() if isinstance(got, (dt.date, dt.datetime)) else repr(got)
    shown = shown if len(shown) <= 60 else f"{shown[:57]}... ({len(got) if isinstance(got, str) else '?'} characters)"
    expected = _EXPECTED.get(kind)
    if expected is None:
        message = str(error["msg"])
        return field, f"{message[0].lower()}{message[1:]}, got {shown}"
    return field, f"{expected.format(**ctx)}, got {shown}"


# What was expected, by Pydantic's error type (its context fills the braces).
_EXPECTED: Mapping[str, str] = MappingProxyType(
    {
        "int_type": "a whole number",
        "int_parsing": "a whole number",
        "int_from_float": "a whole number",
        "bool_type": "true or false",
        "bool_parsing": "true or false",
        "string_type": "text (quote it in YAML)",
        "literal_error": "one of {expected}",
        "string_too_long": "at most {max_length} characters",
        "string_too_short": "a value of at least {min_length} character(s)",
        "string_pattern_mismatch": "text matching {pattern}",
        "greater_than_equal": "at least {ge}",
        "less_than_equal": "at most {le}",
        "greater_than": "more than {gt}",
        "less_than": "less than {lt}",
        "decimal_max_places": "at most {decimal_places} decimal places",
        "decimal_max_digits": "at most {max_digits} digits",
        "dict_type": "a mapping",
        "mapping_type": "a mapping",
        "model_type": "a mapping",
        "model_attributes_type": "a mapping",
        "tuple_type": "a list",
        "list_type": "a list",
    }
)


def _unknown_field(name: str, event_type: str, fields: set[str]) -> str:
    close = difflib.get_close_matches(name, sorted(fields), n=1)
    hint = f"did you mean {close[0]}? " if close else ""
    return f"no field {name!r} on {event_type} ({hint}its fields: {', '.join(sorted(fields))})"
