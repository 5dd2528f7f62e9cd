"""The facts collections works from: bills issued, payments, disputes, deposits, audit findings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from ...explain import Explained

__all__ = [
    "Application",
    "AuditAdjustmentFact",
    "BillFact",
    "BillLine",
    "DepositDrawFact",
    "DepositProvidedFact",
    "DepositRequestFact",
    "DisputeFact",
    "DisputeItem",
    "PaymentFact",
    "ResolutionFact",
]


class BillLine(NamedTuple):
    """One line of a bill as collections sees it (a tuple: callers unpack `line_id, category, amount`)."""

    line_id: str
    category: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class BillFact:
    """A closed bill as collections sees it: its dates and its lines' amounts."""

    bill_id: str
    account_id: str
    bill_date: dt.date
    due_date: Explained[dt.date]
    lines: tuple[BillLine, ...]

    @property
    def total(self) -> Decimal:
        """The sum of the bill's lines."""
        return sum((line.amount for line in self.lines), Decimal("0.00"))


@dataclass(frozen=True, slots=True)
class PaymentFact:
    """Money received from the CLEC (or drawn from its deposit) on a day."""

    id: str
    account_id: str
    received_on: dt.date
    amount: Decimal


@dataclass(frozen=True, slots=True)
class DisputeItem:
    """One disputed item of a billing dispute: the line, the amount and the reason (III.9.4)."""

    line_id: str
    amount: Decimal
    reason: str


@dataclass(frozen=True, slots=True)
class DisputeFact:
    """A billing dispute: written notice with the amount and the specific items (III.9.4).

    `timely`: filed by the Bill Due Date (or before it, as the terms say), so it holds its amount."""

    id: str
    account_id: str
    bill_id: str
    filed_on: dt.date
    amount: Decimal
    items: tuple[DisputeItem, ...] = ()
    timely: bool = False


@dataclass(frozen=True, slots=True)
class ResolutionFact:
    """A dispute resolved: how much of it in the billed Party's favour (III.9.4.1)."""

    dispute_id: str
    resolved_on: dt.date
    amount_for_clec: Decimal


@dataclass(frozen=True, slots=True)
class DepositRequestFact:
    """A deposit requested: its own amount, or a forecast to compute it from, or neither (III.6.2)."""

    id: str
    account_id: str
    requested_on: dt.date
    amount: Decimal | None = None  # None: computed per III.6.2
    monthly_forecast: Decimal | None = None
    ground: str | None = None  # one of the terms' deposit.triggers (III.6.1)


@dataclass(frozen=True, slots=True)
class DepositProvidedFact:
    """A receipt of (part of) a requested deposit (III.6.4)."""

    id: str
    request_id: str
    provided_on: dt.date
    amount: Decimal
    form: str = "cash"


@dataclass(frozen=True, slots=True)
class DepositDrawFact:
    """The ILEC draws on the deposit it holds (III.6.7)."""

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


@dataclass(frozen=True, slots=True)
class Application:
    """Money from `source` (a payment, credit or deposit draw) applied to a bill on a day; negative: taken back."""

    source: str
    bill_id: str
    amount: Decimal
    on: dt.date
