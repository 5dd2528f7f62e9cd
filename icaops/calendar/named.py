"""Deadlines by name: the composites of `Deadlines`, and every rule of the terms' deadlines table.

A spec is the mapping of options a scenario file or the CLI gives (`from`, `anchor`,
`method`, `receipt`, `notice`, `finding`, `audits`, `share`, `year`, `setup`); dates may be YAML dates or ISO text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from ..explain import Explained
from .deadlines import Deadlines

__all__ = ["NAMED_DEADLINES", "NamedDeadline", "as_date", "compute_named_deadline", "opt_date"]

Spec = Mapping[str, Any]
NamedDeadline = Callable[[Deadlines, Spec], Explained[Any]]


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


def opt_date(spec: Spec, key: str) -> dt.date | None:
    """The date under `key`, or None when the spec does not give it."""
    return as_date(spec[key], key) if spec.get(key) is not None else None


def _from(spec: Spec) -> dt.date:
    return as_date(spec["from"], "from")


NAMED_DEADLINES: Mapping[str, NamedDeadline] = MappingProxyType(
    {
        "dispute_filing": lambda dl, s: dl.dispute_filing_deadline(_from(s)),
        "dispute_credit": lambda dl, s: dl.dispute_credit_deadline(_from(s), as_date(s["anchor"], "anchor")),
        "notice_received": lambda dl, s: dl.notice_received(_from(s), s["method"], opt_date(s, "receipt")),
        "order_suspension": lambda dl, s: (
            dl.nonpayment(_from(s), suspension_notice_on=opt_date(s, "notice")).earliest_suspension
        ),
        "order_suspension_notice_by": lambda dl, s: dl.nonpayment(_from(s)).suspension_notice_by,
        "disconnection": lambda dl, s: (
            dl.nonpayment(_from(s), disconnection_notice_on=opt_date(s, "notice")).earliest_disconnection
        ),
        "default_for_nonpayment": lambda dl, s: dl.nonpayment_default(_from(s)),
        "deposit_draw_for_bill": lambda dl, s: dl.nonpayment(_from(s)).deposit_draw,
        "audit_dispute_resolution": lambda dl, s: dl.audit_dispute_resolution_from(_from(s)),
        "termination": lambda dl, s: dl.termination_date(_from(s)),
        "initial_term_end": lambda dl, s: dl.initial_term_end(),
        "successor_limit": lambda dl, s: dl.successor_limit(_from(s)),
        "ordering_allowed": lambda dl, s: dl.ordering_allowed_from(opt_date(s, "setup")),
        "next_audit": lambda dl, s: dl.next_audit_allowed(
            _from(s), Decimal(str(s["finding"])), int(s.get("audits") or 1)
        ),
        "galley_corrections_by": lambda dl, s: dl.galley_corrections_by(_from(s), Decimal(str(s["share"]))),
        "audit_scope_start": lambda dl, s: dl.audit_scope_start(_from(s), opt_date(s, "anchor")),
        "usf_certification": lambda dl, s: dl.usf_certification_due(int(s["year"])),
    }
)
"""The composite deadlines, by name (docs/scenarios.md); rules of the terms' table are not here."""


def compute_named_deadline(deadlines: Deadlines, name: str, spec: Spec) -> Explained[Any]:
    """A composite deadline by name, or a rule of the terms' deadlines table; KeyError if neither."""
    if name in NAMED_DEADLINES:
        return NAMED_DEADLINES[name](deadlines, spec)
    if name in deadlines.terms.deadlines:
        return deadlines.rule(name, _from(spec))
    known = sorted(set(NAMED_DEADLINES) | set(deadlines.terms.deadlines))
    raise KeyError(f"unknown deadline {name!r}; known: {', '.join(known)}")
