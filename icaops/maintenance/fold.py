"""The trouble-ticket fold: one handler per event type, `(state, event, terms) -> state`,
refusals raised as `Refused` and kept as `TicketError` values with a stable code (model.CODES).

Every ticket event carries `at`, an aware timestamp on the event's date in the agreement's
time zone (calendar.timezone, II.2.10); moments are kept in that zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from ..calendar.business import BusinessCalendar
from ..relationship.events import Event
from ..terms.schema import Terms
from .aging import level_due
from .charges import TimeAndMaterials, charge_for
from .model import (
    CAUSES,
    FINDINGS,
    LOCATIONS,
    OPEN,
    Dispatch,
    DispatchRequest,
    EscalationLevel,
    Procedures,
    Ticket,
    TicketError,
    Tickets,
)

__all__ = ["TICKET_EVENTS", "Kept", "Refused", "as_of", "fold", "moment_of", "received_at", "utc"]


class Refused(Exception):
    """Raised by a handler: the event is refused with `code` (model.CODES)."""

    def __init__(self, code: str, field: str, message: str, clause: str | None = None):
        super().__init__(message)
        self.code, self.field, self.message, self.clause = code, field, message, clause


def utc(moment: dt.datetime) -> dt.datetime:
    """The moment in UTC: Python compares two datetimes of one zone by wall clock, wrong in the
    hour repeated when daylight time ends."""
    return moment.astimezone(dt.UTC)


def _zone(terms: Terms) -> ZoneInfo:
    return ZoneInfo(terms.calendar.timezone.value)


def moment_of(value: Any, zone: ZoneInfo, what: str = "at") -> dt.datetime:
    """An aware timestamp (a datetime or ISO text with its UTC offset) in `zone`; Refused otherwise."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            raise Refused(
                "field_invalid", what, f"an ISO timestamp such as 2013-03-04T09:15:00-06:00, got {value!r}"
            ) from None
    if not isinstance(value, dt.datetime):
        raise Refused("field_invalid", what, f"an ISO timestamp such as 2013-03-04T09:15:00-06:00, got {value!r}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise Refused(
            "field_invalid", what, f"a timestamp with its UTC offset (timezone-aware), got {value.isoformat()}"
        )
    return value.astimezone(zone)


def _at(e: Event, terms: Terms) -> dt.datetime:
    raw = e.get("at")
    if raw is None:
        raise Refused("field_missing", "at", "the time of the event (an aware timestamp)")
    moment = moment_of(raw, _zone(terms))
    if moment.date() != e.date:
        raise Refused(
            "field_invalid",
            "at",
            f"a time on the event's date {e.date.isoformat()} in {terms.calendar.timezone.value}, got {moment.isoformat()}",
            terms.calendar.timezone.clause,
        )
    return moment


def _text(e: Event, key: str, required: bool = False) -> str | None:
    value = e.get(key)
    if value is None:
        if required:
            raise Refused("field_missing", key, "this field to be present")
        return None
    if not isinstance(value, str) or not value:
        raise Refused("field_invalid", key, f"text, got {value!r}")
    return value


def _choice(e: Event, key: str, allowed: tuple[str, ...], default: str | None = None) -> str:
    value = e.get(key, default)
    if value is None:
        raise Refused("field_missing", key, f"one of {', '.join(allowed)}")
    if value not in allowed:
        raise Refused("field_invalid", key, f"one of {', '.join(allowed)}, got {value!r}")
    return str(value)


def _decimal(e: Event, key: str, value: Any = None) -> Decimal | None:
    value = e.get(key) if value is None else value
    if value is None:
        return None
    if isinstance(value, (bool, float)):
        raise Refused("field_invalid", key, f'a decimal string such as "45.00", got {value!r}')
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise Refused("field_invalid", key, f'a decimal string such as "45.00", got {value!r}') from None
    if amount < 0:
        raise Refused("field_invalid", key, f"zero or more, got {value!r}")
    return amount


def received_at(reported: dt.datetime, terms: Terms) -> tuple[dt.datetime, str]:
    """When a report counts as received, and why: at once while the SPOC answers around the
    clock (V.2.2), else at the start of the next Business Day hours (II.2.10)."""
    spoc = terms.maintenance.spoc_always_answered
    if spoc.value:
        return reported, "the SPOC is answered 24 hours a day, 7 days a week: received when reported"
    cal = BusinessCalendar(terms.calendar)
    if cal.within_business_hours(reported):
        return reported, "reported within Business Day hours"
    hours = terms.calendar.business_hours.value
    day = reported.date()
    if not (cal.is_business_day(day) and reported.time() < hours.start):
        day = cal.next_business_day(day, include_today=False)
    start = dt.datetime.combine(day, hours.start, tzinfo=reported.tzinfo)
    return start, "reported outside Business Day hours: received when they next begin"


def _ticket(state: Tickets, e: Event) -> Ticket:
    tid = _text(e, "ticket", required=True)
    assert tid is not None
    ticket = state.tickets.get(tid)
    if ticket is None:
        raise Refused("ticket_unknown", "ticket", f"no ticket {tid!r} was reported")
    account = e.get("account")
    if account is not None and account != ticket.account:
        raise Refused("account_mismatch", "account", f"ticket {tid} is of account {ticket.account}, got {account!r}")
    return ticket


def _bill_to(e: Event, terms: Terms) -> None:
    billed = terms.maintenance.charges_billed_to
    value = e.get("bill_to")
    if value is not None and value != billed.value:
        raise Refused(
            "bill_to_end_user", "bill_to", f"charges are billed to the {billed.value}, got {value!r}", billed.clause
        )


def _move(ticket: Ticket, e: Event, at: dt.datetime, status: str, allowed: Iterable[str], **changes: Any) -> Ticket:
    if ticket.status not in allowed:
        raise Refused(
            "transition_invalid",
            "type",
            f"ticket {ticket.id} is {ticket.status}: {e.type} needs it {' or '.join(sorted(allowed))}",
        )
    if ticket.last_at is not None and utc(at) < utc(ticket.last_at):
        raise Refused("out_of_order", "at", f"a time not before the ticket's last event ({ticket.last_at.isoformat()})")
    return replace(ticket, status=status, last_at=at, history=ticket.history + ((at, status, e.id),), **changes)


def _put(state: Tickets, ticket: Ticket) -> Tickets:
    return replace(state, tickets=MappingProxyType({**state.tickets, ticket.id: ticket}))


def _reported(state: Tickets, e: Event, terms: Terms) -> Tickets:
    tid = _text(e, "ticket", required=True)
    assert tid is not None
    if tid in state.tickets:
        raise Refused("ticket_duplicate", "ticket", f"ticket {tid} was already reported")
    at = _at(e, terms)
    account = _text(e, "account", required=True)
    assert account is not None
    tsp = e.get("tsp_priority")
    if tsp is not None and (not isinstance(tsp, int) or isinstance(tsp, bool) or not 1 <= tsp <= 5):
        raise Refused("field_invalid", "tsp_priority", f"a TSP restoration priority from 1 to 5, got {tsp!r}")
    received, _ = received_at(at, terms)
    ticket = Ticket(
        tid,
        account,
        "acknowledged",
        at,
        received,
        wtn=_text(e, "wtn"),
        trouble=_text(e, "trouble"),
        tsp_priority=tsp,
        isolation=_text(e, "isolation"),
        history=((at, "acknowledged", e.id),),
        last_at=at,
    )
    refused = _report_refusal(e, ticket, terms)
    if refused is not None:
        # The rejected ticket is kept, so that its state can be asked; the fold records the refusal.
        rejected = replace(ticket, status="rejected", ended_at=at, history=((at, "rejected", e.id),))
        raise Kept(_put(state, rejected), refused)
    return _put(state, ticket)


def _report_refusal(e: Event, ticket: Ticket, terms: Terms) -> Refused | None:
    by = e.get("by", "clec")
    if by != "clec":
        return Refused("not_from_clec", "by", f"a report from Granite (clec), got {by!r}", "V.2.1")
    try:
        _bill_to(e, terms)
    except Refused as exc:
        return exc
    isolated = terms.maintenance.trouble_isolation_required
    if isolated.value and not (e.get("isolation_attested") is True and ticket.isolation):
        return Refused(
            "isolation_not_attested",
            "isolation_attested",
            "Granite's trouble isolation attested (isolation_attested: true) with its result (isolation)",
            isolated.clause,
        )
    return None


class Kept(Exception):
    """A refusal whose state change stands: a rejected report is kept as a rejected ticket."""

    def __init__(self, state: Tickets, refused: Refused):
        super().__init__(refused.message)
        self.state, self.refused = state, refused


def _dispatch_requested(state: Tickets, e: Event, terms: Terms) -> Tickets:
    ticket = _ticket(state, e)
    at = _at(e, terms)
    _bill_to(e, terms)
    appointment = e.get("appointment")
    request = DispatchRequest(
        e.id,
        at,
        _choice(e, "location", LOCATIONS),
        moment_of(appointment, _zone(terms), "appointment") if appointment is not None else None,
        _text(e, "contact"),
    )
    return _put(state, _move(ticket, e, at, "inProgress", OPEN, request=request))


def _dispatched(state: Tickets, e: Event, terms: Terms) -> Tickets:
    ticket = _ticket(state, e)
    at = _at(e, terms)
    request = ticket.request
    location = _choice(e, "location", LOCATIONS, request.location if request else None)
    if request is None and location == "out":
        raise Refused(
            "dispatch_not_requested",
            "location",
            "a dispatch to the End User's premises pursuant to a request received from Granite",
            "V.6.2",
        )
    if request is not None and request.location != location:
        request = None  # a dispatch elsewhere than requested is not the requested dispatch
    dispatch = Dispatch(_text(e, "dispatch") or e.id, at, location, request)
    moved = _move(ticket, e, at, "inProgress", OPEN, request=None, dispatches=ticket.dispatches + (dispatch,))
    return _put(state, moved)


def _tm(e: Event, value: Any) -> TimeAndMaterials | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise Refused("field_invalid", "time_and_materials", "a mapping with hours, hourly_rate and materials")
    hours = _decimal(e, "time_and_materials.hours", value.get("hours"))
    rate = _decimal(e, "time_and_materials.hourly_rate", value.get("hourly_rate"))
    if hours is None or rate is None:
        raise Refused("field_missing", "time_and_materials", "hours and hourly_rate")
    materials = _decimal(e, "time_and_materials.materials", value.get("materials")) or Decimal(0)
    return TimeAndMaterials(hours, rate, materials)


def _dispatch_completed(state: Tickets, e: Event, terms: Terms) -> Tickets:
    ticket = _ticket(state, e)
    at = _at(e, terms)
    _bill_to(e, terms)
    open_ = [d for d in ticket.dispatches if d.completed_at is None]
    if not open_:
        raise Refused("no_dispatch_outstanding", "ticket", f"a dispatch of ticket {ticket.id} awaiting its finding")
    finding = _choice(e, "finding", FINDINGS)
    erroneous = e.get("erroneous", False)
    if not isinstance(erroneous, bool):
        raise Refused("field_invalid", "erroneous", f"true or false, got {erroneous!r}")
    done = replace(open_[-1], finding=finding, erroneous=erroneous, completed_at=at)
    status = "pending" if finding == "customer_not_available" else "inProgress"  # V.6.4: Granite reschedules
    moved = _move(
        ticket, e, at, status, OPEN, dispatches=tuple(done if d.id == done.id else d for d in ticket.dispatches)
    )
    charge = charge_for(moved, done, terms, _decimal(e, "tariff_amount"), _tm(e, e.get("time_and_materials")))
    return replace(_put(state, moved), charges=state.charges + (charge,))


def _time_and_materials(state: Tickets, e: Event, terms: Terms) -> Tickets:
    ticket = _ticket(state, e)
    fallback = terms.maintenance.time_and_materials_fallback
    wanted = _text(e, "dispatch")
    pending = [
        c for c in state.charges if c.ticket == ticket.id and c.status == "pending" and wanted in (None, c.dispatch)
    ]
    if not pending:
        raise Refused(
            "no_charge_pending",
            "ticket",
            f"a dispatch charge of ticket {ticket.id} awaiting Time and Materials",
            fallback.clause,
        )
    charge = pending[0]
    tm = _tm(e, {k: e.get(k) for k in ("hours", "hourly_rate", "materials")})
    dispatch = next(d for d in ticket.dispatches if d.id == charge.dispatch)
    done = charge_for(ticket, dispatch, terms, None, tm)
    return replace(state, charges=tuple(done if c is charge else c for c in state.charges))


def _simple(status: str, allowed: frozenset[str], **fixed: Any) -> Callable[[Tickets, Event, Terms], Tickets]:
    def handler(state: Tickets, e: Event, terms: Terms) -> Tickets:
        ticket = _ticket(state, e)
        at = _at(e, terms)
        changes = {k: (at if v == "at" else v) for k, v in fixed.items()}
        return _put(state, _move(ticket, e, at, status, allowed, **changes))

    return handler


def _resolved(state: Tickets, e: Event, terms: Terms) -> Tickets:
    ticket = _ticket(state, e)
    at = _at(e, terms)
    cause = _choice(e, "cause", CAUSES)
    if e.get("quality_restored") is not True:
        raise Refused(
            "not_restored",
            "quality_restored",
            "true: the quality of the resold service equals that before the trouble occurred",
            "V.2.6",
        )
    return _put(state, _move(ticket, e, at, "resolved", OPEN, resolved_at=at, cause=cause))


def _resolution_rejected(state: Tickets, e: Event, terms: Terms) -> Tickets:
    ticket = _ticket(state, e)
    at = _at(e, terms)
    return _put(state, _move(ticket, e, at, "inProgress", {"resolved"}, resolved_at=None, cause=None))


def _ilec_procedures(state: Tickets, on: dt.date) -> Procedures | None:
    published = [p for p in state.procedures if p.by == "ilec" and p.on <= on]
    return published[-1] if published else None


def _escalated(state: Tickets, e: Event, terms: Terms) -> Tickets:
    ticket = _ticket(state, e)
    at = _at(e, terms)
    level = e.get("level")
    if not isinstance(level, int) or isinstance(level, bool) or level < 1:
        raise Refused("field_invalid", "level", f"an escalation level (1, 2, ...), got {level!r}")
    procedures = _ilec_procedures(state, at.date())
    if procedures is None:
        raise Refused("no_escalation_procedures", "level", "escalation procedures published by CenturyLink", "V.3.1")
    if level not in {lv.level for lv in procedures.levels}:
        known = ", ".join(str(lv.level) for lv in procedures.levels)
        raise Refused("escalation_level_unknown", "level", f"one of the levels {known}", "V.3.1")
    due = level_due(ticket, procedures, at, terms).value
    if level > due:
        raise Refused(
            "escalation_premature",
            "level",
            f"a level the ticket has reached ({due or 'none'} at {at.isoformat()})",
            "V.3.1",
        )
    moved = _move(ticket, e, at, ticket.status, OPEN, escalations=ticket.escalations + ((level, at),))
    return _put(state, replace(moved, history=ticket.history))


def _procedures(state: Tickets, e: Event, terms: Terms) -> Tickets:
    by = _choice(e, "by", ("ilec", "clec"))
    raw = e.get("levels")
    if not isinstance(raw, (list, tuple)) or not raw:
        raise Refused(
            "field_missing", "levels", "a list of levels: {level, contact, after_hours or after_business_days}"
        )
    levels = []
    for i, item in enumerate(raw):
        if not isinstance(item, Mapping):
            raise Refused("field_invalid", f"levels.{i}", "a mapping")
        number, contact = item.get("level"), item.get("contact")
        hours, days = item.get("after_hours"), item.get("after_business_days")
        if not isinstance(number, int) or number != i + 1:
            raise Refused("field_invalid", f"levels.{i}.level", f"{i + 1} (levels in order from 1)")
        if not isinstance(contact, str) or not contact:
            raise Refused("field_missing", f"levels.{i}.contact", "the name and telephone number to call")
        if (hours is None) == (days is None) or not isinstance(hours if days is None else days, int):
            raise Refused("field_invalid", f"levels.{i}", "after_hours or after_business_days, a whole number")
        levels.append(EscalationLevel(number, contact, hours, days))
    return replace(state, procedures=state.procedures + (Procedures(by, e.date, e.id, tuple(levels)),))


TICKET_EVENTS: Mapping[str, Callable[[Tickets, Event, Terms], Tickets]] = MappingProxyType(
    {
        "ticket.reported": _reported,
        "ticket.dispatch_requested": _dispatch_requested,
        "ticket.dispatched": _dispatched,
        "ticket.dispatch_completed": _dispatch_completed,
        "ticket.time_and_materials": _time_and_materials,
        "ticket.pending": _simple("pending", OPEN),
        "ticket.held": _simple("held", OPEN),
        "ticket.resumed": _simple("inProgress", frozenset({"pending", "held"})),
        "ticket.resolved": _resolved,
        "ticket.resolution_rejected": _resolution_rejected,
        "ticket.closed": _simple("closed", frozenset({"resolved"}), ended_at="at"),
        "ticket.cancelled": _simple("cancelled", OPEN, ended_at="at"),
        "ticket.escalated": _escalated,
        "escalation.procedures_published": _procedures,
    }
)
"""The handler of each trouble-ticket event type."""


def fold(events: Iterable[Event], terms: Terms) -> tuple[Tickets, tuple[TicketError, ...]]:
    """The tickets after the events (in log order; other domains' events skipped), and every refusal."""
    state = Tickets()
    errors: list[TicketError] = []
    for e in events:
        handler = TICKET_EVENTS.get(e.type)
        if handler is None:
            continue
        try:
            state = handler(state, e, terms)
            continue
        except Kept as kept:
            state, refused = kept.state, kept.refused
        except Refused as exc:
            refused = exc
        ticket = e.get("ticket")
        error = TicketError(
            e.id,
            refused.code,
            refused.field,
            refused.message,
            refused.clause,
            ticket if isinstance(ticket, str) else None,
        )
        errors.append(error)
        state = replace(state, refusals=state.refusals + (error,))
    return state, tuple(errors)


def as_of(events: Iterable[Event], moment: dt.datetime, terms: Terms) -> tuple[Event, ...]:
    """The events known at `moment`: those with an `at` up to it, others dated up to its day."""
    zone = _zone(terms)
    local = moment.astimezone(zone)
    kept = []
    for e in events:
        raw = e.get("at") if e.type in TICKET_EVENTS else None
        try:
            when = moment_of(raw, zone) if raw is not None else None
        except Refused:
            when = None
        if (when is not None and utc(when) <= utc(local)) or (when is None and e.date <= local.date()):
            kept.append(e)
    return tuple(kept)
