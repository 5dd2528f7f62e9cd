"""What a party's request becomes, for every front end (the REST API and the web portal): the
body of an action (the event's schema without what the gateway fills itself), the tables of the
actions on an order and on a trouble ticket, the fields the server fills (a ticket event's time,
who searched a customer record, which party gives a notice), the recording of an action as the
actor's, and the Customer Service Record a granted search discloses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, create_model
from sqlalchemy import Engine

from ...directory.fold import listing_key
from ...identity.model import Actor
from ...maintenance import event_schemas as ticket_schemas
from ...maintenance.model import Procedures
from ...orders import event_schemas as order_schemas
from ...terms.loader import Agreement
from ..clock import today
from .actions import Action, Check, Idempotency, Notify, Outcome, record
from .reads import fetch

__all__ = [
    "FILLED",
    "ORDER_ACTIONS",
    "TICKET_ACTIONS",
    "ActionSpec",
    "CustomerRecord",
    "act",
    "body_of",
    "customer_record",
    "escalation_permission",
    "ilec_procedures",
    "party_of",
    "ticket_moment",
]

FILLED = ("id", "date", "type")
"""Fields of every event the gateway fills: its id, its date (the business day), its type."""


def body_of(schema: type[BaseModel], name: str, drop: Iterable[str] = ()) -> type[BaseModel]:
    """A body model with the schema's fields except those the gateway fills and `drop`."""
    gone = set(FILLED) | set(drop)
    fields: dict[str, Any] = {
        key: (info.annotation, info) for key, info in schema.model_fields.items() if key not in gone
    }
    model: type[BaseModel] = create_model(
        name, __config__=ConfigDict(extra="forbid", frozen=True), __doc__=schema.__doc__, **fields
    )
    return model


@dataclass(frozen=True)
class ActionSpec:
    """One action on an existing object: its name, the event type it records, the permission it
    needs, and its body (the event's schema)."""

    name: str
    event_type: str
    permission: str
    schema: type[BaseModel]
    summary: str


ORDER_ACTIONS = (
    ActionSpec("confirm", "lsr.confirmed", "orders.work", order_schemas.LsrConfirmed, "Confirm with the committed due date (IV.9.1)"),
    ActionSpec("reject", "lsr.rejected", "orders.work", order_schemas.LsrRejected, "Reject with every error found (IV.7.2.3)"),
    ActionSpec("jeopardy", "lsr.jeopardy", "orders.work", order_schemas.LsrJeopardy, "Jeopardy notice with the revised committed due date (IV.7.2.4)"),
    ActionSpec("expedite", "lsr.expedite_decided", "orders.work", order_schemas.LsrExpediteDecided, "Grant or refuse an expedite (IV.9.2)"),
    ActionSpec("supplement", "lsr.supplemented", "orders.submit", order_schemas.LsrSupplemented, "Supplement: a new due date, or cancel"),
    ActionSpec("cancel", "lsr.cancelled", "orders.work", order_schemas.LsrCancelled, "Cancel after a cancel supplement, or 31 days without activity (VI.16)"),
    ActionSpec("complete", "lsr.completed", "orders.work", order_schemas.LsrCompleted, "Service Order Completion (IV.7.2.2); emits the charges billing prices"),
    ActionSpec("fail", "lsr.failed", "orders.work", order_schemas.LsrFailed, "The order failed"),
)  # fmt: skip
"""The actions on an order (an LSR), each an event of the order lifecycle."""

TICKET_ACTIONS = (
    ActionSpec("dispatchRequest", "ticket.dispatch_requested", "tickets.open", ticket_schemas.DispatchRequested, "Request a dispatch, in or out, with the appointment and contact (V.2.5(b), V.6.2)"),
    ActionSpec("dispatch", "ticket.dispatched", "tickets.work", ticket_schemas.Dispatched, "Dispatch a technician (V.2.5(c)); out only on the CLEC's request (V.6.2)"),
    ActionSpec("dispatchComplete", "ticket.dispatch_completed", "tickets.work", ticket_schemas.DispatchCompleted, "What the dispatch found (V.2.5(d)); derives its charge (V.2.5, V.2.5.1)"),
    ActionSpec("timeAndMaterials", "ticket.time_and_materials", "tickets.work", ticket_schemas.TimeAndMaterialsDetermined, "Time and Materials of a pending dispatch charge (V.2.5.1)"),
    ActionSpec("pending", "ticket.pending", "tickets.work", ticket_schemas.Pending, "Work waits on the CLEC or its End User"),
    ActionSpec("hold", "ticket.held", "tickets.work", ticket_schemas.Held, "Work held by CenturyLink"),
    ActionSpec("resume", "ticket.resumed", "tickets.work", ticket_schemas.Resumed, "Work resumes"),
    ActionSpec("resolve", "ticket.resolved", "tickets.work", ticket_schemas.Resolved, "Resolved: restored when the quality equals that before the trouble (V.2.6)"),
    ActionSpec("rejectResolution", "ticket.resolution_rejected", "tickets.open", ticket_schemas.ResolutionRejected, "The CLEC finds the quality not restored (V.2.6): worked again"),
    ActionSpec("close", "ticket.closed", "tickets.open", ticket_schemas.Closed, "The CLEC accepts the resolution: closed"),
    ActionSpec("cancel", "ticket.cancelled", "tickets.open", ticket_schemas.Cancelled, "The CLEC withdraws an open ticket"),
    ActionSpec("escalate", "ticket.escalated", "tickets.open", ticket_schemas.Escalated, "Escalate to a level the ticket's age has reached (V.3.1)"),
)  # fmt: skip
"""The actions on a trouble ticket (Article V), each an event of the maintenance lifecycle."""


def ticket_moment(agreement: Agreement, now: dt.datetime) -> Mapping[str, Any]:
    """The `at` of a ticket event: the server's clock in the agreement's time zone (II.2.10);
    a request never sets it."""
    zone = ZoneInfo(agreement.terms_at(today(agreement, now)).calendar.timezone.value)
    return {"at": now.astimezone(zone).isoformat()}


def party_of(actor: Actor) -> str:
    """The party an actor acts for in an event's `by` (a notice, escalation procedures): the
    organisation that signs in, never what a request says."""
    return "clec" if actor.org_kind == "clec" else "ilec"


def escalation_permission(actor: Actor) -> str:
    """The permission publishing escalation procedures needs: the CLEC publishes its own as it
    opens tickets (V.3.2), CenturyLink its own as it works them (V.3.1)."""
    return "tickets.open" if party_of(actor) == "clec" else "tickets.work"


def ilec_procedures(procedures: Iterable[Procedures], on: dt.date) -> Procedures | None:
    """CenturyLink's escalation procedures in force on `on` (V.3.1): the last it published by
    then (None: none yet); a ticket's escalation level is reached under them."""
    published = [p for p in procedures if p.by == "ilec" and p.on <= on]
    return published[-1] if published else None


def act(
    engine: Engine,
    agreement: Agreement,
    actor: Actor,
    account: str,
    event_type: str,
    data: Mapping[str, Any],
    subject: str,
    now: dt.datetime,
    render: Callable[[Outcome], tuple[int, Mapping[str, Any]]],
    idempotency: Idempotency | None = None,
    notify: Notify | None = None,
    check: Check | None = None,
    authorization: str | None = None,
) -> tuple[int, Mapping[str, Any], bool]:
    """Record `actor`'s action on `account` (see `record`): (status, body, replayed)."""
    action = Action(
        account,
        event_type,
        data,
        actor.user_id,
        actor.org_id,
        actor.role,
        subject,
        authorization=authorization,
        actor_email=actor.email,
    )
    return record(engine, agreement, action, now, render, idempotency, notify, check)


@dataclass(frozen=True)
class CustomerRecord:
    """A Customer Service Record as the system knows it for an account: the line (the orders'
    lines), the order that put it in service, its End User (name, address, class of service,
    USOC) and the directory listing, each None when unknown."""

    wtn: str
    line: Any
    order_pon: str | None
    end_user: Mapping[str, Any] | None
    listing: Any


def customer_record(engine: Engine, agreement: Agreement, account: str, wtn: str, on: dt.date) -> CustomerRecord:
    """The Customer Service Record of `wtn` for `account` on `on`. Disclose it only once the
    search that asks for it is granted (VI.8.4.1, VI.8.4.2)."""
    line = fetch(engine, agreement, "orders", account, "lines", wtn, on)
    order = None
    if line is not None and line.installed_by is not None:
        order = fetch(engine, agreement, "orders", account, "orders", line.installed_by, on)
    listing = fetch(engine, agreement, "directory", account, "listings", listing_key(account, wtn), on)
    end_user = None
    if order is not None:
        item = next((w for w in order.lsr.wtns if w.wtn == wtn), None)
        end_user = {
            "name": item.end_user if item else order.lsr.end_user,
            "address": item.address if item else order.lsr.address,
            "classOfService": order.lsr.class_of_service,
            "usoc": order.lsr.usoc,
        }
    return CustomerRecord(wtn, line, None if order is None else order.pon, end_user, listing)
