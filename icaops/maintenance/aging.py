"""How long a ticket has been open, in hours and Business Days, and the escalation level its
age reaches under CenturyLink's published procedures (V.3.1)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from ..calendar.business import BusinessCalendar
from ..explain import Explained, Step
from ..terms.schema import Terms
from .model import OPEN, Procedures, Ticket

__all__ = ["age_business_days", "age_hours", "clock", "level_due"]

_HUNDREDTH = Decimal("0.01")


def clock(ticket: Ticket, at: dt.datetime, terms: Terms) -> tuple[dt.datetime, dt.datetime, tuple[Step, ...]]:
    """(start, end, steps): the ticket ages from its receipt until restored, ended or `at`."""
    spoc = terms.maintenance.spoc_always_answered
    steps = [Step(f"ticket {ticket.id} reported {ticket.reported_at.isoformat()}", "V.2.2")]
    if ticket.received_at != ticket.reported_at:
        steps.append(Step(f"the SPOC is not answered then: received {ticket.received_at.isoformat()}", spoc.clause))
    else:
        steps.append(Step("the SPOC answers 24 hours a day, 7 days a week: received when reported", spoc.clause))
    end = at.astimezone(ticket.reported_at.tzinfo)
    if ticket.resolved_at is not None and _utc(ticket.resolved_at) <= _utc(end):
        end = ticket.resolved_at
        steps.append(Step(f"restored {end.isoformat()}: the quality equals that before the trouble", "V.2.6"))
    elif ticket.ended_at is not None and _utc(ticket.ended_at) <= _utc(end):
        end = ticket.ended_at
        steps.append(Step(f"{ticket.status} {end.isoformat()}", None))
    else:
        steps.append(Step(f"open as of {end.isoformat()}", None))
    return ticket.received_at, max(end, ticket.received_at, key=_utc), tuple(steps)


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC)


def age_hours(ticket: Ticket, at: dt.datetime, terms: Terms) -> Explained[Decimal]:
    """Clock hours from receipt to restoration (or `at` while open), to the hundredth."""
    start, end, steps = clock(ticket, at, terms)
    # Same-zone subtraction in Python is wall-clock time: across a change to or from daylight
    # time it would be an hour off, so the elapsed time is taken in UTC.
    elapsed = end.astimezone(dt.UTC) - start.astimezone(dt.UTC)
    seconds = Decimal(int(elapsed.total_seconds()))
    hours = (seconds / Decimal(3600)).quantize(_HUNDREDTH, ROUND_HALF_UP)
    return Explained(hours, steps + (Step(f"{end.isoformat()} - {start.isoformat()} = {hours} hours", None),))


def age_business_days(ticket: Ticket, at: dt.datetime, terms: Terms) -> Explained[int]:
    """Business Days after the day of receipt, through the day the clock stops (II.2.10)."""
    start, end, steps = clock(ticket, at, terms)
    cal = BusinessCalendar(terms.calendar)
    days = cal.business_days_between(start.date(), end.date())
    text = (
        f"Business Days after {cal.day_name(start.date())} {start.date().isoformat()} "
        f"through {cal.day_name(end.date())} {end.date().isoformat()}: {days}"
    )
    return Explained(days, steps + (Step(text, "II.2.10"),))


def level_due(ticket: Ticket, procedures: Procedures | None, at: dt.datetime, terms: Terms) -> Explained[int]:
    """The highest escalation level whose threshold the open ticket's age has reached (0: none)."""
    if procedures is None:
        return Explained(0, (Step("CenturyLink has published no escalation procedures", "V.3.1"),))
    if ticket.status not in OPEN:
        return Explained(0, (Step(f"ticket {ticket.id} is {ticket.status}: nothing to escalate", "V.3.1"),))
    hours = age_hours(ticket, at, terms)
    days = age_business_days(ticket, at, terms)
    steps = list(hours.steps) + [days.steps[-1]]
    steps.append(
        Step(
            f"escalation procedures published by CenturyLink on {procedures.on.isoformat()} ({procedures.event_id})",
            "V.3.1",
        )
    )
    due = 0
    for level in procedures.levels:
        if level.after_hours is not None:
            reached, rule = hours.value >= level.after_hours, f"after {level.after_hours} hours"
        else:
            assert level.after_business_days is not None
            reached, rule = days.value >= level.after_business_days, f"after {level.after_business_days} Business Days"
        verb = "reached" if reached else "not reached"
        steps.append(Step(f"level {level.level} ({level.contact}) {rule}: {verb}", "V.3.1"))
        if reached:
            due = level.level
    return Explained(due, tuple(steps))
