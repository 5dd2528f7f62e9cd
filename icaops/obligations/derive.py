"""The obligations of a relationship as of a date: every rule of the table, each duty settled.

`obligations(agreement, events, as_of)` is a pure derivation of the event log: the same log
gives the same obligations, and an event given twice counts once (ordered_log).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from ..relationship.events import Event
from ..terms.loader import Agreement
from .model import Obligation, ObligationError
from .relationship import Relationship, relationship_of
from .rules import RULES, Rule
from .settle import settle

__all__ = ["derive", "obligations"]


def derive(
    rel: Relationship, rules: Mapping[str, Rule] = RULES
) -> tuple[tuple[Obligation, ...], tuple[ObligationError, ...]]:
    """Every duty the rules find in `rel`, settled as of its date, ordered by due date then id."""
    found: dict[str, Obligation] = {}
    errors: list[ObligationError] = []
    for name, rule in rules.items():
        for duty in rule(rel):
            assert duty.rule == name, f"rule {name} made a duty of rule {duty.rule}"
            assert duty.id not in found, f"two obligations with id {duty.id}"
            obligation, errs = settle(duty, rel.as_of, rel.deadlines, rel.acts.waivers.get(duty.id))
            found[duty.id] = obligation
            errors += errs
    for oid, waiver in rel.acts.waivers.items():
        if oid not in found:
            errors.append(
                ObligationError(
                    "obligation_unknown", waiver.event, "refers_to", f"the id of an obligation, not {oid!r}"
                )
            )
    return tuple(sorted(found.values(), key=lambda o: (o.due.value, o.id))), tuple(errors)


def obligations(
    agreement: Agreement, events: Iterable[Event], as_of: dt.date
) -> tuple[tuple[Obligation, ...], tuple[ObligationError, ...]]:
    """The relationship's obligations as of `as_of`, from its event log, with the errors found."""
    rel, errors = relationship_of(agreement, events, as_of)
    found, more = derive(rel)
    return found, errors + more
