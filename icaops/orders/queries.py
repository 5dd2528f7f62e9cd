"""Questions about the orders, answered with the clauses behind them (docs/scenarios.md, `lsr.…`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from ..explain import Explained, Step
from ..terms.schema import Terms
from .lifecycle import may_cancel_from
from .model import Order, OrdersState

__all__ = ["queries", "query"]


def _notes(order: Order) -> tuple[Step, ...]:
    return tuple(Step(f"{n.on.isoformat()} {n.kind}: {n.text}", n.clause) for n in order.notices)


def _status(order: Order, terms: Terms, on: dt.date) -> Explained[Any]:
    return Explained(order.status, _notes(order))


def _due(order: Order, terms: Terms, on: dt.date) -> Explained[Any]:
    if order.due is None:
        return Explained(None, _notes(order) + (Step("no confirmation yet: no committed due date", "IV.9.1"),))
    return order.due


def _errors(order: Order, terms: Terms, on: dt.date) -> Explained[Any]:
    return Explained(
        [x.code for x in order.errors],
        tuple(Step(f"{x.code} ({x.field}): {x.message}", x.clause) for x in order.errors)
        + (Step(f"{len(order.errors)} error(s) found", "IV.7.2.3"),),
    )


def _expedite(order: Order, terms: Terms, on: dt.date) -> Explained[Any]:
    steps = tuple(Step(n.text, n.clause) for n in order.notices if n.kind == "expedite")
    return Explained(order.expedite, steps or (Step(f"expedite: {order.expedite or 'not requested'}", "IV.9.2"),))


def _cancel_from(order: Order, terms: Terms, on: dt.date) -> Explained[Any]:
    return may_cancel_from(order, terms)


def _met(order: Order, terms: Terms, on: dt.date) -> Explained[Any]:
    if order.completed_on is None or order.due is None:
        return Explained(None, _notes(order))
    ok = order.completed_on <= order.due.value
    return order.due.then(ok, f"completed {order.completed_on.isoformat()}: {'on time' if ok else 'late'}", "IV.7.2.2")


def _emitted(state: OrdersState, order: Order) -> Explained[Any]:
    mine = [e for e in state.emitted if e.id.startswith(f"{order.pon}:")]
    return Explained(
        [e.type for e in mine],
        tuple(Step(f"{e.type} {e.id} on {e.date.isoformat()} for billing", "VIII") for e in mine),
    )


_PER_ORDER: Mapping[str, Callable[[Order, Terms, dt.date], Explained[Any]]] = MappingProxyType(
    {
        "status": _status,
        "due_date": _due,
        "original_due_date": lambda o, t, on: Explained(o.original_due, _notes(o)),
        "errors": _errors,
        "ver": lambda o, t, on: Explained(o.lsr.ver, _notes(o)),
        "expedite": _expedite,
        "may_cancel_from": _cancel_from,
        "met_due_date": _met,
        "notices": lambda o, t, on: Explained([n.kind for n in o.notices], _notes(o)),
    }
)


def _line(state: OrdersState, wtn: str, what: str) -> Explained[Any]:
    line = state.lines.get(wtn)
    if what == "status":
        if line is None:
            return Explained(None, (Step(f"{wtn} is not a line the orders know", "IV.2.4"),))
        return Explained(line.status, (Step(f"{wtn}: {line.status} since {line.since.isoformat()}", "IV.2.4"),))
    if what == "lost_on":
        note = state.line_losses.get(wtn)
        if note is None:
            return Explained(None, (Step(f"no line loss notification for {wtn}", "IV.7.5"),))
        return Explained(note.on, (Step(note.text, note.clause),))
    raise KeyError(f"unknown line query {what!r} (status, lost_on)")


def query(state: OrdersState, name: str, on: dt.date, terms: Terms) -> Explained[Any]:
    """Answer `lsr.PON.QUERY`, `lsr.PON.emitted` or `lsr.line.WTN.status|lost_on`; KeyError if unknown."""
    parts = name.split(".")
    if len(parts) == 4 and parts[1] == "line":
        return _line(state, parts[2], parts[3])
    if len(parts) != 3:
        raise KeyError(f"{name}: expected lsr.PON.QUERY or lsr.line.WTN.QUERY (docs/scenarios.md)")
    order = state.orders.get(parts[1])
    if order is None:
        raise KeyError(f"no LSR with PON {parts[1]!r}")
    if parts[2] == "emitted":
        return _emitted(state, order)
    answer = _PER_ORDER.get(parts[2])
    if answer is None:
        raise KeyError(f"unknown order query {parts[2]!r} (one of: {', '.join(queries())})")
    return answer(order, terms, on)


def queries() -> list[str]:
    """The per-order query names (PON stands for the order's PON)."""
    return [*sorted(_PER_ORDER), "emitted"]
