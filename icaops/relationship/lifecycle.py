"""The agreement's lifecycle computed from the event log: set-up, notices, term, disputes, defaults.

`fold` turns events into a `Lifecycle` (plain facts); `query` answers what each party may do
on a date, with the clauses that say so. Billing, ordering and traffic add their own state.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Callable, Mapping


from ..calendar.deadlines import Deadlines
from ..calendar.periods import fmt
from ..explain import Explained, Step
from .events import Event, EventError, EventInputError

__all__ = ["Notice", "Lifecycle", "fold", "query", "LIFECYCLE_EVENTS"]

NOTICE_KINDS = ("termination", "dispute", "default", "deposit_request", "audit", "sale_of_territory", "unauthorized_change", "suspension", "disconnection")


@dataclass(frozen=True, slots=True)
class Notice:
    """A written notice and the day it counts as received (III.34.1)."""

    id: str
    kind: str
    by: str
    method: str
    sent_on: dt.date
    received: Explained[dt.date]
    data: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class Lifecycle:
    """Facts of the relationship, as of the last event folded in."""

    setup_completed_on: dt.date | None = None
    first_order_on: dt.date | None = None
    last_order_on: dt.date | None = None
    successor_requested_on: dt.date | None = None
    notices: Mapping[str, Notice] = field(default_factory=lambda: MappingProxyType({}))
    closed: Mapping[str, dt.date] = field(default_factory=lambda: MappingProxyType({}))


def _notice(state: Lifecycle, e: Event, dl: Deadlines) -> Lifecycle:
    kind = e.require("kind")
    if kind not in NOTICE_KINDS:
        raise EventInputError(e, "kind", f"one of {', '.join(NOTICE_KINDS)}")
    method = e.require("method")
    receipt = e.get("receipt_date")
    try:
        received = dl.notice_received(e.date, method, receipt, kind=kind)
    except ValueError as exc:
        raise EventInputError(e, "method", str(exc)) from None
    notice = Notice(e.id, kind, e.get("by", "ilec"), method, e.date, received, e.data)
    return replace(state, notices=MappingProxyType({**state.notices, e.id: notice}))


def _close(state: Lifecycle, e: Event, dl: Deadlines) -> Lifecycle:
    ref = e.require("refers_to")
    if ref not in state.notices:
        raise EventInputError(e, "refers_to", f"the id of an earlier notice (known: {', '.join(state.notices) or 'none'})")
    return replace(state, closed=MappingProxyType({**state.closed, ref: e.date}))


def _order(state: Lifecycle, e: Event, dl: Deadlines) -> Lifecycle:
    return replace(state, first_order_on=state.first_order_on or e.date, last_order_on=e.date)


LIFECYCLE_EVENTS: Mapping[str, Callable[[Lifecycle, Event, Deadlines], Lifecycle]] = MappingProxyType({
    "account.setup_completed": lambda s, e, dl: replace(s, setup_completed_on=s.setup_completed_on or e.date),
    "order.submitted": _order,
    "notice.given": _notice,
    "dispute.resolved": _close,
    "default.cured": _close,
    "deposit.provided": _close,
    "agreement.successor_requested": lambda s, e, dl: replace(s, successor_requested_on=s.successor_requested_on or e.date),
})


def fold(events: tuple[Event, ...], dl: Deadlines, source: str = "log") -> tuple[Lifecycle, list[EventError]]:
    """The lifecycle after the events (in log order); events of other domains are skipped."""
    state = Lifecycle()
    errors: list[EventError] = []
    for e in events:
        handler = LIFECYCLE_EVENTS.get(e.type)
        if handler is None:
            continue
        try:
            state = handler(state, e, dl)
        except EventInputError as exc:
            errors.append(EventError(source, e.id, exc.field, exc.expected))
    return state, errors


# -- queries ------------------------------------------------------------------------------


def _notice_of(state: Lifecycle, nid: str, kind: str | None = None) -> Notice:
    notice = state.notices.get(nid)
    if notice is None or (kind and notice.kind != kind):
        raise KeyError(f"no {kind or ''} notice with id {nid!r}")
    return notice


def _termination(state: Lifecycle, dl: Deadlines) -> Explained[dt.date] | None:
    notices = [n for n in state.notices.values() if n.kind == "termination"]
    if not notices:
        return None
    notice = min(notices, key=lambda n: n.received.value)
    earliest = dl.termination_date(notice.received.value)
    result = Explained(earliest.value, notice.received.steps + earliest.steps)
    asked = notice_field(notice, "termination_date")
    if asked and asked > earliest.value:
        result = result.then(asked, f"the notice names a later termination date, {fmt(asked)}", "III.2.3")
    return result


def notice_field(notice: Notice, key: str) -> Any:
    """A field the notice event carried (e.g. a requested termination date)."""
    return dict(notice.data).get(key)


def _in_effect(state: Lifecycle, dl: Deadlines, on: dt.date) -> Explained[bool]:
    ends = _termination(state, dl)
    if ends is None:
        return Explained(True, (Step("no Notice of Termination: the Agreement continues (Initial Term, then month to month)", "III.2.2"),))
    last = ends
    requested = state.successor_requested_on
    if requested and requested <= ends.value:
        limit = dl.successor_limit(ends.value)
        last = Explained(limit.value, ends.steps + (Step(f"a successor agreement was requested on {requested.isoformat()}, on or before the termination date", "III.2.4"),) + limit.steps)
    ok = on <= last.value
    verdict = "in effect" if ok else "terminated"
    return Explained(ok, last.steps + (Step(f"on {fmt(on)} the Agreement is {verdict} (it runs through 11:59 p.m. Central on {last.value.isoformat()})", "III.2.5"),))


def _ordering(state: Lifecycle, dl: Deadlines) -> Explained[dt.date]:
    return dl.ordering_allowed_from(state.setup_completed_on)


def _orders_allowed(state: Lifecycle, dl: Deadlines, on: dt.date) -> Explained[bool]:
    gate = _ordering(state, dl)
    done = state.setup_completed_on is not None and state.setup_completed_on <= on
    ok = done and on >= gate.value
    why = "orders may be submitted" if ok else ("account set-up is not complete" if not done else f"orders may not be submitted before {gate.value.isoformat()}")
    return Explained(ok, gate.steps + (Step(f"on {fmt(on)}: {why}", "III.35.2"),))


def _after(rule: str) -> Callable[[Lifecycle, Deadlines, dt.date, str, str], Explained[Any]]:
    def answer(state: Lifecycle, dl: Deadlines, on: dt.date, nid: str, kind: str) -> Explained[Any]:
        notice = _notice_of(state, nid, kind)
        result = dl.rule(rule, notice.received.value, f"notice {nid} received")
        return Explained(result.value, notice.received.steps + result.steps)
    return answer


def _remedies_from(state: Lifecycle, dl: Deadlines, on: dt.date, nid: str, kind: str) -> Explained[Any]:
    notice = _notice_of(state, nid, kind)
    first = dl.day_after("dispute_remedies", notice.received.value, "if the dispute is unresolved, either Party may pursue other remedies", f"notice {nid} received")
    return Explained(first.value, notice.received.steps + first.steps)


def _cure_state(rule: str, clause: str, verb: str) -> Callable[[Lifecycle, Deadlines, dt.date, str, str], Explained[Any]]:
    def answer(state: Lifecycle, dl: Deadlines, on: dt.date, nid: str, kind: str) -> Explained[Any]:
        deadline = _after(rule)(state, dl, on, nid, kind)
        closed = state.closed.get(nid)
        if closed is not None and closed <= deadline.value:
            return deadline.then(False, f"{verb} on {closed.isoformat()}, in time", clause)
        late = on > deadline.value and (closed is None or closed > on)
        text = f"not {verb} by {deadline.value.isoformat()}: on {on.isoformat()} the remedy is available" if late else f"on {on.isoformat()} the period has not run out"
        return deadline.then(late, text, clause)
    return answer


def _inactivity(state: Lifecycle, dl: Deadlines, on: dt.date) -> Explained[dt.date]:
    eff = dl.terms.lifecycle.effective_date.value
    last = state.last_order_on or eff
    label = f"last order {last.isoformat()}" if state.last_order_on else "no order since the Effective Date"
    period = dl.rule("inactivity", last, label)
    first = period.value + dt.timedelta(days=1)
    return period.then(first, f"twelve consecutive months without activity end {period.value.isoformat()}: CenturyLink may terminate from {fmt(first)}", "III.2.2.1")


def _successor_limit(state: Lifecycle, dl: Deadlines, on: dt.date) -> Explained[dt.date]:
    ends = _termination(state, dl)
    if ends is None:
        raise KeyError("no Notice of Termination has been given")
    limit = dl.successor_limit(ends.value)
    return Explained(limit.value, ends.steps + limit.steps)


_PER_NOTICE: Mapping[tuple[str, str], tuple[str, Callable[..., Explained[Any]]]] = {
    ("notice", "received"): ("", lambda s, dl, on, nid, kind: _notice_of(s, nid).received),
    ("dispute", "representative_by"): ("dispute", _after("dispute_representative")),
    ("dispute", "meeting_by"): ("dispute", _after("dispute_meeting")),
    ("dispute", "remedies_from"): ("dispute", _remedies_from),
    ("default", "cure_by"): ("default", _after("default_cure")),
    ("default", "may_terminate"): ("default", _cure_state("default_cure", "III.2.6", "cured")),
    ("deposit", "due_by"): ("deposit_request", _after("deposit_provide")),
    ("deposit", "in_default"): ("deposit_request", _cure_state("deposit_provide", "III.6", "provided")),
    ("audit", "commence_by"): ("audit", _after("audit_commence")),
}

_GLOBAL: Mapping[str, Callable[[Lifecycle, Deadlines, dt.date], Explained[Any]]] = {
    "orders.allowed": _orders_allowed,
    "orders.allowed_from": lambda s, dl, on: _ordering(s, dl),
    "agreement.termination_date": lambda s, dl, on: _termination(s, dl) or _no_termination(),
    "agreement.in_effect": _in_effect,
    "agreement.successor_limit": _successor_limit,
    "inactivity.may_terminate_from": _inactivity,
}


def _no_termination() -> Explained[None]:
    return Explained(None, (Step("no Notice of Termination has been given", "III.2.3"),))


def query(state: Lifecycle, name: str, on: dt.date, dl: Deadlines) -> Explained[Any]:
    """Answer a lifecycle query (see docs/scenarios.md) as of `on`; KeyError if unknown."""
    if name in _GLOBAL:
        return _GLOBAL[name](state, dl, on)
    parts = name.split(".")
    if len(parts) == 3 and (parts[0], parts[2]) in _PER_NOTICE:
        kind, answer = _PER_NOTICE[(parts[0], parts[2])]
        return answer(state, dl, on, parts[1], kind or None)
    raise KeyError(f"unknown state query {name!r}")


def queries() -> list[str]:
    """The query names this module answers (NOTICE stands for a notice id)."""
    return sorted(_GLOBAL) + sorted(f"{a}.ID.{b}" for a, b in _PER_NOTICE)
