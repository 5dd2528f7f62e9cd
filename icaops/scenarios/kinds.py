"""The foundation's expectation kinds: how each `expect:` entry of a scenario is computed.

A kind is a function (context, expectation) -> Answer. Billing and traffic bring their own
state queries and event types as tables of their own (billing_kinds.py, traffic_kinds.py);
registry.py puts the tables together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from ..billing.late_charge import late_payment_charge
from ..calendar.named import NAMED_DEADLINES, as_date, compute_named_deadline, opt_date
from ..calendar.periods import apply_hours_rule
from ..explain import Explained, Step
from ..money import to_money
from ..relationship import lifecycle
from .context import Answer, Context, Handler, StateQuery
from .model import Expectation

__all__ = ["FOUNDATION_EVENTS", "FOUNDATION_KINDS", "FOUNDATION_QUERIES", "as_datetime", "state_kind"]

FOUNDATION_EVENTS: tuple[str, ...] = tuple(lifecycle.LIFECYCLE_EVENTS)
"""Event types the relationship's lifecycle folds."""

FOUNDATION_QUERIES: tuple[str, ...] = tuple(lifecycle.queries())
"""State queries the lifecycle answers (ID stands for a notice id)."""


def as_datetime(value: Any, what: str, zone: dt.tzinfo) -> dt.datetime:
    """An aware datetime from a YAML timestamp or ISO text; naive values are agreement (Central) time."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(
                f"{what}: expected an ISO timestamp such as 2024-11-27T16:30:00-06:00, got {value!r}"
            ) from None
    if not isinstance(value, dt.datetime):
        raise ValueError(f"{what}: expected an ISO timestamp such as 2024-11-27T16:30:00-06:00, got {value!r}")
    return value if value.tzinfo else value.replace(tzinfo=zone)


def _deadline(ctx: Context, exp: Expectation) -> Answer:
    name = str(exp.subject)
    start = exp.spec.get("from")
    dl = ctx.deadlines(start.date() if isinstance(start, dt.datetime) else opt_date(exp.spec, "from"))
    rule = dl.terms.deadlines.get(name)
    if rule is not None and name not in NAMED_DEADLINES and rule.value.offset.unit.value == "hours":
        return Answer(apply_hours_rule(rule, as_datetime(start, "from", dl.cal.zone), dl.cal))
    return Answer(compute_named_deadline(dl, name, dict(exp.spec)))


def _term(ctx: Context, exp: Expectation) -> Answer:
    term = ctx.terms.get(str(exp.subject))
    steps = [Step(f'{exp.subject} = {term.value!r} (quoted: "{term.quote}")', term.clause)]
    steps += [Step(f"supersedes {c.value!r} of {c.layer} ({c.origin})", c.clause) for c in term.supersedes]
    return Answer(Explained(term.value, tuple(steps)))


def _business_day(ctx: Context, exp: Expectation) -> Answer:
    day = as_date(exp.subject, "business_day")
    cal = ctx.deadlines(day).cal
    why = cal.why_not_business_day(day)
    text = f"{day.isoformat()} is a Business Day" if why is None else f"{day.isoformat()} is not a Business Day: {why}"
    return Answer(Explained(why is None, (Step(text, "II.2.10"),)))


def _add_business_days(ctx: Context, exp: Expectation) -> Answer:
    day = as_date(exp.subject, "add_business_days")
    n = int(exp.spec["days"])
    cal = ctx.deadlines(day).cal
    result = cal.add_business_days(day, n)
    step = Step(f"{day.isoformat()} {'+' if n >= 0 else '-'} {abs(n)} Business Days = {result.isoformat()}", "II.2.10")
    return Answer(Explained(result, (step,)))


def _late_charge(ctx: Context, exp: Expectation) -> Answer:
    spec = exp.spec
    bill_date = as_date(spec["bill_date"], "bill_date")
    dl = ctx.deadlines(bill_date)
    due = dl.bill_due_date(bill_date)
    charge = late_payment_charge(
        dl.terms, to_money(spec["balance"]), bill_date, due.value, as_date(spec["paid_on"], "paid_on")
    )
    return Answer(Explained(charge.value, due.steps + charge.steps))


def state_kind(queries: Mapping[str, StateQuery]) -> Handler:
    """The `state` kind: a name whose first segment has a query in `queries` goes there, any other to the lifecycle."""

    def state(ctx: Context, exp: Expectation) -> Answer:
        on = opt_date(exp.spec, "on") or ctx.last_event_date()
        if on is None:
            raise ValueError("state: give `on` (there are no events to take a date from)")
        name = str(exp.subject)
        prefix = name.split(".", 1)[0]
        if "." in name and prefix in queries:
            return queries[prefix](ctx, name, on)
        return Answer(lifecycle.query(ctx.lifecycle, name, on, ctx.deadlines(on)))

    return state


FOUNDATION_KINDS: Mapping[str, Handler] = MappingProxyType(
    {
        "deadline": _deadline,
        "term": _term,
        "business_day": _business_day,
        "add_business_days": _add_business_days,
        "late_charge": _late_charge,
    }
)
"""The foundation's kinds, except `state`, which registry.py builds with every domain's queries."""
