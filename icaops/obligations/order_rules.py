"""Obligations of LSR orders (IV.7–IV.9, VI.16), read off the orders fold (icaops/orders).

The committed due date and the day an order may be cancelled are the fold's own
(`lifecycle.due_date`, `lifecycle.may_cancel_from`); the notices are the order's notices
(confirmation, jeopardy, completion) with the events that gave them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ..explain import Explained, Step
from ..orders.lifecycle import due_date, may_cancel_from
from ..orders.model import Order, OrderError, OrderNotice
from .model import Consequence, Duty, Fulfilment, PartyRef
from .relationship import Relationship

__all__ = ["order_cancellation", "order_completion", "order_confirmation", "order_jeopardy"]

_CLOSED = frozenset({"cancelled", "failed"})


def _notice(order: Order, kind: str) -> OrderNotice | None:
    return next((n for n in order.notices if n.kind == kind), None)


def _fulfilment(notice: OrderNotice | None, text: str) -> Fulfilment | None:
    return None if notice is None else Fulfilment(notice.event_id, notice.on, text)


def _ended_on(order: Order) -> dt.date | None:
    """The day a cancelled or failed order ended (nothing is owed on it after that)."""
    if order.status not in _CLOSED:
        return None
    return order.cancelled_on or order.last_activity or order.submitted_on


def _orders(rel: Relationship) -> Iterator[Order]:
    """Orders accepted at the gate (a rejected LSR creates nothing but its reject notice, IV.7.2.3)."""
    for order in sorted(rel.orders.orders.values(), key=lambda o: (o.submitted_on, o.pon)):
        if order.status != "rejected":
            yield order


def order_confirmation(rel: Relationship) -> Iterator[Duty]:
    """IV.9.1: for an LSR accepted, CenturyLink specifies a due date "based on the available dates
    within the applicable interval": the confirmation is owed by the end of that interval."""
    for order in _orders(rel):
        interval = due_date(order, rel.terms)
        if isinstance(interval, OrderError):  # the fold refused the date: its own error to report
            continue
        confirmed = _notice(order, "confirmation")
        ended = _ended_on(order)
        if confirmed is None and ended is not None and ended <= interval.value:
            continue  # cancelled or failed before a date was owed
        yield Duty(
            id=f"order_confirmation:{order.pon}",
            rule="order_confirmation",
            debtor=PartyRef("ilec"),
            creditor=PartyRef("clec", order.account),
            clause=rel.terms.ordering.due_date_intervals.clause,
            owed=f"confirm LSR {order.pon} with its committed due date",
            trigger=_trigger(order, "acknowledgement"),
            due=interval,
            fulfilled=_fulfilment(confirmed, "the confirmation gave the committed due date"),
        )


def order_completion(rel: Relationship) -> Iterator[Duty]:
    """IV.9.1, IV.7.2.2: a confirmed order is completed, with its Service Order Completion notice,
    by the Committed Due Date (the revised one after a Jeopardy Notice, IV.7.2.4)."""
    for order in _orders(rel):
        if order.due is None:
            continue
        ended = _ended_on(order)
        if ended is not None and ended <= order.due.value:
            continue
        yield Duty(
            id=f"order_completion:{order.pon}",
            rule="order_completion",
            debtor=PartyRef("ilec"),
            creditor=PartyRef("clec", order.account),
            clause="IV.7.2.2",
            owed=f"complete LSR {order.pon} and send its Service Order Completion notice",
            trigger=_trigger(order, "confirmation"),
            due=order.due,
            fulfilled=_fulfilment(_notice(order, "completion"), "Service Order Completion notice"),
        )


def order_jeopardy(rel: Relationship) -> Iterator[Duty]:
    """IV.7.2.4: when the Committed Due Date is in jeopardy CenturyLink gives a Jeopardy Notice with
    the revised date. Owed once the first committed date passes without completion: by that date."""
    for order in _orders(rel):
        first = order.original_due
        if first is None or (rel.as_of <= first and order.completed_on is None):
            continue  # not yet known whether the date will be missed
        if order.completed_on is not None and order.completed_on <= first:
            continue
        ended = _ended_on(order)
        if ended is not None and ended <= first:
            continue
        due = Explained(
            first,
            (
                Step(f"LSR {order.pon}: first Committed Due Date {first.isoformat()}", "IV.9.1"),
                Step(
                    "not completed by then"
                    + (f" (completed {order.completed_on.isoformat()})" if order.completed_on else "")
                    + ": a Jeopardy Notice with the revised date was owed by that date",
                    "IV.7.2.4",
                ),
            ),
        )
        yield Duty(
            id=f"order_jeopardy:{order.pon}",
            rule="order_jeopardy",
            debtor=PartyRef("ilec"),
            creditor=PartyRef("clec", order.account),
            clause="IV.7.2.4",
            owed=f"give a Jeopardy Notice with the revised Committed Due Date of LSR {order.pon}",
            trigger=_trigger(order, "confirmation"),
            due=due,
            fulfilled=_fulfilment(_notice(order, "jeopardy"), "Jeopardy Notice with the revised date"),
        )


def order_cancellation(rel: Relationship) -> Iterator[Duty]:
    """VI.16: an order without activity within 31 consecutive days after its original service date
    may be cancelled by CenturyLink: Granite keeps it by activity on it (an option that lapses)."""
    for order in _orders(rel):
        if order.status in _CLOSED:
            continue
        first = may_cancel_from(order, rel.terms)
        last = first.value - dt.timedelta(days=1)
        due = Explained(last, first.steps[:-1] + (Step(f"activity on the order keeps it through {last}", "VI.16"),))
        done = order.completed_on
        yield Duty(
            id=f"order_cancellation:{order.pon}",
            rule="order_cancellation",
            debtor=PartyRef("clec", order.account),
            creditor=PartyRef("ilec"),
            clause=rel.terms.deadline("order_cancellation").clause,
            owed=f"activity on LSR {order.pon} within 31 days after its original service date",
            trigger=_trigger(order, "confirmation"),
            due=due,
            nature="option",
            fulfilled=None if done is None else Fulfilment(_trigger(order, "completion"), done, "the order completed"),
            consequences=(
                Consequence(
                    "order_cancellation",
                    f"CenturyLink may cancel LSR {order.pon}",
                    rel.terms.deadline("order_cancellation").clause,
                    first,
                ),
            ),
        )


def _trigger(order: Order, kind: str) -> str:
    notice = _notice(order, kind)
    return notice.event_id if notice is not None else order.pon
