"""Notifications of the gateway's actions: which webhook event an action's outcome publishes, to
which organisations, with which payload — queued in the action's own transaction (the outbox:
`record` calls the notifier after the event is appended, before the commit; docs/webhooks.md).

What each event type of the log publishes is the literal table `PUBLISHED`. A create event is
published whenever its event is kept (a rejected LSR is an order created `rejected`); a state
change only when the object's state differs from what it was before the action (a second
jeopardy notice on a held order changes its due date, not its state). The payload is the
resource as the API shows it: the front end passes its view of each resource (`Views`).

Who receives it: the CLEC organisation that owns the account, and every ILEC organisation;
never another CLEC. Subscriptions belong to organisations, so CenturyLink's retail sales never
get one of their own: managing hooks needs `hooks.manage`, which their role lacks (IV.8.5).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from sqlalchemy import Connection, select

from ...store.models import EventRow
from ..webhooks import enqueue_for_account
from .actions import Notify, Outcome
from .domains import SPECS

__all__ = ["PUBLISHED", "Publication", "Views", "event_id_of", "notifier", "record_view"]


@dataclass(frozen=True, slots=True)
class Publication:
    """What a log event type publishes: the webhook event type, the resource whose view is the
    payload, and where the object is kept (projection domain, field, the event field of its key;
    None: the event is the object). `on_change`: only when the object's state changed."""

    event_type: str
    resource: str
    kept_in: tuple[str, str, str] | None = None
    on_change: bool = False


_ORDER = ("orders", "orders", "pon")
_TICKET = ("tickets", "tickets", "ticket")


_ORDER_CHANGE = Publication("ProductOrderStateChangeEvent", "productOrder", _ORDER, on_change=True)
_TICKET_CHANGE = Publication("TroubleTicketStateChangeEvent", "troubleTicket", _TICKET, on_change=True)


PUBLISHED: Mapping[str, Publication] = MappingProxyType(
    {
        "lsr.submitted": Publication("ProductOrderCreateEvent", "productOrder", _ORDER),
        "lsr.rejected": _ORDER_CHANGE,
        "lsr.confirmed": _ORDER_CHANGE,
        "lsr.jeopardy": _ORDER_CHANGE,
        "lsr.expedite_decided": _ORDER_CHANGE,
        "lsr.supplemented": _ORDER_CHANGE,
        "lsr.cancelled": _ORDER_CHANGE,
        "lsr.completed": _ORDER_CHANGE,
        "lsr.failed": _ORDER_CHANGE,
        "ticket.reported": Publication("TroubleTicketCreateEvent", "troubleTicket", _TICKET),
        "ticket.dispatch_requested": _TICKET_CHANGE,
        "ticket.dispatched": _TICKET_CHANGE,
        "ticket.dispatch_completed": _TICKET_CHANGE,
        "ticket.pending": _TICKET_CHANGE,
        "ticket.held": _TICKET_CHANGE,
        "ticket.resumed": _TICKET_CHANGE,
        "ticket.resolved": _TICKET_CHANGE,
        "ticket.resolution_rejected": _TICKET_CHANGE,
        "ticket.closed": _TICKET_CHANGE,
        "ticket.cancelled": _TICKET_CHANGE,
        "billing_dispute.filed": Publication("BillingDisputeCreateEvent", "billingDispute"),
        "billing_dispute.resolved": Publication("BillingDisputeStateChangeEvent", "billingDispute"),
        "notice.given": Publication("NoticeCreateEvent", "notice"),
        "traffic.dos_detected": Publication("DosAlertCreateEvent", "dosAlert"),
    }
)
"""The webhook event each log event type publishes (any other type publishes nothing: e.g. a
line loss is about a line, not an order; an escalation or a Time-and-Materials determination
leaves a ticket's state as it was)."""

View = Callable[[Outcome], Mapping[str, Any] | None]
Views = Mapping[str, View]
"""The API's view of each resource, from an outcome (None: the object is not in it)."""


def record_view(outcome: Outcome) -> Mapping[str, Any]:
    """The payload of an event that is its own record (a billing dispute, a notice, a DoS alert):
    the event's id, date, type and fields as recorded."""
    e = outcome.event
    return {"id": e.id, "date": e.date.isoformat(), "type": e.type, **dict(e.data)}


def event_id_of(account: str, outcome: Outcome) -> str:
    """The webhook `eventId` of an outcome: the log's event id within its account (ids are unique
    per account), so enqueuing the same log event again adds nothing."""
    return f"{account}/{outcome.event.id}"


def _account(conn: Connection, outcome: Outcome) -> str | None:
    account = outcome.event.get("account")
    if account is not None:
        return str(account)
    # An event whose schema has no account belongs to the account whose log holds it.
    query = select(EventRow.tenant).where(
        EventRow.event_id == outcome.event.id, EventRow.source_seq == outcome.event.seq
    )
    return conn.execute(query.limit(1)).scalar()


def _changed(outcome: Outcome, kept_in: tuple[str, str, str]) -> bool:
    domain, field, key_field = kept_in
    key = str(outcome.event.get(key_field))
    before = outcome.extra.get("before", {})
    if (domain, field, key) not in before:
        return False  # the action left the object as it was
    old, new = before[(domain, field, key)], getattr(outcome.state, field).get(key)
    status = SPECS[domain].status
    return old is None or new is None or status(field, old)[0] != status(field, new)[0]


def notifier(views: Views) -> Notify:
    """The `notify` of `record`: queue, in the action's transaction, the webhook event its kept
    outcome publishes (PUBLISHED) for the organisations entitled to it, with the resource's view
    from `views` (`record_view` for a resource without one)."""

    def notify(conn: Connection, outcome: Outcome) -> None:
        published = PUBLISHED.get(outcome.event.type)
        if published is None or not outcome.kept:
            return
        if published.on_change and published.kept_in is not None and not _changed(outcome, published.kept_in):
            return
        account = _account(conn, outcome)
        if account is None:
            return
        payload = views.get(published.resource, record_view)(outcome)
        if payload is None:
            return
        # the CLEC that owns the account and the ILEC(s) are entitled to its events
        enqueue_for_account(
            conn, account, published.event_type, payload, event_id_of(account, outcome), outcome.recorded_at
        )

    return notify
