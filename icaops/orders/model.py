"""LSR orders as values: the request (LSOG-style fields), the order's state and its notices,
the standing answers the gate takes as plain inputs, and the errors with their codes.

Order states follow MEF LSO Sonata product orders; each maps to a notice of the agreement
(docs/orders.md): `acknowledged` (the LSR passed the gate), `rejected` (reject notice with every
error found, IV.7.2.3), `inProgress` (confirmation with the committed due date, IV.9.1), `held`
(jeopardy notice with the revised committed due date, IV.7.2.4), `pendingCancellation` (a
cancel supplement), `cancelled` (VI.16 or the supplement), `completed` (Service Order
Completion, IV.7.2.2), `failed`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from ..explain import Explained
from ..relationship.events import Event

__all__ = [
    "ACTS",
    "OPEN",
    "LineState",
    "Lsr",
    "Order",
    "OrderError",
    "OrderNotice",
    "OrdersState",
    "Standing",
    "Status",
    "WtnItem",
]

Status = Literal[
    "acknowledged", "rejected", "inProgress", "held", "pendingCancellation", "cancelled", "completed", "failed"
]
OPEN: frozenset[str] = frozenset({"acknowledged", "inProgress", "held"})
"""States in which an order may be supplemented, confirmed, put in jeopardy or completed."""

# ACT, the LSR's activity: LSOG letters where LSOG has one (N, C, D, V conversion as specified,
# W conversion as is, S suspend, B restore); P (PIC change only) and L (listing only) are this
# system's codes for the LSRs of IV.8.4 and of VIII's "Listing Only" service order.
ACTS: Mapping[str, str] = MappingProxyType(
    {
        "N": "new connect",
        "C": "change",
        "D": "disconnect",
        "W": "as-is transfer from CenturyLink (IV.7.11)",
        "V": "transfer from another reseller (IV.7.12)",
        "S": "suspend",
        "B": "restore",
        "P": "PIC change (IV.8.4)",
        "L": "listing only",
    }
)


@dataclass(frozen=True, slots=True)
class OrderError:
    """Why an order (or one of its events) was refused: a stable code, the field, the clause."""

    code: str
    field: str
    message: str
    clause: str


@dataclass(frozen=True, slots=True)
class WtnItem:
    """One working telephone number of an LSR, with its End User, service address and ILEC entity."""

    wtn: str
    end_user: str
    address: str
    entity: str


@dataclass(frozen=True, slots=True)
class Lsr:
    """A Local Service Request as submitted (or supplemented): the LSOG-style fields."""

    pon: str
    ver: int
    account: str
    ccna: str | None
    act: str | None
    entity: str | None
    end_user: str | None
    address: str | None
    wtns: tuple[WtnItem, ...] = ()
    ddd: dt.date | None = None
    expedite: bool = False
    expedite_reason: str | None = None
    channel: str = "electronic"
    pic_inter: str | None = None
    pic_intra: str | None = None
    pic_tariff_amount: str | None = None
    class_of_service: str | None = None
    end_user_class: str | None = None
    usoc: str | None = None
    retail_mrc: str | None = None
    attributes: frozenset[str] = frozenset()  # grandfathered, lifeline, advanced_services_isp, ...
    end_users_sharing: int = 1
    locations_aggregated: int = 1


@dataclass(frozen=True, slots=True)
class OrderNotice:
    """A notice the ILEC gives on an order (IV.7.2.2–7.2.4, IV.7.5, IV.9.1, IV.9.2, VI.16)."""

    kind: str  # acknowledgement | reject | confirmation | jeopardy | completion | expedite | cancellation
    on: dt.date
    event_id: str
    text: str
    clause: str


@dataclass(frozen=True, slots=True)
class Order:
    """One LSR (by PON) and where it stands."""

    pon: str
    account: str
    lsr: Lsr
    status: Status
    submitted_on: dt.date
    errors: tuple[OrderError, ...] = ()
    due: Explained[dt.date] | None = None
    original_due: dt.date | None = None
    expedite: str | None = None  # requested | granted | refused
    last_activity: dt.date | None = None
    completed_on: dt.date | None = None
    cancelled_on: dt.date | None = None
    cancel_reason: str | None = None
    assigned_wtns: tuple[str, ...] = ()
    notices: tuple[OrderNotice, ...] = ()


@dataclass(frozen=True, slots=True)
class LineState:
    """A WTN of the CLEC as the orders know it."""

    wtn: str
    account: str
    status: str  # in_service | suspended | disconnected | lost
    since: dt.date
    attributes: frozenset[str] = frozenset()
    installed_by: str | None = None  # the PON of the order that put the line in service (its End User, address)


@dataclass(frozen=True, slots=True)
class Standing:
    """The collections and account answers the gate needs, filled by the caller as of a date.

    From billing (icaops.billing.collections status queries and the account opened): whether
    order processing is suspended for non-payment (III.9.5.1), the deposit requests not yet
    provided (III.6.9), the certificate (III.8.4) and the CLEC Profile fields on file (III.13.1).
    """

    account: str
    certificate_on_file: bool = False
    profile: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    deposits_outstanding: tuple[str, ...] = ()
    nonpayment_suspension: bool = False
    nonpayment_why: str = ""
    end_users_unpaid: frozenset[str] = frozenset()


@dataclass(frozen=True)
class OrdersState:
    """Every order of the log, the lines they made, and the derived events for billing."""

    orders: Mapping[str, Order] = field(default_factory=lambda: MappingProxyType({}))
    lines: Mapping[str, LineState] = field(default_factory=lambda: MappingProxyType({}))
    setup_steps: Mapping[str, dt.date] = field(default_factory=lambda: MappingProxyType({}))
    unpaid_end_users: frozenset[str] = frozenset()
    line_losses: Mapping[str, OrderNotice] = field(default_factory=lambda: MappingProxyType({}))
    emitted: tuple[Event, ...] = ()
