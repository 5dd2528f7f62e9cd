"""Schemas of the trouble-ticket event types (maintenance/fold.py reads them).

One Pydantic model per event type, strict and closed. Every ticket event carries `at`, an
aware timestamp on the event's date; the fold checks the date in the agreement's time zone.
Who reports (`by`) and whom a charge is billed to (`bill_to`) are plain words here so that the
fold refuses a wrong one with its clause (V.2.1, V.6.1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from types import MappingProxyType
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictInt, StrictStr

from ..relationship.event_fields import AccountEvent, Choice, Decimal_, EventBase, Flag, LedgerId, Money, Text
from .model import CAUSES, FINDINGS

__all__ = ["MAINTENANCE_EVENT_SCHEMAS", "Timestamp"]


def _aware(value: Any) -> Any:
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"an ISO timestamp such as 2013-03-04T09:15:00-06:00, got {value!r}") from None
    if not isinstance(value, dt.datetime):
        raise ValueError(f"an ISO timestamp such as 2013-03-04T09:15:00-06:00, got {value!r}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"a timestamp with its UTC offset (timezone-aware), got {value.isoformat()}")
    return value


Timestamp = Annotated[dt.datetime, BeforeValidator(_aware)]
"""An aware moment: ISO text with its UTC offset, or a YAML timestamp with one."""
_Location = Literal["in", "out"]
_Wtn = Annotated[StrictStr, Field(min_length=1, max_length=10)]
_Hours = Annotated[Decimal_, Field(ge=0, max_digits=8, decimal_places=2)]


class _TicketEvent(AccountEvent):
    ticket: LedgerId
    at: Timestamp
    bill_to: Choice | None = None


class TicketReported(_TicketEvent):
    """Granite reports a customer trouble to CenturyLink's SPOC (V.2.1, V.2.2), with its trouble isolation (V.2.4)."""

    type: Literal["ticket.reported"]
    by: Choice | None = None
    wtn: _Wtn | None = None
    trouble: Text | None = None
    isolation: Text | None = None
    isolation_attested: Flag | None = None
    tsp_priority: Annotated[StrictInt, Field(ge=1, le=5)] | None = None


class DispatchRequested(_TicketEvent):
    """Granite requests a dispatch (V.2.5(b), V.6.2): in (CenturyLink's premises) or out, with the appointment and contact."""

    type: Literal["ticket.dispatch_requested"]
    location: _Location
    appointment: Timestamp | None = None
    contact: Text | None = None


class Dispatched(_TicketEvent):
    """CenturyLink dispatches a technician (V.2.5(c))."""

    type: Literal["ticket.dispatched"]
    location: _Location | None = None
    dispatch: LedgerId | None = None


class _TimeAndMaterials(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    hours: _Hours
    hourly_rate: Money
    materials: Money | None = None


class DispatchCompleted(_TicketEvent):
    """What the dispatch found (V.2.5(d)), and the tariff amount or Time and Materials of its charge (V.2.5.1)."""

    type: Literal["ticket.dispatch_completed"]
    finding: Literal[FINDINGS]  # type: ignore[valid-type]
    erroneous: Flag | None = None
    tariff_amount: Money | None = None
    time_and_materials: _TimeAndMaterials | None = None


class TimeAndMaterialsDetermined(_TicketEvent):
    """CenturyLink determines the Time and Materials of a pending dispatch charge (V.2.5.1)."""

    type: Literal["ticket.time_and_materials"]
    dispatch: LedgerId | None = None
    hours: _Hours
    hourly_rate: Money
    materials: Money | None = None


class _Reasoned(_TicketEvent):
    reason: Text | None = None


class Pending(_Reasoned):
    """Work waits on Granite or its End User (TMF621 pending)."""

    type: Literal["ticket.pending"]


class Held(_Reasoned):
    """Work is held by CenturyLink (TMF621 held)."""

    type: Literal["ticket.held"]


class Resumed(_Reasoned):
    """Work resumes after pending or held."""

    type: Literal["ticket.resumed"]


class Resolved(_TicketEvent):
    """CenturyLink resolves the trouble: restored when the quality equals that before it (V.2.6)."""

    type: Literal["ticket.resolved"]
    cause: Literal[CAUSES]  # type: ignore[valid-type]
    quality_restored: Flag


class ResolutionRejected(_Reasoned):
    """Granite finds the quality not restored (V.2.6): the ticket is worked again."""

    type: Literal["ticket.resolution_rejected"]


class Closed(_Reasoned):
    """A resolved ticket is closed."""

    type: Literal["ticket.closed"]


class Cancelled(_Reasoned):
    """Granite withdraws an open ticket."""

    type: Literal["ticket.cancelled"]


class Escalated(_TicketEvent):
    """The ticket is escalated to a level of CenturyLink's procedures (V.3.1)."""

    type: Literal["ticket.escalated"]
    level: Annotated[StrictInt, Field(ge=1, le=20)]


class _Level(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    level: Annotated[StrictInt, Field(ge=1, le=20)]
    contact: Text
    after_hours: Annotated[StrictInt, Field(ge=0, le=10_000)] | None = None
    after_business_days: Annotated[StrictInt, Field(ge=0, le=1_000)] | None = None


class ProceduresPublished(EventBase):
    """Written escalation procedures with names and telephone numbers (V.3.1 CenturyLink, V.3.2 Granite)."""

    type: Literal["escalation.procedures_published"]
    by: Literal["ilec", "clec"]
    levels: Annotated[tuple[_Level, ...], Field(min_length=1, max_length=20)]


MAINTENANCE_EVENT_SCHEMAS: Mapping[str, type[BaseModel]] = MappingProxyType(
    {
        "ticket.reported": TicketReported,
        "ticket.dispatch_requested": DispatchRequested,
        "ticket.dispatched": Dispatched,
        "ticket.dispatch_completed": DispatchCompleted,
        "ticket.time_and_materials": TimeAndMaterialsDetermined,
        "ticket.pending": Pending,
        "ticket.held": Held,
        "ticket.resumed": Resumed,
        "ticket.resolved": Resolved,
        "ticket.resolution_rejected": ResolutionRejected,
        "ticket.closed": Closed,
        "ticket.cancelled": Cancelled,
        "ticket.escalated": Escalated,
        "escalation.procedures_published": ProceduresPublished,
    }
)
"""The schema of each trouble-ticket event type (fold.TICKET_EVENTS)."""
