"""Bills and their lines: every amount with its clause and the explanation that produced it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

import pyarrow as pa
import pyarrow.compute as pc

from ..explain import Explained
from .cycle import BillingCycle

__all__ = ["CATEGORIES", "Account", "Bill", "Category", "ChargeLine", "RefusedCharge"]

Category = Literal["mrc", "nrc", "usage", "tax", "surcharge", "late_charge", "credit", "adjustment"]
CATEGORIES: tuple[Category, ...] = ("mrc", "nrc", "usage", "tax", "surcharge", "late_charge", "credit", "adjustment")


@dataclass(frozen=True, slots=True)
class Account:
    """A CLEC billing account and what the terms look at (III.13.1, III.8.4, III.9.6, III.45)."""

    id: str
    name: str
    ocn: str | None = None
    company_code: str | None = None
    ccna: str | None = None
    certificate_on_file: bool = False
    usf_certified_years: frozenset[int] = frozenset()
    exemptions: frozenset[str] = frozenset()  # e.g. resale_certificate (III.45)
    cycle_close_day: int = 3
    monthly_forecast: Decimal | None = None  # III.6.2 forecast of monthly charges


@dataclass(frozen=True, slots=True)
class ChargeLine:
    """One line of a bill other than the per-WTN recurring charges (those are columnar)."""

    line_id: str
    bill_id: str
    account_id: str
    category: Category
    code: str
    description: str
    quantity: Decimal
    unit_price: Decimal | None
    amount: Decimal
    clause: str
    explanation: Explained[Decimal]
    source: str | None = None  # the event (or bill, dispute...) that caused it
    service_date: dt.date | None = None
    true_up: bool = False  # III.46.2: interim price subject to true-up


@dataclass(frozen=True, slots=True)
class RefusedCharge:
    """A charge that may not be billed, kept with the reason (back-billing, TBD without a price...)."""

    account_id: str
    source: str
    code: str
    reason: str
    clause: str


@dataclass(frozen=True)
class Bill:
    """One account's bill for one cycle: recurring lines (columnar), other lines, totals."""

    account: Account
    cycle: BillingCycle
    recurring: pa.Table
    recurring_groups: Mapping[int, Explained[Decimal]]
    lines: tuple[ChargeLine, ...]
    refused: tuple[RefusedCharge, ...] = ()
    rejected_inventory: pa.Table | None = None
    _totals: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def id(self) -> str:
        return self.cycle.bill_id

    def totals(self) -> dict[str, Decimal]:
        """The sum of each category, and `total`; sums of rounded lines, exact."""
        if not self._totals:
            sums: dict[str, Decimal] = {c: Decimal("0.00") for c in CATEGORIES}
            # Arrow sums decimal128 exactly (no Decimal object per line).
            mrc = pc.sum(self.recurring.column("amount")).as_py() if self.recurring.num_rows else None
            sums["mrc"] = mrc if mrc is not None else Decimal("0.00")
            for line in self.lines:
                sums[line.category] += line.amount
            sums["total"] = sum((sums[c] for c in CATEGORIES), Decimal("0.00"))
            self._totals.update(sums)
        return dict(self._totals)

    @property
    def total(self) -> Decimal:
        """The amount billed on this bill."""
        return self.totals()["total"]

    def line(self, line_id: str) -> ChargeLine | None:
        """A non-recurring line by id."""
        return next((l for l in self.lines if l.line_id == line_id), None)
