"""Trouble-ticket events and queries for scenario files: `state: ticket.ID.QUERY` /
`state: tickets.QUERY` as of the end of the day `on`, and the kind `ticket: QUERY` as of a
moment `at` (an aware timestamp), for ages and escalation levels by the hour."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from types import MappingProxyType

from ..maintenance.fold import TICKET_EVENTS, Refused, moment_of
from ..maintenance.model import INPUT_CODES
from ..maintenance.queries import answer
from ..relationship.events import EventError
from .context import Answer, Context, Handler, StateQuery
from .model import Expectation

__all__ = ["MAINTENANCE_EVENTS", "MAINTENANCE_KINDS", "MAINTENANCE_QUERIES", "ticket_state"]


def _answer(ctx: Context, name: str, at: dt.datetime) -> Answer:
    terms = ctx.agreement.terms_at(at.date())
    explained, refusals = answer(ctx.events, name, at, terms)
    # Refusals under the agreement are state (queried by `refusals`); malformed input is an error of the log.
    errors = tuple(EventError("log", r.event, r.field, r.message) for r in refusals if r.code in INPUT_CODES)
    return Answer(explained, errors)


def ticket_state(ctx: Context, name: str, on: dt.date) -> Answer:
    """Answer a trouble-ticket query as of the end of the day `on` (midnight, agreement time)."""
    zone = ctx.deadlines(on).cal.zone
    end = dt.datetime.combine(on + dt.timedelta(days=1), dt.time(0), tzinfo=zone) - dt.timedelta(microseconds=1)
    return _answer(ctx, name, end)


def _ticket_at(ctx: Context, exp: Expectation) -> Answer:
    raw = exp.spec.get("at")
    if raw is None:
        raise ValueError("ticket: give `at`, an aware timestamp such as 2013-03-04T09:15:00-06:00")
    try:
        at = moment_of(raw, ctx.deadlines().cal.zone)
    except Refused as exc:
        raise ValueError(f"at: expected {exc.message}") from None
    return _answer(ctx, str(exp.subject), at)


MAINTENANCE_QUERIES: Mapping[str, StateQuery] = MappingProxyType({"ticket": ticket_state, "tickets": ticket_state})
"""State queries by the first segment of their name."""

MAINTENANCE_KINDS: Mapping[str, Handler] = MappingProxyType({"ticket": _ticket_at})
"""`ticket: QUERY` with `at`: a trouble-ticket query as of a moment."""

MAINTENANCE_EVENTS: tuple[str, ...] = tuple(TICKET_EVENTS)
"""Event types the trouble-ticket fold reads."""
