"""Obligations: who must do what, by when, under which clause, and what follows if they don't.

A derivation of the event log (docs/obligations.md): the relationship's folds as of a date
(`Relationship`), a literal table of rules (`RULES`) finding `Duty` records, each settled into
an `Obligation` with its state.
"""

from .acts import ACT_EVENTS, Acts, Waiver
from .derive import derive, obligations
from .model import (
    CONSEQUENCE_KINDS,
    OPEN_STATES,
    PARTIES,
    STATES,
    Consequence,
    Duty,
    Fulfilment,
    Obligation,
    ObligationError,
    PartyRef,
)
from .relationship import Relationship, relationship_of
from .rules import RULES, Rule
from .settle import due_soon_from, settle

__all__ = [
    "ACT_EVENTS",
    "CONSEQUENCE_KINDS",
    "OPEN_STATES",
    "PARTIES",
    "RULES",
    "STATES",
    "Acts",
    "Consequence",
    "Duty",
    "Fulfilment",
    "Obligation",
    "ObligationError",
    "PartyRef",
    "Relationship",
    "Rule",
    "Waiver",
    "derive",
    "due_soon_from",
    "obligations",
    "relationship_of",
    "settle",
]
