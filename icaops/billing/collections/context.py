"""What the fold's handlers share: the terms they read and their shape."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ...calendar.deadlines import Deadlines
from ...relationship.events import Event
from ...terms.schema import Terms
from ..model import Bill, ChargeLine
from .errors import BillingError
from .history import AccountHistory

__all__ = ["BillComputer", "FoldTerms", "Handler", "Outcome"]

BillComputer = Callable[[Event, Sequence[ChargeLine]], Bill]


@dataclass(frozen=True, slots=True)
class FoldTerms:
    """What handlers read besides the state: the terms in force, their deadlines, how to
    compute a `billing.cycle_closed` bill and the account's cycle close day (II.2.8)."""

    terms: Terms
    deadlines: Deadlines
    compute: BillComputer | None = None
    cycle_close_day: int | None = None


Outcome = tuple[AccountHistory, tuple[BillingError, ...]]
Handler = Callable[[AccountHistory, Event, FoldTerms], Outcome]
