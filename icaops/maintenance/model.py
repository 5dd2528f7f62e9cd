"""The trouble-ticket state: tickets, their dispatches, escalation procedures and the charges
their dispatches incur, as frozen values (Article V). States follow TM Forum TMF621."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

from ..explain import Explained
from ..relationship.events import Event

__all__ = [
    "CAUSES",
    "CODES",
    "FINAL",
    "FINDINGS",
    "INPUT_CODES",
    "LOCATIONS",
    "OPEN",
    "STATUSES",
    "Dispatch",
    "DispatchCharge",
    "DispatchRequest",
    "EscalationLevel",
    "Procedures",
    "Ticket",
    "TicketError",
    "Tickets",
]

STATUSES = ("acknowledged", "inProgress", "pending", "held", "resolved", "closed", "rejected", "cancelled")
"""TMF621 Trouble Ticket states."""
OPEN = frozenset({"acknowledged", "inProgress", "pending", "held"})
"""States in which a ticket ages and may be worked, escalated or cancelled."""
FINAL = frozenset({"closed", "rejected", "cancelled"})

LOCATIONS = ("in", "out")
"""Where a dispatch goes: `in`, a site on CenturyLink's premises; `out`, a site outside them (V.2.5)."""
FINDINGS = ("ilec_facility", "clec_side", "no_trouble_found", "customer_not_available")
"""What a dispatch found (V.2.5(d)): the trouble in CenturyLink's facilities (in whole or in part), on
Granite's side (its equipment or network, or its End User's), no trouble, or the contact not available."""
CAUSES = ("ilec_facility", "clec_side", "no_trouble_found")
"""The cause a resolved ticket names."""

CODES: Mapping[str, str] = MappingProxyType(
    {
        "field_missing": "the event lacks a field its type needs",
        "field_invalid": "a field's value is not of the expected kind",
        "ticket_unknown": "no ticket with that id was reported",
        "ticket_duplicate": "a ticket with that id was already reported",
        "account_mismatch": "the event names another account than the ticket's",
        "out_of_order": "the event's time is before the ticket's last event",
        "not_from_clec": "a trouble report must come from Granite, never from its End User (V.2.1)",
        "isolation_not_attested": "trouble isolation was not attested before the report (V.2.4)",
        "bill_to_end_user": "maintenance charges are billed to the CLEC, never to its End User (V.6.1)",
        "transition_invalid": "the ticket's state does not allow the event",
        "dispatch_not_requested": "a dispatch to an End User's premises needs Granite's request (V.6.2)",
        "no_dispatch_outstanding": "no dispatch of the ticket awaits its finding",
        "not_restored": "a trouble is resolved only when the quality equals that before it (V.2.6)",
        "no_escalation_procedures": "CenturyLink has published no escalation procedures (V.3.1)",
        "escalation_level_unknown": "the escalation procedures have no such level (V.3.1)",
        "escalation_premature": "the ticket has not reached the level's threshold (V.3.1)",
        "no_charge_pending": "no dispatch charge of the ticket awaits Time and Materials (V.2.5.1)",
    }
)
"""Stable codes of the refusals the fold gives (docs/scenarios.md, trouble tickets)."""

INPUT_CODES = frozenset({"field_missing", "field_invalid"})
"""Codes of malformed input (the others are the agreement's refusals, kept in the state)."""


@dataclass(frozen=True, slots=True)
class TicketError:
    """A refused event: its code (CODES), the field, a message and the clause that refuses it."""

    event: str
    code: str
    field: str
    message: str
    clause: str | None = None
    ticket: str | None = None

    def __str__(self) -> str:
        cite = f" ({self.clause})" if self.clause else ""
        return f"event {self.event}: {self.field}: {self.code}: {self.message}{cite}"


@dataclass(frozen=True, slots=True)
class DispatchRequest:
    """Granite's request for a dispatch (V.2.5(b), V.6.2)."""

    event_id: str
    at: dt.datetime
    location: str
    appointment: dt.datetime | None = None
    contact: str | None = None


@dataclass(frozen=True, slots=True)
class Dispatch:
    """A technician dispatched (V.2.5(c)) and, once completed, what the dispatch found."""

    id: str
    at: dt.datetime
    location: str
    request: DispatchRequest | None
    finding: str | None = None
    erroneous: bool = False
    completed_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class DispatchCharge:
    """What a completed dispatch incurs: `charged` (with the priced event it emits), `pending`
    (Time and Materials not yet determined, V.2.5.1) or `none`; `explained` says why."""

    ticket: str
    dispatch: str
    status: str
    event_type: str | None
    amount: Decimal | None
    explained: Explained[str]
    emitted: Event | None = None


@dataclass(frozen=True, slots=True)
class EscalationLevel:
    """One level of the escalation procedures: reached after hours or Business Days open."""

    level: int
    contact: str
    after_hours: int | None = None
    after_business_days: int | None = None


@dataclass(frozen=True, slots=True)
class Procedures:
    """Escalation procedures a Party published (V.3.1 CenturyLink, V.3.2 Granite)."""

    by: str
    on: dt.date
    event_id: str
    levels: tuple[EscalationLevel, ...]


@dataclass(frozen=True, slots=True)
class Ticket:
    """One trouble ticket as of the last event folded in."""

    id: str
    account: str
    status: str
    reported_at: dt.datetime
    received_at: dt.datetime
    wtn: str | None = None
    trouble: str | None = None
    tsp_priority: int | None = None
    isolation: str | None = None
    request: DispatchRequest | None = None
    dispatches: tuple[Dispatch, ...] = ()
    resolved_at: dt.datetime | None = None
    cause: str | None = None
    ended_at: dt.datetime | None = None  # closed, cancelled or rejected
    escalations: tuple[tuple[int, dt.datetime], ...] = ()
    history: tuple[tuple[dt.datetime, str, str], ...] = ()  # (at, status, event id)
    last_at: dt.datetime | None = None


@dataclass(frozen=True)
class Tickets:
    """Every ticket, the escalation procedures and the charges dispatches incurred."""

    tickets: Mapping[str, Ticket] = field(default_factory=lambda: MappingProxyType({}))
    procedures: tuple[Procedures, ...] = ()
    charges: tuple[DispatchCharge, ...] = ()
    refusals: tuple[TicketError, ...] = ()

    @property
    def emitted(self) -> tuple[Event, ...]:
        """The priced events the tickets' dispatches derive (billing prices them, VIII)."""
        return tuple(c.emitted for c in self.charges if c.emitted is not None)
