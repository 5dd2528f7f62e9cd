"""Expectation kinds: how each `expect:` entry of a scenario is computed.

A kind is a function (context, expectation) -> Explained value. Later parts of the system
(billing, ordering, traffic) register their own kinds and state queries here without
changing the file format.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable

from ..billing.late_charge import late_payment_charge
from ..calendar.deadlines import Deadlines
from ..calendar.periods import apply_hours_rule
from ..explain import Explained, Step
from ..money import to_money
from ..relationship import lifecycle
from ..relationship.events import Event
from ..terms.loader import Agreement
from .model import Expectation

__all__ = ["Context", "EXPECTATION_KINDS", "STATE_QUERIES", "KNOWN_EVENT_TYPES", "expectation_kind", "DEADLINE_KINDS"]


@dataclass
class Context:
    """What a scenario's expectations are computed from."""

    agreement: Agreement
    events: tuple[Event, ...]
    errors: list = field(default_factory=list)
    _lifecycle: Any = None

    @property
    def terms(self):
        return self.agreement.terms

    def deadlines(self, on: dt.date | None = None) -> Deadlines:
        """Deadline functions for the terms in force on `on` (all layers if None)."""
        return Deadlines(self.agreement.terms_at(on) if on else self.agreement.terms)

    @property
    def lifecycle(self) -> lifecycle.Lifecycle:
        if self._lifecycle is None:
            self._lifecycle, errors = lifecycle.fold(self.events, self.deadlines())
            self.errors.extend(errors)
        return self._lifecycle

    def last_event_date(self) -> dt.date | None:
        return self.events[-1].date if self.events else None


Handler = Callable[[Context, Expectation], Explained[Any]]
EXPECTATION_KINDS: dict[str, Handler] = {}
STATE_QUERIES: list[Callable[[Context, str, dt.date], Explained[Any] | None]] = []
# Event types some part of the system understands; a scenario using another is an error.
KNOWN_EVENT_TYPES: set[str] = set(lifecycle.LIFECYCLE_EVENTS)


def expectation_kind(name: str) -> Callable[[Handler], Handler]:
    """Register a handler for `expect: - NAME: ...` entries."""
    def register(fn: Handler) -> Handler:
        EXPECTATION_KINDS[name] = fn
        return fn
    return register


def as_date(value: Any, what: str) -> dt.date:
    """A date from a YAML date or ISO string; ValueError naming `what` otherwise."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"{what}: expected an ISO date such as 2012-08-04, got {value!r}")


def _opt_date(spec, key):
    return as_date(spec[key], key) if spec.get(key) is not None else None


# -- deadlines ---------------------------------------------------------------------------

DeadlineKind = Callable[[Deadlines, dict], Explained[Any]]

DEADLINE_KINDS: dict[str, DeadlineKind] = {
    "dispute_filing": lambda dl, s: dl.dispute_filing_deadline(as_date(s["from"], "from")),
    "dispute_credit": lambda dl, s: dl.dispute_credit_deadline(as_date(s["from"], "from"), as_date(s["anchor"], "anchor")),
    "notice_received": lambda dl, s: dl.notice_received(as_date(s["from"], "from"), s["method"], _opt_date(s, "receipt")),
    "order_suspension": lambda dl, s: dl.nonpayment(as_date(s["from"], "from"), suspension_notice_on=_opt_date(s, "notice")).earliest_suspension,
    "order_suspension_notice_by": lambda dl, s: dl.nonpayment(as_date(s["from"], "from")).suspension_notice_by,
    "disconnection": lambda dl, s: dl.nonpayment(as_date(s["from"], "from"), disconnection_notice_on=_opt_date(s, "notice")).earliest_disconnection,
    "default_for_nonpayment": lambda dl, s: dl.nonpayment_default(as_date(s["from"], "from")),
    "deposit_draw_for_bill": lambda dl, s: dl.nonpayment(as_date(s["from"], "from")).deposit_draw,
    "audit_dispute_resolution": lambda dl, s: dl.audit_dispute_resolution_from(as_date(s["from"], "from")),
    "termination": lambda dl, s: dl.termination_date(as_date(s["from"], "from")),
    "initial_term_end": lambda dl, s: dl.initial_term_end(),
    "successor_limit": lambda dl, s: dl.successor_limit(as_date(s["from"], "from")),
    "ordering_allowed": lambda dl, s: dl.ordering_allowed_from(_opt_date(s, "setup")),
    "next_audit": lambda dl, s: dl.next_audit_allowed(as_date(s["from"], "from"), Decimal(str(s["finding"]))),
    "audit_scope_start": lambda dl, s: dl.audit_scope_start(as_date(s["from"], "from"), _opt_date(s, "anchor")),
    "usf_certification": lambda dl, s: dl.usf_certification_due(int(s["year"])),
}


def compute_deadline(dl: Deadlines, name: str, spec: dict) -> Explained[Any]:
    """A composite deadline by name, or a rule of the terms' deadlines table."""
    if name in DEADLINE_KINDS:
        return DEADLINE_KINDS[name](dl, spec)
    if name in dl.terms.deadlines:
        return dl.rule(name, as_date(spec["from"], "from"))
    known = sorted(set(DEADLINE_KINDS) | set(dl.terms.deadlines))
    raise KeyError(f"unknown deadline {name!r}; known: {', '.join(known)}")


def as_datetime(value: Any, what: str, zone) -> dt.datetime:
    """An aware datetime from a YAML timestamp or ISO text; naive values are agreement (Central) time."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{what}: expected an ISO timestamp such as 2024-11-27T16:30:00-06:00, got {value!r}") from None
    if not isinstance(value, dt.datetime):
        raise ValueError(f"{what}: expected an ISO timestamp such as 2024-11-27T16:30:00-06:00, got {value!r}")
    return value if value.tzinfo else value.replace(tzinfo=zone)


@expectation_kind("deadline")
def _deadline(ctx: Context, exp: Expectation) -> Explained[Any]:
    name = str(exp.subject)
    start = exp.spec.get("from")
    dl = ctx.deadlines(start.date() if isinstance(start, dt.datetime) else _opt_date(exp.spec, "from"))
    rule = dl.terms.deadlines.get(name)
    if rule is not None and name not in DEADLINE_KINDS and rule.value.offset.unit.value == "hours":
        return apply_hours_rule(rule, as_datetime(start, "from", dl.cal.zone), dl.cal)
    return compute_deadline(dl, name, dict(exp.spec))


@expectation_kind("term")
def _term(ctx: Context, exp: Expectation) -> Explained[Any]:
    term = ctx.terms.get(str(exp.subject))
    steps = [Step(f"{exp.subject} = {term.value!r} (quoted: \"{term.quote}\")", term.clause)]
    steps += [Step(f"supersedes {c.value!r} of {c.layer} ({c.origin})", c.clause) for c in term.supersedes]
    return Explained(term.value, tuple(steps))


@expectation_kind("business_day")
def _business_day(ctx: Context, exp: Expectation) -> Explained[bool]:
    day = as_date(exp.subject, "business_day")
    cal = ctx.deadlines(day).cal
    why = cal.why_not_business_day(day)
    text = f"{day.isoformat()} is a Business Day" if why is None else f"{day.isoformat()} is not a Business Day: {why}"
    return Explained(why is None, (Step(text, "II.2.10"),))


@expectation_kind("add_business_days")
def _add_business_days(ctx: Context, exp: Expectation) -> Explained[dt.date]:
    day = as_date(exp.subject, "add_business_days")
    n = int(exp.spec["days"])
    cal = ctx.deadlines(day).cal
    result = cal.add_business_days(day, n)
    return Explained(result, (Step(f"{day.isoformat()} {'+' if n >= 0 else '-'} {abs(n)} Business Days = {result.isoformat()}", "II.2.10"),))


@expectation_kind("late_charge")
def _late_charge(ctx: Context, exp: Expectation) -> Explained[Decimal]:
    spec = exp.spec
    bill_date = as_date(spec["bill_date"], "bill_date")
    dl = ctx.deadlines(bill_date)
    due = dl.bill_due_date(bill_date)
    charge = late_payment_charge(dl.terms, to_money(spec["balance"]), bill_date, due.value, as_date(spec["paid_on"], "paid_on"))
    return Explained(charge.value, due.steps + charge.steps)


@expectation_kind("state")
def _state(ctx: Context, exp: Expectation) -> Explained[Any]:
    on = _opt_date(exp.spec, "on") or ctx.last_event_date()
    if on is None:
        raise ValueError("state: give `on` (there are no events to take a date from)")
    name = str(exp.subject)
    for extra in STATE_QUERIES:
        answer = extra(ctx, name, on)
        if answer is not None:
            return answer
    return lifecycle.query(ctx.lifecycle, name, on, ctx.deadlines(on))


# Traffic events and `traffic.…` queries register themselves on import (docs/scenarios.md).
from . import traffic_kinds  # noqa: E402,F401  (after the registries it adds to exist)
