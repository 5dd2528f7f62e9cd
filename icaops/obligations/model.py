"""Obligations as records: who owes what to whom, under which clause, by when, and in what state.

A rule (rules.py) says what the agreement makes a party owe: a `Duty`, with its due date
from the calendar and what discharged or suspended it. `settle` (settle.py) turns a duty into
an `Obligation` as of a date: pending, due soon, fulfilled, violated, waived or suspended.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from ..explain import Explained

__all__ = [
    "CONSEQUENCE_KINDS",
    "NATURES",
    "OPEN_STATES",
    "PARTIES",
    "STATES",
    "Consequence",
    "Duty",
    "Fulfilment",
    "Nature",
    "Obligation",
    "ObligationError",
    "PartyName",
    "PartyRef",
    "State",
]

PartyName = Literal["ilec", "clec"]
PARTIES: tuple[PartyName, ...] = ("ilec", "clec")

State = Literal["pending", "due_soon", "fulfilled", "violated", "waived", "suspended"]
STATES: tuple[State, ...] = ("pending", "due_soon", "fulfilled", "violated", "waived", "suspended")
OPEN_STATES: tuple[State, ...] = ("pending", "due_soon", "violated", "suspended")
"""States of an obligation still to be met (the default listing)."""

Nature = Literal["duty", "option"]
NATURES: tuple[Nature, ...] = ("duty", "option")
"""A duty must be performed (late: violated); an option is a step a party may take by a date to keep
a right (a Notice of Termination, a timely billing dispute): not taken by then, it lapses (waived),
and the consequence is the right lost or the default that follows (docs/obligations.md)."""

CONSEQUENCE_KINDS: tuple[str, ...] = (
    "late_payment_charge",  # III.9.3
    "order_suspension",  # III.9.5.1, III.6.9
    "disconnection",  # III.9.5.2
    "deposit_draw",  # III.6.7
    "termination_right",  # III.2.6 (a Default), III.2.2.1
    "renewal",  # III.2.2: the Agreement continues into a Follow-on Term
    "cpa8_remedy",  # CPA.8
    "dispute_right_lost",  # III.9.4
    "other_remedies",  # III.20.2
    "fusc_assessed",  # III.9.6
    "switch_back_charge",  # III.50.2
    "order_cancellation",  # VI.16
    "escalation",  # V.3.1
    "galley_deemed_correct",  # VII.2.g
)
"""What the text attaches to a violation, by kind (a consequence names its clause)."""


@dataclass(frozen=True, slots=True)
class PartyRef:
    """A party of the agreement, and the CLEC billing account when the obligation is about one."""

    party: PartyName
    account: str | None = None

    def __str__(self) -> str:
        return f"{self.party}/{self.account}" if self.account else self.party


@dataclass(frozen=True, slots=True)
class Consequence:
    """What may follow a violation, from when (if the text gives a date), under which clause."""

    kind: str  # one of CONSEQUENCE_KINDS
    text: str
    clause: str
    available_from: Explained[dt.date] | None = None


@dataclass(frozen=True, slots=True)
class Fulfilment:
    """The event that discharged an obligation, and its date."""

    event: str
    on: dt.date
    text: str = ""


@dataclass(frozen=True, slots=True)
class Duty:
    """What a rule finds the agreement makes a party owe; `settle` gives it a state as of a date.

    `id` is stable across replays (rule name and the ids of the events it stems from);
    `suspended_by` names what holds the duty in abeyance (a timely billing dispute)."""

    id: str
    rule: str
    debtor: PartyRef
    creditor: PartyRef
    clause: str
    owed: str
    trigger: str  # the event id that created the obligation
    due: Explained[dt.date]
    nature: Nature = "duty"
    fulfilled: Fulfilment | None = None
    suspended_by: str | None = None
    amount: Decimal | None = None
    consequences: tuple[Consequence, ...] = ()


@dataclass(frozen=True, slots=True)
class Obligation:
    """One obligation of the relationship as of a date, with its state and the clause behind it."""

    id: str
    rule: str
    debtor: PartyRef
    creditor: PartyRef
    clause: str
    owed: str
    trigger: str
    due: Explained[dt.date]
    state: State
    as_of: dt.date
    nature: Nature = "duty"
    fulfilled_by: str | None = None
    fulfilled_on: dt.date | None = None
    violated_since: dt.date | None = None  # also kept when fulfilled late
    waived_by: str | None = None
    suspended_by: str | None = None
    amount: Decimal | None = None
    consequences: tuple[Consequence, ...] = ()
    why: Explained[State] | None = None  # how the state was decided

    @property
    def is_open(self) -> bool:
        """Still to be met: pending, due soon, violated or suspended."""
        return self.state in OPEN_STATES


@dataclass(frozen=True, slots=True)
class ObligationError:
    """An event the obligations could not use, with a stable code and the clause it offends."""

    code: str
    event: str
    field: str
    message: str
    clause: str | None = None

    def __str__(self) -> str:
        where = f" ({self.clause})" if self.clause else ""
        return f"event {self.event}: {self.field}: {self.message}{where} [{self.code}]"
