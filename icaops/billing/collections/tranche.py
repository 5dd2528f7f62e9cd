"""A tranche: a piece of one bill's charges with a single history (paid, disputed, resolved)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

__all__ = ["Tranche"]


@dataclass(frozen=True, slots=True)
class Tranche:
    """A piece of a bill's charges with a single history."""

    bill_id: str
    bill_date: dt.date
    due_date: dt.date
    kind: str  # charge | late_charge
    amount: Decimal
    paid_on: dt.date | None = None
    paid_by: str | None = None  # payment, credit or deposit draw id
    dispute_id: str | None = None
    timely: bool = False
    disputed_on: dt.date | None = None  # the day its dispute was filed
    outcome: str | None = None  # None (open or never disputed), for_clec, against
    resolved_on: dt.date | None = None

    @property
    def unpaid(self) -> bool:
        """Not paid (by a payment, a credit or a deposit draw) yet."""
        return self.paid_on is None

    def held(self, on: dt.date) -> bool:
        """Held apart from what is due: disputed by the Bill Due Date and not yet resolved, or resolved for the CLEC.

        III.9.4: a dispute filed after the Bill Due Date holds nothing back — "The billed Party
        may not withhold payment of amounts past the due date pending a later filing of a
        dispute" — so its amount stays due (and bears late payment charges) until resolved.
        """
        if self.dispute_id is None:
            return False
        return self.outcome == "for_clec" or (self.outcome is None and self.timely)
