"""The gateway's projections, one per lifecycle: how each domain fold is kept and stepped.

Each `step` runs the domain's own handler for one event (the same table its pure fold uses) and
says whether the event is kept in the log: accepted, or refused with its record kept (a rejected
LSR, a trouble report rejected for want of isolation, a refused CSR search: "a rejected record is
kept with its reason"), or refused and not kept (nothing changed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from ...calendar.deadlines import Deadlines
from ...cpni import fold as cpni
from ...cpni.model import CpniState
from ...directory import fold as directory
from ...directory.model import DirectoryState
from ...maintenance import fold as maintenance
from ...maintenance.model import Tickets
from ...orders import lifecycle as orders
from ...orders.model import Order, OrdersState, Standing
from ...relationship import lifecycle as relationship
from ...relationship.events import Event, EventInputError
from ...relationship.lifecycle import Lifecycle
from ...terms.loader import Terms
from .projection import Refusal, Spec, Step

__all__ = ["GATE_RELATIONSHIP_EVENTS", "SPECS", "Context", "spec_for"]


@dataclass(frozen=True)
class Context:
    """What a step reads besides the state: the terms on the event's day, their deadlines, the
    relationship as the gate sees it, and the standing of an account on a day (from billing)."""

    terms: Terms
    deadlines: Deadlines
    relationship: Lifecycle
    standing: Callable[[str, dt.date], Standing]


def _orders(state: OrdersState, e: Event, ctx: Context) -> Step:
    handler = orders.ORDER_EVENTS[e.type]
    after, errors = handler(state, e, orders.Inputs(ctx.terms, ctx.relationship, ctx.standing))
    refusals = tuple(Refusal(x.code, x.field, x.message, x.clause) for x in errors)
    return Step(after, refusals, not refusals, after.emitted)


def _tickets(state: Tickets, e: Event, ctx: Context) -> Step:
    handler = maintenance.TICKET_EVENTS[e.type]
    try:
        after = handler(state, e, ctx.terms)
    except maintenance.Kept as kept:
        r = kept.refused
        return Step(kept.state, (Refusal(r.code, r.field, r.message, r.clause or ""),), True, ())
    except maintenance.Refused as r:
        return Step(state, (Refusal(r.code, r.field, r.message, r.clause or ""),), False, ())
    # A new charge, or a pending one replaced once its Time and Materials are determined (V.2.5.1).
    new = tuple(c for c in after.charges if not any(c is old for old in state.charges))
    return Step(after, (), True, tuple(c.emitted for c in new if c.emitted is not None))


def _records(table: Mapping[str, Callable[[Any, Event, Deadlines], tuple[Any, tuple[Any, ...]]]]):
    def step(state: Any, e: Event, ctx: Context) -> Step:
        after, errors = table[e.type](state, e, ctx.deadlines)
        refusals = tuple(Refusal(str(x.code), x.field, x.expected, x.clause) for x in errors)
        return Step(after, refusals, after is not state, after.emitted)

    return step


def _relationship(state: Lifecycle, e: Event, ctx: Context) -> Step:
    try:
        after = relationship.LIFECYCLE_EVENTS[e.type](state, e, ctx.deadlines)
    except EventInputError as exc:
        return Step(state, (Refusal("field_invalid", exc.field, exc.expected, ""),), False, ())
    return Step(after, (), True, ())


GATE_RELATIONSHIP_EVENTS = frozenset(
    {
        "account.setup_completed",
        "notice.given",
        "dispute.resolved",
        "default.cured",
        "deposit.provided",
        "agreement.successor_requested",
    }
)
"""The relationship events the order gate reads (set-up, notices and what closes them: III.35.2,
III.2.6, III.6.9, III.20.4); the rest of the relationship (activity, lines in service) grows with
every order and is not the gate's concern, so the gateway's relationship projection folds these."""


def _order_status(field: str, value: Any) -> tuple[str | None, dt.date | None]:
    if isinstance(value, Order):
        return value.status, value.submitted_on
    status = getattr(value, "status", None)
    return (str(status) if status is not None else None), getattr(value, "since", None)


def _ticket_status(field: str, value: Any) -> tuple[str | None, dt.date | None]:
    return str(value.status), value.received_at.date()


def _listing_status(field: str, value: Any) -> tuple[str | None, dt.date | None]:
    return ("active" if value.active else "deleted"), value.since


SPECS: Mapping[str, Spec] = MappingProxyType(
    {
        "orders": Spec(
            "orders",
            "icaops.orders",
            OrdersState,
            frozenset(orders.ORDER_EVENTS),
            _orders,
            keyed=("orders", "lines", "line_losses"),
            status=_order_status,
            keys=(("pon", "orders"), ("wtn", "lines")),
            output=("emitted",),
        ),
        "tickets": Spec(
            "tickets",
            "icaops.maintenance",
            Tickets,
            frozenset(maintenance.TICKET_EVENTS),
            _tickets,
            keyed=("tickets",),
            status=_ticket_status,
            keys=(("ticket", "tickets"),),
        ),
        "cpni": Spec(
            "cpni",
            "icaops.cpni",
            CpniState,
            frozenset(cpni.CPNI_EVENTS),
            _records(cpni.CPNI_EVENTS),
            output=("emitted",),
        ),
        "directory": Spec(
            "directory",
            "icaops.directory",
            DirectoryState,
            frozenset(directory.DIRECTORY_EVENTS),
            _records(directory.DIRECTORY_EVENTS),
            keyed=("listings",),
            status=_listing_status,
            output=("emitted",),
        ),
        "relationship": Spec("relationship", "icaops.relationship", Lifecycle, GATE_RELATIONSHIP_EVENTS, _relationship),
    }
)
"""The projection of each lifecycle, by name."""


def spec_for(event_type: str) -> tuple[Spec, ...]:
    """The projections that fold an event type (billing's service events feed the orders' lines)."""
    return tuple(s for s in SPECS.values() if event_type in s.handles)
