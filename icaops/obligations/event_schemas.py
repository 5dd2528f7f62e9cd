"""Schemas of the obligations' own event types (acts.py reads them): one strict, closed model per type.

Each act names the record it answers (`refers_to`: a notice id); a waiver names the obligation
it waives (its id as `icaops obligations` shows it) and the party waiving (III.52).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

from pydantic import BaseModel

from ..relationship.event_fields import EventBase, EventId

__all__ = ["OBLIGATION_EVENT_SCHEMAS"]

Party = Literal["ilec", "clec"]


class _Act(EventBase):
    refers_to: EventId
    by: Party | None = None


class AuditCommenced(_Act):
    """The audit noticed in `refers_to` commenced (III.7.1.2)."""

    type: Literal["audit.commenced"]


class AuditCompleted(_Act):
    """The audit noticed in `refers_to` was completed (III.7.1.2)."""

    type: Literal["audit.completed"]


class RepresentativeDesignated(_Act):
    """A Party designated its representative for the dispute noticed in `refers_to` (III.20.1)."""

    type: Literal["dispute.representative_designated"]


class MeetingHeld(_Act):
    """The representatives met on the dispute noticed in `refers_to` (III.20.1)."""

    type: Literal["dispute.meeting_held"]


class ChangeDocumented(_Act):
    """Granite provided the End User's written authorization for the change notified in `refers_to` (III.50.1)."""

    type: Literal["unauthorized_change.documented"]


class SwitchBackDirected(_Act):
    """Granite directed the change back, gave the records and notified (III.50.1(a)–(c))."""

    type: Literal["unauthorized_change.switch_back_directed"]


class ObligationWaived(EventBase):
    """The party owed an obligation waives it expressly (III.52: a failure to enforce is no waiver)."""

    type: Literal["obligation.waived"]
    refers_to: EventId
    by: Party


OBLIGATION_EVENT_SCHEMAS: Mapping[str, type[BaseModel]] = MappingProxyType(
    {
        "audit.commenced": AuditCommenced,
        "audit.completed": AuditCompleted,
        "dispute.representative_designated": RepresentativeDesignated,
        "dispute.meeting_held": MeetingHeld,
        "unauthorized_change.documented": ChangeDocumented,
        "unauthorized_change.switch_back_directed": SwitchBackDirected,
        "obligation.waived": ObligationWaived,
    }
)
"""The schema of each obligations event type (ACT_EVENTS has the same keys)."""
