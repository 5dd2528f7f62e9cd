"""Obligations in scenario files: the kind `obligation: ID` with `on` (default: the last event's
date) and `field` (default `state`), and the obligations' own event types.

Fields: `state`, `due`, `violated_since`, `fulfilled_by`, `fulfilled_on`, `waived_by`,
`suspended_by`, `debtor`, `creditor`, `clause`, `nature`, `amount`, `consequences` (their
kinds) and `consequence.KIND` (the day that consequence is available from). The id `refusals`
lists the codes of the events the obligations refused under the agreement (a waiver by the debtor).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from ..calendar.named import opt_date
from ..explain import Explained, Step
from ..obligations import ACT_EVENTS, Obligation, ObligationError, obligations
from ..relationship.events import EventError
from .context import Answer, Context, Handler
from .model import Expectation

__all__ = ["OBLIGATION_EVENTS", "OBLIGATION_FIELDS", "OBLIGATION_KINDS", "REFUSAL_CODES"]

REFUSAL_CODES = ("waiver_not_by_creditor", "obligation_unknown")
"""Codes of events refused under the agreement: state to query, not errors of the log."""


def _why(o: Obligation, value: Any) -> Explained[Any]:
    assert o.why is not None  # settle always explains
    return Explained(value, o.why.steps)


def _consequence(kind: str) -> Callable[[Obligation], Explained[Any]]:
    def answer(o: Obligation) -> Explained[Any]:
        found = next((c for c in o.consequences if c.kind == kind), None)
        if found is None:
            raise KeyError(f"obligation {o.id} has no consequence {kind!r} (it has {[c.kind for c in o.consequences]})")
        if found.available_from is not None:
            return found.available_from
        return Explained(None, (Step(found.text, found.clause),))

    return answer


OBLIGATION_FIELDS: Mapping[str, Callable[[Obligation], Explained[Any]]] = MappingProxyType(
    {
        "state": lambda o: o.why or Explained(o.state),
        "due": lambda o: o.due,
        "violated_since": lambda o: _why(o, o.violated_since),
        "fulfilled_by": lambda o: _why(o, o.fulfilled_by),
        "fulfilled_on": lambda o: _why(o, o.fulfilled_on),
        "waived_by": lambda o: _why(o, o.waived_by),
        "suspended_by": lambda o: _why(o, o.suspended_by),
        "debtor": lambda o: Explained(str(o.debtor), (Step(o.owed, o.clause),)),
        "creditor": lambda o: Explained(str(o.creditor), (Step(o.owed, o.clause),)),
        "clause": lambda o: Explained(o.clause, (Step(o.owed, o.clause),)),
        "nature": lambda o: Explained(o.nature, (Step(o.owed, o.clause),)),
        "amount": lambda o: Explained(o.amount, (Step(o.owed, o.clause),)),
        "consequences": lambda o: Explained(
            [c.kind for c in o.consequences], tuple(Step(c.text, c.clause) for c in o.consequences)
        ),
    }
)
"""What an `obligation:` expectation may ask of one obligation (`consequence.KIND` besides)."""


def _derived(ctx: Context, on: dt.date) -> tuple[tuple[Obligation, ...], tuple[ObligationError, ...]]:
    return ctx.memo.get(("obligations", on), lambda: obligations(ctx.agreement, ctx.events, on))


def _obligation(ctx: Context, exp: Expectation) -> Answer:
    on = opt_date(exp.spec, "on") or ctx.last_event_date()
    if on is None:
        raise ValueError("obligation: give `on` (there are no events to take a date from)")
    found, errors = _derived(ctx, on)
    log_errors = tuple(EventError("log", e.event, e.field, e.message) for e in errors if e.code not in REFUSAL_CODES)
    oid = str(exp.subject)
    if oid == "refusals":
        refused = [e for e in errors if e.code in REFUSAL_CODES]
        steps = tuple(Step(str(e), e.clause) for e in refused)
        return Answer(Explained([e.code for e in refused], steps), log_errors)
    match = next((o for o in found if o.id == oid), None)
    if match is None:
        raise KeyError(f"no obligation {oid!r} on {on.isoformat()} (known: {', '.join(o.id for o in found) or 'none'})")
    name = str(exp.spec.get("field", "state"))
    if name.startswith("consequence."):
        return Answer(_consequence(name.split(".", 1)[1])(match), log_errors)
    if name not in OBLIGATION_FIELDS:
        raise KeyError(f"unknown obligation field {name!r}; known: {', '.join(OBLIGATION_FIELDS)}, consequence.KIND")
    return Answer(OBLIGATION_FIELDS[name](match), log_errors)


OBLIGATION_KINDS: Mapping[str, Handler] = MappingProxyType({"obligation": _obligation})
"""`obligation: ID`: one obligation's state, dates, parties or consequences as of `on`."""

OBLIGATION_EVENTS: tuple[str, ...] = tuple(ACT_EVENTS)
"""Event types the obligations define (acts and waivers)."""
