"""The LSR order lifecycle: a fold over dated events, one handler per event type.

Each handler is `(state, event, inputs) -> (state, errors)`; errors are `OrderError` values
(stable codes, docs/orders.md). A submission goes through the gate (gate.py) and is rejected
with every error found (IV.7.2.3) or acknowledged; a confirmation gives the committed due date
from the terms' interval table (IV.9.1); a jeopardy the revised one (IV.7.2.4); completion
(IV.7.2.2) emits, in `state.emitted`, the events billing already prices (VIII).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

from ..calendar.deadlines import Deadlines
from ..explain import Explained, Step
from ..relationship.events import Event, EventError
from ..relationship.lifecycle import Lifecycle
from ..terms.schema import Terms
from . import gate
from .model import ACTS, OPEN, LineState, Lsr, Order, OrderError, OrderNotice, OrdersState, Standing, WtnItem

__all__ = ["ORDER_EVENTS", "OWN_EVENT_TYPES", "Inputs", "due_date", "fold", "may_cancel_from"]

# Line attributes an LSR may carry; billing's `service.added` reads the same names (IV.4).
LINE_ATTRIBUTES = (
    "grandfathered",
    "lifeline",
    "advanced_services_isp",
    "e911_service",
    "customer_specific_pricing",
    "os_da",
    "special_access",
    "cocot",
    "own_use",
    "suspension",
)
_VARIANT = MappingProxyType({"L": "listing_only", "C": "change_only", "P": "change_only"})


@dataclass(frozen=True, slots=True)
class Inputs:
    """What the fold reads besides the events: the terms, the relationship, the standing by account and day."""

    terms: Terms
    relationship: Lifecycle
    standing: Callable[[str, dt.date], Standing]


Result = tuple[OrdersState, tuple[OrderError, ...]]


def _err(code: str, field: str, message: str, clause: str) -> tuple[OrderError, ...]:
    return (OrderError(code, field, message, clause),)


def _text(e: Event, key: str) -> str | None:
    value = e.get(key)
    return None if value is None else str(value)


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _wtns(e: Event, end_user: str | None, address: str | None, entity: str | None) -> tuple[WtnItem, ...]:
    items = []
    for raw in e.get("wtns") or ():
        if isinstance(raw, Mapping):
            items.append(
                WtnItem(
                    str(raw.get("wtn")),
                    str(raw.get("end_user", end_user or "")),
                    str(raw.get("address", address or "")),
                    str(raw.get("entity", entity or "")),
                )
            )
        else:
            items.append(WtnItem(str(raw), end_user or "", address or "", entity or ""))
    return tuple(items)


def _lsr(e: Event) -> Lsr:
    end_user, address, entity = _text(e, "end_user"), _text(e, "address"), _text(e, "entity")
    return Lsr(
        pon=str(e.get("pon")),
        ver=int(e.get("ver", 1)),
        account=str(e.get("account")),
        ccna=_text(e, "ccna"),
        act=_text(e, "act"),
        entity=entity,
        end_user=end_user,
        address=address,
        wtns=_wtns(e, end_user, address, entity),
        ddd=_date(e.get("ddd")),
        expedite=bool(e.get("expedite", False)),
        expedite_reason=_text(e, "expedite_reason"),
        channel=str(e.get("channel", "electronic")),
        pic_inter=_text(e, "pic_inter"),
        pic_intra=_text(e, "pic_intra"),
        pic_tariff_amount=_text(e, "pic_tariff_amount"),
        class_of_service=_text(e, "class_of_service"),
        end_user_class=_text(e, "end_user_class"),
        usoc=_text(e, "usoc"),
        retail_mrc=_text(e, "retail_mrc"),
        attributes=frozenset(a for a in LINE_ATTRIBUTES if e.get(a)),
        end_users_sharing=int(e.get("end_users_sharing", 1)),
        locations_aggregated=int(e.get("locations_aggregated", 1)),
    )


def _put(state: OrdersState, order: Order) -> OrdersState:
    return replace(state, orders=MappingProxyType({**state.orders, order.pon: order}))


def _notice(order: Order, kind: str, e: Event, text: str, clause: str, **changes: Any) -> Order:
    return replace(order, notices=order.notices + (OrderNotice(kind, e.date, e.id, text, clause),), **changes)


def _event(eid: str, on: dt.date, type_: str, **data: Any) -> Event:
    return Event(eid, on, type_, tuple((k, v) for k, v in data.items() if v is not None))


# -- due dates (IV.9.1, IV.9.2) ------------------------------------------------------------


def due_date(order: Order, terms: Terms, given: dt.date | None = None) -> Explained[dt.date] | OrderError:
    """The committed due date: the later of the desired due date and the end of the standard
    interval (IV.9.1), the desired date itself when an expedite is granted (IV.9.2), or the
    date CenturyLink gives if it is not inside the interval."""
    dl = Deadlines(terms)
    interval = terms.ordering.due_date_intervals
    act = order.lsr.act or "C"
    days = interval.value.get(act, 0)
    earliest = dl.cal.add_business_days(order.submitted_on, days)
    steps = [
        Step(
            f"standard interval for ACT {act} ({ACTS.get(act, act)}): {days} Business Days from submission on "
            f"{order.submitted_on.isoformat()}: {earliest.isoformat()}",
            interval.clause,
        )
    ]
    desired = order.lsr.ddd or earliest
    rolled = dl.cal.next_business_day(desired)
    if rolled != desired:
        steps.append(
            Step(f"desired due date {desired.isoformat()} is not a Business Day: {rolled.isoformat()}", "IV.9.1")
        )
    if order.expedite == "granted":
        value = rolled
        steps.append(Step(f"expedite granted: due on the desired date {value.isoformat()}", "IV.9.2"))
    else:
        value = max(rolled, earliest)
        steps.append(
            Step(f"due date: the later of the desired date and the interval's end: {value.isoformat()}", "IV.9.1")
        )
    if given is not None:
        if given < value and order.expedite != "granted":
            return OrderError(
                "due_date_inside_interval",
                "due_date",
                f"{given.isoformat()} is before {value.isoformat()} and no expedite was granted",
                interval.clause,
            )
        if given != value:
            steps.append(Step(f"CenturyLink specified the due date {given.isoformat()}", "IV.9.1"))
            value = given
    return Explained(value, tuple(steps))


def may_cancel_from(order: Order, terms: Terms) -> Explained[dt.date]:
    """First day CenturyLink may cancel the order for want of activity (VI.16): 31 consecutive
    days after the original service date (the first committed due date, else the desired
    date, else submission), or after the last activity if later."""
    original = order.original_due or order.lsr.ddd or order.submitted_on
    base, label = original, f"original service date {original.isoformat()}"
    if order.last_activity and order.last_activity > original:
        base, label = order.last_activity, f"last activity on the order, {order.last_activity.isoformat()}"
    return Deadlines(terms).day_after("order_cancellation", base, "CenturyLink may cancel the order", label)


# -- handlers ------------------------------------------------------------------------------


def _open_order(state: OrdersState, e: Event, allowed: frozenset[str] = OPEN) -> Order | OrderError:
    pon = e.get("pon")
    order = state.orders.get(str(pon)) if pon is not None else None
    if order is None:
        return OrderError("unknown_order", "pon", f"no LSR with PON {pon!r}", "IV.7.2")
    if order.status not in allowed:
        return OrderError("order_closed", "pon", f"order {order.pon} is {order.status}", "IV.7.2")
    return order


def _submitted(state: OrdersState, e: Event, inp: Inputs) -> Result:
    if e.get("pon") is None or e.get("account") is None:
        return state, _err("field_missing", "pon" if e.get("pon") is None else "account", "PON and account", "IV.7.2")
    lsr = _lsr(e)
    prior = state.orders.get(lsr.pon)
    if prior is not None and prior.status != "rejected":
        return state, _err("pon_duplicate", "pon", f"PON {lsr.pon} is already {prior.status}", "IV.7.2")
    if prior is not None and lsr.ver <= prior.lsr.ver:
        return state, _err("ver_not_incremented", "ver", f"a resubmission needs VER above {prior.lsr.ver}", "IV.7.2.3")
    standing = inp.standing(lsr.account, e.date)
    errors = gate.check(
        lsr, e.date, inp.relationship, standing, inp.terms, state.setup_steps, state.lines, state.unpaid_end_users
    )
    order = Order(lsr.pon, lsr.account, lsr, "acknowledged", e.date, last_activity=e.date)
    if errors:
        text = "; ".join(f"{x.code}: {x.message} ({x.clause})" for x in errors)
        order = _notice(replace(order, status="rejected", errors=errors), "reject", e, text, "IV.7.2.3")
    else:
        order = _notice(
            replace(order, expedite="requested" if lsr.expedite else None),
            "acknowledgement",
            e,
            "LSR accepted for processing",
            "IV.7.2",
        )
    return _put(state, order), ()


def _rejected(state: OrdersState, e: Event, inp: Inputs) -> Result:
    order = _open_order(state, e)
    if isinstance(order, OrderError):
        return state, (order,)
    raw = e.get("errors") or ()
    if not raw:
        return state, _err("errors_missing", "errors", "a reject lists every error found", "IV.7.2.3")
    errors = tuple(
        OrderError(str(r.get("code")), str(r.get("field", "")), str(r.get("message", r.get("code"))), "IV.7.2.3")
        if isinstance(r, Mapping)
        else OrderError(str(r), "", str(r), "IV.7.2.3")
        for r in raw
    )
    text = "; ".join(f"{x.code}: {x.message}" for x in errors)
    return _put(state, _notice(order, "reject", e, text, "IV.7.2.3", status="rejected", errors=errors)), ()


def _confirmed(state: OrdersState, e: Event, inp: Inputs) -> Result:
    order = _open_order(state, e)
    if isinstance(order, OrderError):
        return state, (order,)
    due = due_date(order, inp.terms, _date(e.get("due_date")))
    if isinstance(due, OrderError):
        return state, (due,)
    order = replace(
        order, status="inProgress", due=due, original_due=order.original_due or due.value, last_activity=e.date
    )
    text = f"confirmation: committed due date {due.value.isoformat()}"
    return _put(state, _notice(order, "confirmation", e, text, inp.terms.ordering.due_date_intervals.clause)), ()


def _jeopardy(state: OrdersState, e: Event, inp: Inputs) -> Result:
    order = _open_order(state, e, frozenset({"inProgress", "held"}))
    if isinstance(order, OrderError):
        return state, (order,)
    revised = _date(e.get("revised_due_date"))
    if revised is None:
        return state, _err(
            "revised_due_date_missing", "revised_due_date", "a Jeopardy Notice gives the revised due date", "IV.7.2.4"
        )
    reason = _text(e, "reason") or "no reason given"
    old = order.due.value.isoformat() if order.due else "none"
    due = Explained(
        revised,
        (order.due.steps if order.due else ())
        + (
            Step(
                f"Jeopardy Notice: due date {old} in jeopardy ({reason}); revised to {revised.isoformat()}", "IV.7.2.4"
            ),
        ),
    )
    order = replace(order, status="held", due=due, last_activity=e.date)
    return _put(
        state, _notice(order, "jeopardy", e, f"revised committed due date {revised.isoformat()}", "IV.7.2.4")
    ), ()


def _expedite_charge(terms: Terms) -> str:
    prices = [t for t in terms.prices.values() if (t.value.trigger or {}).get("expedite_granted")]
    if not prices:
        return "no expedite charge in the price list"
    p = prices[0]
    amount = f"${p.value.amount}" if p.value.amount is not None else p.value.basis.replace("_", " ").upper()
    return f"{p.value.description}: {amount} ({p.clause})"


def _expedite(state: OrdersState, e: Event, inp: Inputs) -> Result:
    order = _open_order(state, e)
    if isinstance(order, OrderError):
        return state, (order,)
    if order.expedite != "requested":
        return state, _err(
            "expedite_not_requested", "pon", f"order {order.pon} has no pending expedite request", "IV.9.2"
        )
    granted = e.get("granted")
    if not isinstance(granted, bool):
        return state, _err("field_missing", "granted", "granted: true or false", "IV.9.2")
    order = replace(order, expedite="granted" if granted else "refused", last_activity=e.date)
    if order.status in ("inProgress", "held") and order.due is not None:
        due = due_date(order, inp.terms)
        if not isinstance(due, OrderError):
            order = replace(order, due=due)
    charge = _expedite_charge(inp.terms)
    text = (
        f"expedite granted; charge {charge}"
        if granted
        else f"expedite refused ({_text(e, 'reason') or 'resources not available'}); no expedite charge"
    )
    return _put(state, _notice(order, "expedite", e, text, "IV.9.2")), ()


def _supplemented(state: OrdersState, e: Event, inp: Inputs) -> Result:
    order = _open_order(state, e)
    if isinstance(order, OrderError):
        return state, (order,)
    ver = e.get("ver")
    if ver != order.lsr.ver + 1:
        return state, _err(
            "ver_not_incremented",
            "ver",
            f"a supplement to VER {order.lsr.ver} carries VER {order.lsr.ver + 1}",
            "IV.7.2",
        )
    sup = e.get("sup")
    if sup == "cancel":
        order = replace(order, lsr=replace(order.lsr, ver=ver), status="pendingCancellation", last_activity=e.date)
        return _put(state, order), ()
    if sup != "due_date":
        return state, _err("sup_invalid", "sup", "sup: due_date or cancel", "IV.7.2")
    ddd = _date(e.get("ddd"))
    if ddd is None or ddd < e.date:
        return state, _err("ddd_in_past", "ddd", "a due-date supplement gives a desired due date not past", "IV.9.1")
    order = replace(order, lsr=replace(order.lsr, ver=ver, ddd=ddd), last_activity=e.date)
    if order.due is not None:
        due = due_date(order, inp.terms)
        if isinstance(due, OrderError):
            return state, (due,)
        order = _notice(
            replace(order, due=due), "confirmation", e, f"committed due date {due.value.isoformat()}", "IV.9.1"
        )
    return _put(state, order), ()


def _service_order_charge(order: Order, e: Event) -> Event:
    """The `order.submitted` billing prices (VIII): the LSR's service order charge, dated its submission."""
    return _event(
        f"{order.pon}:order.submitted",
        order.submitted_on,
        "order.submitted",
        account=order.account,
        order=order.pon,
        channel=order.lsr.channel,
        variant=_VARIANT.get(order.lsr.act or "", "standard"),
        expedite_granted=order.expedite == "granted" or None,
        as_is=(order.lsr.act == "W") or None,
    )


def _cancelled(state: OrdersState, e: Event, inp: Inputs) -> Result:
    order = _open_order(state, e, OPEN | {"pendingCancellation"})
    if isinstance(order, OrderError):
        return state, (order,)
    reason = _text(e, "reason") or ("supplement" if order.status == "pendingCancellation" else None)
    if reason == "inactivity":
        first = may_cancel_from(order, inp.terms)
        if e.date < first.value:
            return state, _err(
                "cancel_too_early",
                "date",
                f"the order had activity within 31 days: it may be cancelled from {first.value.isoformat()}",
                "VI.16",
            )
    elif order.status != "pendingCancellation":
        return state, _err(
            "cancel_not_requested", "reason", "no cancel supplement; reason: inactivity for VI.16", "VI.16"
        )
    clause = "VI.16" if reason == "inactivity" else "IV.7.2"
    order = _notice(
        replace(order, status="cancelled", cancelled_on=e.date, cancel_reason=reason),
        "cancellation",
        e,
        f"order cancelled ({reason})",
        clause,
    )
    state = replace(state, emitted=state.emitted + (_service_order_charge(order, e),))
    return _put(state, order), ()


def _completion_events(order: Order, e: Event, wtns: tuple[str, ...]) -> tuple[Event, ...]:
    lsr, on, out = order.lsr, e.date, [_service_order_charge(order, e)]
    if lsr.act in ("N", "W", "V"):
        flags = dict.fromkeys(lsr.attributes, True)
        out += [
            _event(
                f"{order.pon}:service.added:{w}",
                on,
                "service.added",
                account=order.account,
                wtn=w,
                usoc=lsr.usoc,
                class_of_service=lsr.class_of_service,
                retail_mrc=lsr.retail_mrc,
                **flags,
            )
            for w in wtns
        ]
    elif lsr.act == "D":
        out += [
            _event(f"{order.pon}:service.removed:{w}", on, "service.removed", account=order.account, wtn=w)
            for w in wtns
        ]
    elif lsr.act in ("S", "B"):
        kind = "service.suspended" if lsr.act == "S" else "service.restored"
        out.append(_event(f"{order.pon}:{kind}", on, kind, account=order.account, lines=len(wtns)))
    for pic, name in ((lsr.pic_inter, "inter"), (lsr.pic_intra, "intra")):
        if pic:
            out += [
                _event(
                    f"{order.pon}:pic.changed:{w}:{name}",
                    on,
                    "pic.changed",
                    account=order.account,
                    tariff_amount=lsr.pic_tariff_amount,
                )
                for w in wtns
            ]
    return tuple(out)


_LINE_AFTER: Mapping[str, str] = MappingProxyType(
    {"N": "in_service", "W": "in_service", "V": "in_service", "D": "disconnected", "S": "suspended", "B": "in_service"}
)

_INSTALLS = frozenset({"N", "W", "V"})
"""Acts that put a line in service for the CLEC: new connect, as-is transfer (IV.7.11), transfer
from another reseller (IV.7.12); the Customer Service Record names that order's End User."""


def _completed(state: OrdersState, e: Event, inp: Inputs) -> Result:
    order = _open_order(state, e, frozenset({"inProgress", "held"}))
    if isinstance(order, OrderError):
        return state, (order,)
    assigned = tuple(str(w) for w in (e.get("wtns") or ()))
    wtns = tuple(w.wtn for w in order.lsr.wtns) or assigned
    if not wtns and order.lsr.act == "N":
        return state, _err(
            "wtn_missing", "wtns", "the completion of a new connect names the numbers assigned", "IV.7.3"
        )
    mrc = _text(e, "retail_mrc") or order.lsr.retail_mrc
    if order.lsr.act in ("N", "W", "V") and mrc is None:
        return state, _err(
            "retail_rate_missing", "retail_mrc", "the monthly retail rate of the line, for its resale rate", "IV.3.1.1"
        )
    order = replace(order, lsr=replace(order.lsr, retail_mrc=mrc))
    order = _notice(
        replace(order, status="completed", completed_on=e.date, assigned_wtns=assigned, last_activity=e.date),
        "completion",
        e,
        f"Service Order Completion on {e.date.isoformat()}",
        "IV.7.2.2",
    )
    lines = dict(state.lines)
    after = _LINE_AFTER.get(order.lsr.act or "")
    if after is not None:
        for w in wtns:
            prior = lines.get(w)
            keep = prior.attributes if prior else frozenset()
            installed = order.pon if order.lsr.act in _INSTALLS else (prior.installed_by if prior else None)
            lines[w] = LineState(w, order.account, after, e.date, keep | order.lsr.attributes, installed)
    state = replace(state, lines=MappingProxyType(lines), emitted=state.emitted + _completion_events(order, e, wtns))
    return _put(state, order), ()


def _failed(state: OrdersState, e: Event, inp: Inputs) -> Result:
    order = _open_order(state, e)
    if isinstance(order, OrderError):
        return state, (order,)
    reason = _text(e, "reason") or "no reason given"
    return _put(state, _notice(order, "failed", e, reason, "IV.1.2", status="failed", last_activity=e.date)), ()


def _line_loss(state: OrdersState, e: Event, inp: Inputs) -> Result:
    wtn = _text(e, "wtn")
    line = state.lines.get(wtn or "")
    if line is None or line.status not in ("in_service", "suspended"):
        return state, _err("wtn_not_in_service", "wtn", f"{wtn} is not a resold line of the CLEC in service", "IV.7.5")
    note = OrderNotice(
        "line_loss",
        e.date,
        e.id,
        f"{wtn} changed its local carrier ({_text(e, 'new_carrier') or 'not named'})",
        "IV.7.5",
    )
    lines = {**state.lines, line.wtn: replace(line, status="lost", since=e.date)}
    removed = _event(f"{e.id}:service.removed", e.date, "service.removed", account=line.account, wtn=line.wtn)
    return (
        replace(
            state,
            lines=MappingProxyType(lines),
            line_losses=MappingProxyType({**state.line_losses, line.wtn: note}),
            emitted=state.emitted + (removed,),
        ),
        (),
    )


def _setup_step(state: OrdersState, e: Event, inp: Inputs) -> Result:
    term = inp.terms.ordering.account_setup_requirements
    step = _text(e, "step")
    if step not in term.value:
        return state, _err("step_unknown", "step", f"one of {', '.join(term.value)}", term.clause)
    if step in state.setup_steps:
        return state, ()
    return replace(state, setup_steps=MappingProxyType({**state.setup_steps, step: e.date})), ()


def _end_user_balance(state: OrdersState, e: Event, inp: Inputs) -> Result:
    who = _text(e, "end_user")
    if who is None:
        return state, _err("field_missing", "end_user", "the End User (name or WTN)", "IV.2.3")
    unpaid = state.unpaid_end_users | {who} if e.get("unpaid", True) else state.unpaid_end_users - {who}
    return replace(state, unpaid_end_users=frozenset(unpaid)), ()


def _service_added(state: OrdersState, e: Event, inp: Inputs) -> Result:
    wtn = _text(e, "wtn")
    if wtn is None:
        return state, ()
    attrs = frozenset(a for a in LINE_ATTRIBUTES if e.get(a))
    prior = state.lines.get(wtn)  # a completion's own service.added keeps the order that installed the line
    same = prior is not None and prior.status == "in_service" and prior.since == e.date
    installed = prior.installed_by if same and prior is not None else None
    line = LineState(wtn, str(e.get("account", "")), "in_service", e.date, attrs, installed)
    return replace(state, lines=MappingProxyType({**state.lines, wtn: line})), ()


def _service_removed(state: OrdersState, e: Event, inp: Inputs) -> Result:
    wtn = _text(e, "wtn") or _text(e, "line_id")
    line = state.lines.get(wtn or "")
    if line is None:
        return state, ()
    return replace(
        state, lines=MappingProxyType({**state.lines, line.wtn: replace(line, status="disconnected", since=e.date)})
    ), ()


ORDER_EVENTS: Mapping[str, Callable[[OrdersState, Event, Inputs], Result]] = MappingProxyType(
    {
        "lsr.submitted": _submitted,
        "lsr.rejected": _rejected,
        "lsr.confirmed": _confirmed,
        "lsr.jeopardy": _jeopardy,
        "lsr.expedite_decided": _expedite,
        "lsr.supplemented": _supplemented,
        "lsr.cancelled": _cancelled,
        "lsr.completed": _completed,
        "lsr.failed": _failed,
        "lsr.line_loss": _line_loss,
        "account.setup_step_completed": _setup_step,
        "end_user.balance": _end_user_balance,
        "service.added": _service_added,
        "service.removed": _service_removed,
    }
)
"""The handler of each event type the orders read (the last two keep the lines known)."""

OWN_EVENT_TYPES: tuple[str, ...] = tuple(t for t in ORDER_EVENTS if not t.startswith("service."))
"""The event types this package defines (service.* are billing's)."""


def fold(events: tuple[Event, ...], inp: Inputs, source: str = "log") -> tuple[OrdersState, list[EventError]]:
    """The orders after the events (in log order); events of other domains are skipped."""
    state = OrdersState()
    errors: list[EventError] = []
    for e in events:
        handler = ORDER_EVENTS.get(e.type)
        if handler is None:
            continue
        state, found = handler(state, e, inp)
        errors += [EventError(source, e.id, x.field, f"{x.message} [{x.code}, {x.clause}]") for x in found]
    return state, errors
