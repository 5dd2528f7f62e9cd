"""Schemas of the lifecycle's event types (relationship/lifecycle.py reads them).

One Pydantic model per event type, strict and closed (a field the type does not name is
refused); `LIFECYCLE_EVENT_SCHEMAS` is the table by type. Notice methods are terms
(`notices.methods`), so the fold checks them, not a literal here.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

from pydantic import BaseModel

from .event_fields import AccountId, Choice, Count, EventBase, EventId, Flag, IsoDate, Money, Period, Text
from .lifecycle import NOTICE_KINDS

__all__ = ["LIFECYCLE_EVENT_SCHEMAS", "NoticeGiven", "OrderSubmitted"]

Party = Literal["ilec", "clec"]
NoticeKind = Literal[NOTICE_KINDS]  # type: ignore[valid-type]


class SetupCompleted(EventBase):
    """The CLEC's account set-up is complete (III.35.2)."""

    type: Literal["account.setup_completed"]


class OrderSubmitted(EventBase):
    """An LSR submitted: activity (III.2.2.1) and, through the price list's triggers, charges (VIII)."""

    type: Literal["order.submitted"]
    account: AccountId | None = None
    order: Text | None = None
    channel: Choice | None = None
    variant: Choice | None = None
    expedite_granted: Flag | None = None
    as_is: Flag | None = None
    lines: Count | None = None
    billed_in: Period | None = None


class NoticeGiven(EventBase):
    """A written notice (III.34): its kind, how it was sent, by whom."""

    type: Literal["notice.given"]
    account: AccountId | None = None  # the billing account a letter names (icaops notice send)
    kind: NoticeKind
    method: Choice
    by: Party = "ilec"
    receipt_date: IsoDate | None = None
    refers_to: EventId | None = None
    termination_date: IsoDate | None = None


class _Closes(EventBase):
    refers_to: EventId


class DisputeResolved(_Closes):
    """A dispute notice resolved (III.20)."""

    type: Literal["dispute.resolved"]


class DefaultCured(_Closes):
    """A default notice cured (III.2.6)."""

    type: Literal["default.cured"]


class DepositProvided(_Closes):
    """A deposit request notice answered with the deposit (III.6)."""

    type: Literal["deposit.provided"]
    amount: Money | None = None


class SuccessorRequested(EventBase):
    """A Party asked to negotiate a successor agreement (III.2.4)."""

    type: Literal["agreement.successor_requested"]
    by: Party = "clec"


LIFECYCLE_EVENT_SCHEMAS: Mapping[str, type[BaseModel]] = MappingProxyType(
    {
        "account.setup_completed": SetupCompleted,
        "order.submitted": OrderSubmitted,
        "notice.given": NoticeGiven,
        "dispute.resolved": DisputeResolved,
        "default.cured": DefaultCured,
        "deposit.provided": DepositProvided,
        "agreement.successor_requested": SuccessorRequested,
    }
)
"""The schema of each lifecycle event type (LIFECYCLE_EVENTS has the same keys)."""
