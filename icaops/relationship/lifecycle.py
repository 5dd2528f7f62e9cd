"""The agreement's lifecycle computed from the event log: set-up, notices, term, disputes, defaults.

`fold` turns events into a `Lifecycle` (plain facts); `query` answers what each party may do
on a date, with the clauses that say so. Billing, ordering and traffic add their own state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from ..calendar.deadlines import Deadlines
from ..calendar.periods import fmt
from ..explain import Explained, Step
from .events import Event, EventError, EventInputError

__all__ = ["LIFECYCLE_EVENTS", "Activity", "Lifecycle", "LineInService", "Notice", "fold", "query"]

NOTICE_KINDS = (
    "termination",
    "dispute",
    "default",
    "deposit_request",
    "audit",
    "sale_of_territory",
    "unauthorized_change",
    "suspension",
    "disconnection",
)


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


@dataclass(frozen=True, slots=True)
class Activity:
    """Something Granite did that counts against inactivity (III.2.2.1), of one kind of `lifecycle.inactivity_activities`."""

    kind: str  # pre_ordering | orders | resale_usage
    on: dt.date
    event_id: str


@dataclass(frozen=True, slots=True)
class LineInService:
    """A resold line in service from `start` through `end` (None: still in service)."""

    line: str
    start: dt.date
    end: dt.date | None = None


@dataclass(frozen=True)
class Lifecycle:
    """Facts of the relationship, as of the last event folded in."""

    setup_completed_on: dt.date | None = None
    first_order_on: dt.date | None = None
    last_order_on: dt.date | None = None
    successor_requested_on: dt.date | None = None
    notices: Mapping[str, Notice] = field(default_factory=lambda: MappingProxyType({}))
    closed: Mapping[str, dt.date] = field(default_factory=lambda: MappingProxyType({}))
    activities: tuple[Activity, ...] = ()
    lines: tuple[LineInService, ...] = ()


def _as_date(value: Any) -> Any:
    """A date field as a date: an ISO text (a JSON event file, an API request) is read as one."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _notice(state: Lifecycle, e: Event, dl: Deadlines) -> Lifecycle:
    kind = e.require("kind")
    if kind not in NOTICE_KINDS:
        raise EventInputError(e, "kind", f"one of {', '.join(NOTICE_KINDS)}")
    method = e.require("method")
    receipt = _as_date(e.get("receipt_date"))
    try:
        received = dl.notice_received(e.date, method, receipt, kind=kind)
    except ValueError as exc:
        raise EventInputError(e, "method", str(exc)) from None
    notice = Notice(e.id, kind, e.get("by", "ilec"), method, e.date, received, e.data)
    return replace(state, notices=MappingProxyType({**state.notices, e.id: notice}))


def _close(state: Lifecycle, e: Event, dl: Deadlines) -> Lifecycle:
    ref = e.require("refers_to")
    if ref not in state.notices:
        raise EventInputError(
            e, "refers_to", f"the id of an earlier notice (known: {', '.join(state.notices) or 'none'})"
        )
    return replace(state, closed=MappingProxyType({**state.closed, ref: e.date}))


def _order(state: Lifecycle, e: Event, dl: Deadlines) -> Lifecycle:
    return replace(
        state,
        first_order_on=state.first_order_on or e.date,
        last_order_on=e.date,
        activities=state.activities + (Activity("orders", e.date, e.id),),
    )


def _setup(state: Lifecycle, e: Event, dl: Deadlines) -> Lifecycle:
    return replace(
        state,
        setup_completed_on=state.setup_completed_on or e.date,
        activities=state.activities + (Activity("pre_ordering", e.date, e.id),),
    )


def _line_key(e: Event) -> str:
    return f"{e.get('account', '')}/{e.get('line_id') or e.get('wtn') or e.id}"


def _line_added(state: Lifecycle, e: Event, dl: Deadlines) -> Lifecycle:
    key = _line_key(e)
    if any(s.line == key and s.end is None for s in state.lines):
        return state
    return replace(state, lines=state.lines + (LineInService(key, e.date),))


def _line_removed(state: Lifecycle, e: Event, dl: Deadlines) -> Lifecycle:
    # The last day of service is the day before the removal (docs/scenarios.md, service.removed).
    key = _line_key(e)
    last = e.date - dt.timedelta(days=1)
    return replace(
        state, lines=tuple(replace(s, end=last) if s.line == key and s.end is None else s for s in state.lines)
    )


def _usage(state: Lifecycle, e: Event, dl: Deadlines) -> Lifecycle:
    count = e.get("count")
    if not isinstance(count, int) or count <= 0:
        return state  # billing validates the count; no messages is no activity
    return replace(state, activities=state.activities + (Activity("resale_usage", e.date, e.id),))


LIFECYCLE_EVENTS: Mapping[str, Callable[[Lifecycle, Event, Deadlines], Lifecycle]] = MappingProxyType(
    {
        "account.setup_completed": _setup,
        "order.submitted": _order,
        "csr.searched": lambda s, e, dl: replace(
            s, activities=s.activities + (Activity("pre_ordering", e.date, e.id),)
        ),
        "service.added": _line_added,
        "service.removed": _line_removed,
        "usage.messages": _usage,
        "notice.given": _notice,
        "dispute.resolved": _close,
        "default.cured": _close,
        "deposit.provided": _close,
        "agreement.successor_requested": lambda s, e, dl: replace(
            s, successor_requested_on=s.successor_requested_on or e.date
        ),
    }
)


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
    asked = _as_date(notice_field(notice, "termination_date"))
    if asked and asked > earliest.value:
        result = result.then(asked, f"the notice names a later termination date, {fmt(asked)}", "III.2.3")
    return result


def notice_field(notice: Notice, key: str) -> Any:
    """A field the notice event carried (e.g. a requested termination date)."""
    return dict(notice.data).get(key)


def _last_day(state: Lifecycle, dl: Deadlines) -> Explained[dt.date] | None:
    """The Agreement's last day: the termination date, or the successor limit (III.2.4)."""
    ends = _termination(state, dl)
    if ends is None:
        return None
    requested = state.successor_requested_on
    if not (requested and requested <= ends.value):
        return ends
    limit = dl.successor_limit(ends.value)
    return Explained(
        limit.value,
        ends.steps
        + (
            Step(
                f"a successor agreement was requested on {requested.isoformat()}, on or before the termination date",
                "III.2.4",
            ),
        )
        + limit.steps,
    )


def _ends_at(last: Explained[dt.date], dl: Deadlines) -> Explained[dt.datetime]:
    """The moment the Agreement terminates on its last day (III.2.5), in the agreement's time zone."""
    hour = dl.terms.lifecycle.termination_time
    moment = dt.datetime.combine(last.value, hour.value, tzinfo=dl.cal.zone)
    return last.then(
        moment,
        f"the Agreement terminates at {hour.value:%H:%M} {dl.cal.zone.key} on {last.value.isoformat()}: {moment.isoformat()}",
        hour.clause,
    )


def _terminates_at(state: Lifecycle, dl: Deadlines, on: dt.date) -> Explained[Any]:
    last = _last_day(state, dl)
    return _no_termination() if last is None else _ends_at(last, dl)


def _in_effect(state: Lifecycle, dl: Deadlines, on: dt.date) -> Explained[bool]:
    last = _last_day(state, dl)
    if last is None:
        return Explained(
            True,
            (Step("no Notice of Termination: the Agreement continues (Initial Term, then month to month)", "III.2.2"),),
        )
    ends = _ends_at(last, dl)
    start_of_day = dt.datetime.combine(on, dt.time(0), tzinfo=dl.cal.zone)
    # In effect on a day when it has not terminated when that day begins.
    ok = start_of_day < ends.value
    verdict = "in effect" if ok else "terminated"
    return Explained(
        ok,
        ends.steps + (Step(f"on {fmt(on)} the Agreement is {verdict}", dl.terms.lifecycle.termination_time.clause),),
    )


def _ordering(state: Lifecycle, dl: Deadlines) -> Explained[dt.date]:
    return dl.ordering_allowed_from(state.setup_completed_on)


def _orders_allowed(state: Lifecycle, dl: Deadlines, on: dt.date) -> Explained[bool]:
    gate = _ordering(state, dl)
    done = state.setup_completed_on is not None and state.setup_completed_on <= on
    ok = done and on >= gate.value
    why = (
        "orders may be submitted"
        if ok
        else (
            "account set-up is not complete"
            if not done
            else f"orders may not be submitted before {gate.value.isoformat()}"
        )
    )
    return Explained(ok, gate.steps + (Step(f"on {fmt(on)}: {why}", "III.35.2"),))


def _after(rule: str) -> Callable[[Lifecycle, Deadlines, dt.date, str, str], Explained[Any]]:
    def answer(state: Lifecycle, dl: Deadlines, on: dt.date, nid: str, kind: str) -> Explained[Any]:
        notice = _notice_of(state, nid, kind)
        result = dl.rule(rule, notice.received.value, f"notice {nid} received")
        return Explained(result.value, notice.received.steps + result.steps)

    return answer


def _remedies_from(state: Lifecycle, dl: Deadlines, on: dt.date, nid: str, kind: str) -> Explained[Any]:
    notice = _notice_of(state, nid, kind)
    first = dl.day_after(
        "dispute_remedies",
        notice.received.value,
        "if the dispute is unresolved, either Party may pursue other remedies",
        f"notice {nid} received",
    )
    return Explained(first.value, notice.received.steps + first.steps)


def _cure_state(
    rule: str, clause: str, verb: str
) -> Callable[[Lifecycle, Deadlines, dt.date, str, str], Explained[Any]]:
    def answer(state: Lifecycle, dl: Deadlines, on: dt.date, nid: str, kind: str) -> Explained[Any]:
        deadline = _after(rule)(state, dl, on, nid, kind)
        closed = state.closed.get(nid)
        if closed is not None and closed <= deadline.value:
            return deadline.then(False, f"{verb} on {closed.isoformat()}, in time", clause)
        late = on > deadline.value and (closed is None or closed > on)
        text = (
            f"not {verb} by {deadline.value.isoformat()}: on {on.isoformat()} the remedy is available"
            if late
            else f"on {on.isoformat()} the period has not run out"
        )
        return deadline.then(late, text, clause)

    return answer


_ACTIVITY_TEXT: Mapping[str, str] = MappingProxyType(
    {
        "pre_ordering": "pre-ordering activity (account set-up, CSR search)",
        "orders": "order submitted",
        "resale_usage": "messages of resold lines (Local Traffic)",
    }
)


def _last_activity(state: Lifecycle, kinds: tuple[str, ...], on: dt.date) -> list[tuple[dt.date, str]]:
    """(date, text) of the last activity of each kind counted, up to `on`; kinds without any say so."""
    found: list[tuple[dt.date, str]] = []
    for kind in (k for k in _ACTIVITY_TEXT if k in kinds):
        seen = [a for a in state.activities if a.kind == kind and a.on <= on]
        if seen:
            last = max(seen, key=lambda a: a.on)
            found.append((last.on, f"last {_ACTIVITY_TEXT[kind]}: {last.on.isoformat()} ({last.event_id})"))
    if "resold_lines_in_service" in kinds:
        stretches = [s for s in state.lines if s.start <= on]
        if stretches:
            through = max(min(s.end or on, on) for s in stretches)
            live = sum(1 for s in stretches if s.end is None or s.end >= on)
            text = (
                f"{live} resold line(s) in service on {on.isoformat()}: active every day they are in service"
                if live
                else f"last day a resold line was in service: {through.isoformat()}"
            )
            found.append((through, text))
    return found


def _inactivity(state: Lifecycle, dl: Deadlines, on: dt.date) -> Explained[dt.date]:
    term = dl.terms.lifecycle.inactivity_activities
    counted = _last_activity(state, term.value, on)
    steps = [Step(f"activity counted (interpretation inactivity-activity): {', '.join(term.value)}", term.clause)]
    steps += [Step(text, term.clause) for _, text in counted]
    if counted:
        last = max(day for day, _ in counted)
        label = "Granite's last activity"
    else:
        last = dl.terms.lifecycle.effective_date.value
        steps.append(Step(f"no activity up to {on.isoformat()}: counted from the Effective Date", term.clause))
        label = "Effective Date"
    period = dl.rule("inactivity", last, label)
    first = period.value + dt.timedelta(days=1)
    live = (
        any(s.start <= on and (s.end is None or s.end >= on) for s in state.lines)
        and "resold_lines_in_service" in term.value
    )
    note = f" (lines are in service on {on.isoformat()}: only if they and all other activity stop then)" if live else ""
    return Explained(
        first,
        tuple(steps)
        + period.steps
        + (
            Step(
                f"twelve consecutive months without activity end {period.value.isoformat()}: CenturyLink may terminate from {fmt(first)}{note}",
                term.clause,
            ),
        ),
    )


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
    "agreement.terminates_at": _terminates_at,
    "agreement.successor_limit": _successor_limit,
    "inactivity.may_terminate_from": _inactivity,
}


def _no_termination() -> Explained[None]:
    return Explained(None, (Step("no Notice of Termination has been given", "III.2.3"),))


def query(state: Lifecycle, name: str, on: dt.date, dl: Deadlines) -> Explained[Any]:
    """Answer a lifecycle query (see docs/scenarios.md) as of `on`; KeyError if unknown."""
    if name in _GLOBAL:
        return _GLOBAL[name](state, dl, on)
    # kind.NOTICE_ID.answer; a notice id may itself hold dots (the gateway's "type:hex" ids).
    parts = name.split(".")
    if len(parts) >= 3 and (parts[0], parts[-1]) in _PER_NOTICE:
        kind, answer = _PER_NOTICE[(parts[0], parts[-1])]
        return answer(state, dl, on, ".".join(parts[1:-1]), kind or None)
    raise KeyError(f"unknown state query {name!r}")


def queries() -> list[str]:
    """The query names this module answers (NOTICE stands for a notice id)."""
    return sorted(_GLOBAL) + sorted(f"{a}.ID.{b}" for a, b in _PER_NOTICE)
