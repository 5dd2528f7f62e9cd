"""An account's collections history: the frozen state the billing events fold into."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import TypeVar

from ...money import ZERO
from ..model import Bill, ChargeLine
from .book import Book
from .errors import BillingError
from .facts import (
    AuditAdjustmentFact,
    BillFact,
    DepositProvidedFact,
    DepositRequestFact,
    DisputeFact,
    PaymentFact,
    ResolutionFact,
)

__all__ = ["AccountHistory", "Deposits", "put"]

K = TypeVar("K")
V = TypeVar("V")


def put(mapping: Mapping[K, V], key: K, value: V) -> Mapping[K, V]:
    """A read-only copy of `mapping` with `key` set to `value` (added last if new)."""
    return MappingProxyType({**mapping, key: value})


def _empty() -> Mapping:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Deposits:
    """Deposits requested and received, and what the ILEC holds (III.6)."""

    requests: Mapping[str, DepositRequestFact] = field(default_factory=_empty)
    receipts: tuple[DepositProvidedFact, ...] = ()
    draws: tuple[PaymentFact, ...] = ()
    held: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class AccountHistory:
    """An account's book as of a date, with the bills, disputes and deposits along the way."""

    account_id: str
    as_of: dt.date
    book: Book
    bills: Mapping[str, BillFact] = field(default_factory=_empty)
    full_bills: Mapping[str, Bill] = field(default_factory=_empty)  # computed bills (billing.cycle_closed)
    carried: Mapping[str, tuple[ChargeLine, ...]] = field(
        default_factory=_empty
    )  # bill id -> lines collections put on it
    disputes: Mapping[str, DisputeFact] = field(default_factory=_empty)
    resolutions: Mapping[str, ResolutionFact] = field(default_factory=_empty)
    credited: Mapping[str, str] = field(default_factory=_empty)  # dispute id -> bill id carrying its credit
    payments: tuple[PaymentFact, ...] = ()
    deposits: Deposits = Deposits()
    monthly_forecast: Decimal | None = None  # Granite's forecast on its account (III.6.2)
    audits: Mapping[str, AuditAdjustmentFact] = field(default_factory=_empty)
    audits_billed: Mapping[str, str] = field(default_factory=_empty)  # audit id -> bill id carrying it
    errors: tuple[BillingError, ...] = ()

    @property
    def deposit_held(self) -> Decimal:
        """Cash deposit or letter of credit held, after any draws (III.6.4, III.6.7)."""
        return self.deposits.held

    @property
    def deposits_received(self) -> Mapping[str, DepositProvidedFact]:
        """Per deposit request, its latest receipt."""
        return MappingProxyType({r.request_id: r for r in self.deposits.receipts})
