"""State queries of the trouble tickets as of a moment: `ticket.ID.QUERY` and `tickets.QUERY`
(docs/scenarios.md, trouble tickets). The log is cut at the moment and folded again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from ..explain import Explained, Step
from ..relationship.events import Event
from ..terms.schema import Terms
from .aging import age_business_days, age_hours, level_due
from .fold import as_of, fold
from .model import OPEN, DispatchCharge, Ticket, TicketError, Tickets

__all__ = ["TICKETS_QUERIES", "TICKET_QUERIES", "answer", "queries", "query"]


def _procedures(state: Tickets, at: dt.datetime) -> Any:
    published = [p for p in state.procedures if p.by == "ilec" and p.on <= at.date()]
    return published[-1] if published else None


def _status(state: Tickets, t: Ticket, at: dt.datetime, terms: Terms) -> Explained[Any]:
    steps = tuple(Step(f"{when.isoformat()} {status} ({eid})", None) for when, status, eid in t.history)
    refused = [r for r in state.refusals if r.ticket == t.id]
    return Explained(t.status, steps + tuple(Step(r.message, r.clause) for r in refused))


def _level(state: Tickets, t: Ticket, at: dt.datetime, terms: Terms) -> Explained[Any]:
    return level_due(t, _procedures(state, at), at, terms)


def _contact(state: Tickets, t: Ticket, at: dt.datetime, terms: Terms) -> Explained[Any]:
    procedures = _procedures(state, at)
    due = level_due(t, procedures, at, terms)
    contact = next((lv.contact for lv in procedures.levels if lv.level == due.value), None) if procedures else None
    return due.then(contact, f"contact at level {due.value}: {contact or 'none'}", "V.3.1")


def _priority(state: Tickets, t: Ticket, at: dt.datetime, terms: Terms) -> Explained[Any]:
    if t.tsp_priority is None:
        return Explained("routine", (Step(f"ticket {t.id} names no TSP restoration priority", "V.4.1.2"),))
    return Explained(
        f"TSP {t.tsp_priority}",
        (
            Step(
                f"TSP restoration priority {t.tsp_priority}: Granite's TSP services carry equal priority with "
                "CenturyLink's TSP services for restoration",
                "V.4.1.2",
            ),
        ),
    )


def _own_charges(state: Tickets, t: Ticket) -> list[DispatchCharge]:
    return [c for c in state.charges if c.ticket == t.id]


def _charge_text(c: DispatchCharge) -> str:
    return f"{c.event_type} {c.amount}" if c.status == "charged" else f"{c.event_type or 'none'} {c.status}"


def _charges(state: Tickets, t: Ticket, at: dt.datetime, terms: Terms) -> Explained[Any]:
    own = _own_charges(state, t)
    steps = tuple(s for c in own for s in c.explained.steps)
    return Explained([_charge_text(c) for c in own if c.status != "none"], steps)


def _total(state: Tickets, t: Ticket, at: dt.datetime, terms: Terms) -> Explained[Any]:
    own = [c for c in _own_charges(state, t) if c.status == "charged" and c.amount is not None]
    total = sum((c.amount for c in own if c.amount is not None), Decimal("0.00"))
    steps = tuple(s for c in _own_charges(state, t) for s in c.explained.steps)
    return Explained(
        total, steps + (Step(f"charged to account {t.account}: ${total}", terms.maintenance.charges_billed_to.clause),)
    )


def _refusals(state: Tickets, t: Ticket, at: dt.datetime, terms: Terms) -> Explained[Any]:
    mine = [r for r in state.refusals if r.ticket == t.id]
    return Explained([r.code for r in mine], tuple(Step(str(r), r.clause) for r in mine))


TicketQuery = Callable[[Tickets, Ticket, dt.datetime, Terms], Explained[Any]]

TICKET_QUERIES: Mapping[str, TicketQuery] = MappingProxyType(
    {
        "status": _status,
        "received_at": lambda s, t, at, terms: Explained(t.received_at, age_hours(t, at, terms).steps[:2]),
        "age_hours": lambda s, t, at, terms: age_hours(t, at, terms),
        "age_business_days": lambda s, t, at, terms: age_business_days(t, at, terms),
        "escalation_level": _level,
        "escalation_contact": _contact,
        "escalated_to": lambda s, t, at, terms: Explained(
            max((lv for lv, _ in t.escalations), default=0),
            tuple(Step(f"escalated to level {lv} at {when.isoformat()}", "V.3.1") for lv, when in t.escalations),
        ),
        "restored_at": lambda s, t, at, terms: Explained(
            t.resolved_at, (Step("restored when the quality equals that before the trouble", "V.2.6"),)
        ),
        "cause": lambda s, t, at, terms: Explained(t.cause, (Step(f"ticket {t.id} is {t.status}", "V.2.5"),)),
        "priority": _priority,
        "charges": _charges,
        "charge_total": _total,
        "refusals": _refusals,
    }
)
"""`ticket.ID.QUERY`: one ticket's state as of a moment."""


def _open(state: Tickets, at: dt.datetime, terms: Terms) -> Explained[Any]:
    ids = [t.id for t in state.tickets.values() if t.status in OPEN]
    return Explained(ids, tuple(Step(f"{t.id}: {t.status}", None) for t in state.tickets.values()))


def _order(state: Tickets, at: dt.datetime, terms: Terms) -> Explained[Any]:
    live = sorted(
        (t for t in state.tickets.values() if t.status in OPEN),
        key=lambda t: (t.tsp_priority or 6, t.received_at, t.id),
    )
    steps = [
        Step(
            "Granite's TSP services carry equal priority with CenturyLink's: open tickets by TSP restoration "
            "priority (1 first), then those without TSP, each by receipt",
            "V.4.1.2",
        )
    ]
    steps += [
        Step(
            f"{t.id}: {'TSP ' + str(t.tsp_priority) if t.tsp_priority else 'routine'}, received {t.received_at.isoformat()}",
            None,
        )
        for t in live
    ]
    return Explained([t.id for t in live], tuple(steps))


def _emitted(state: Tickets, at: dt.datetime, terms: Terms) -> Explained[Any]:
    charged = [c for c in state.charges if c.emitted is not None]
    return Explained(
        [f"{c.emitted.id} {c.amount}" for c in charged if c.emitted is not None],
        tuple(s for c in charged for s in c.explained.steps),
    )


def _all_refusals(state: Tickets, at: dt.datetime, terms: Terms) -> Explained[Any]:
    return Explained(
        [f"{r.event}: {r.code}" for r in state.refusals], tuple(Step(str(r), r.clause) for r in state.refusals)
    )


TICKETS_QUERIES: Mapping[str, Callable[[Tickets, dt.datetime, Terms], Explained[Any]]] = MappingProxyType(
    {"open": _open, "restoration_order": _order, "emitted": _emitted, "refusals": _all_refusals}
)
"""`tickets.QUERY`: all tickets as of a moment."""


def query(state: Tickets, name: str, at: dt.datetime, terms: Terms) -> Explained[Any]:
    """Answer `ticket.ID.QUERY` or `tickets.QUERY` from a folded state; KeyError if unknown."""
    head, _, rest = name.partition(".")
    if head == "tickets" and rest in TICKETS_QUERIES:
        return TICKETS_QUERIES[rest](state, at, terms)
    tid, _, what = rest.rpartition(".")
    if head == "ticket" and tid and what in TICKET_QUERIES:
        ticket = state.tickets.get(tid)
        if ticket is None:
            raise KeyError(f"no ticket {tid!r} reported as of {at.isoformat()}")
        return TICKET_QUERIES[what](state, ticket, at, terms)
    raise KeyError(f"unknown trouble-ticket query {name!r} (known: {', '.join(queries())})")


def answer(
    events: Iterable[Event], name: str, at: dt.datetime, terms: Terms
) -> tuple[Explained[Any], tuple[TicketError, ...]]:
    """The query answered from the events known at `at`, with the refusals the fold found."""
    state, errors = fold(as_of(events, at, terms), terms)
    return query(state, name, at, terms), errors


def queries() -> list[str]:
    """The query names (ID stands for a ticket id)."""
    return [f"ticket.ID.{q}" for q in TICKET_QUERIES] + [f"tickets.{q}" for q in TICKETS_QUERIES]
