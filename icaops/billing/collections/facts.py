"""The facts collections works from: bills issued, payments, disputes, deposits, audit findings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ...explain import Explained

__all__ = ["BillFact", "PaymentFact", "DisputeFact", "ResolutionFact", "DepositRequestFact", "DepositProvidedFact", "DepositDrawFact", "AuditAdjustmentFact"]


@dataclass(frozen=True, slots=True)
class BillFact:
    """A closed bill as collections sees it: its dates and its lines' amounts."""

    bill_id: str
    account_id: str
    bill_date: dt.date
    due_date: Explained[dt.date]
    lines: tuple[tuple[str, str, Decimal], ...]  # (line id, category, amount)

    @property
    def total(self) -> Decimal:
        return sum((a for _, _, a in self.lines), Decimal("0.00"))


@dataclass(frozen=True, slots=True)
class PaymentFact:
    id: str
    account_id: str
    received_on: dt.date
    amount: Decimal


@dataclass(frozen=True, slots=True)
class DisputeFact:
    """A billing dispute: written notice with the amount and the specific items (III.9.4)."""

    id: str
    account_id: str
    bill_id: str
    filed_on: dt.date
    amount: Decimal
    items: tuple[tuple[str, Decimal, str], ...] = ()  # (line id, amount, reason)


@dataclass(frozen=True, slots=True)
class ResolutionFact:
    """A dispute resolved: how much of it in the billed Party's favour (III.9.4.1)."""

    dispute_id: str
    resolved_on: dt.date
    amount_for_clec: Decimal


@dataclass(frozen=True, slots=True)
class DepositRequestFact:
    id: str
    account_id: str
    requested_on: dt.date
    amount: Decimal | None = None  # None: computed per III.6.2


@dataclass(frozen=True, slots=True)
class DepositProvidedFact:
    request_id: str
    provided_on: dt.date
    amount: Decimal
    form: str = "cash"


@dataclass(frozen=True, slots=True)
class DepositDrawFact:
    id: str
    account_id: str
    drawn_on: dt.date
    amount: Decimal


@dataclass(frozen=True, slots=True)
class AuditAdjustmentFact:
    """An audit result agreed by the Parties (III.7.1.6, III.7.1.7)."""

    id: str
    account_id: str
    kind: str  # overcharge | undercharge
    amount: Decimal
    originated_on: dt.date
    agreed_on: dt.date
