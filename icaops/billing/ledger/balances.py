"""Balances: sums of entries, with posted and pending amounts kept apart."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from ...money import ZERO
from .accounts import Normal
from .store import Entry

__all__ = ["Balance", "TrialBalance"]


@dataclass(frozen=True, slots=True)
class Balance:
    """An account's four running sums (TigerBeetle's debits/credits, posted/pending)."""

    normal: Normal
    debits_posted: Decimal = ZERO
    credits_posted: Decimal = ZERO
    debits_pending: Decimal = ZERO
    credits_pending: Decimal = ZERO

    @classmethod
    def of(cls, normal: Normal, entries: Iterable[Entry]) -> Balance:
        """Sum entries into a balance for an account with the given normal side."""
        sums = [ZERO, ZERO, ZERO, ZERO]
        for entry in entries:
            column = 2 if entry.pending else 0
            sums[column] += entry.debit
            sums[column + 1] += entry.credit
        return cls(normal, *sums)

    @property
    def posted(self) -> Decimal:
        """The posted balance, positive on the account's normal side."""
        return self._net(self.debits_posted, self.credits_posted)

    @property
    def pending(self) -> Decimal:
        """The pending balance, positive on the account's normal side: a dispute hold
        that credits `receivable` makes its pending balance negative."""
        return self._net(self.debits_pending, self.credits_pending)

    def _net(self, debits: Decimal, credits: Decimal) -> Decimal:
        return debits - credits if self.normal is Normal.DEBIT else credits - debits


@dataclass(frozen=True, slots=True)
class TrialBalance:
    """Every account's balance, keyed by (billing account, account), and column totals."""

    rows: Mapping[tuple[str, str], Balance]

    def total(self, column: str) -> Decimal:
        """The sum of one column ('debits_posted', 'credits_pending', ...) over all rows."""
        return sum((getattr(row, column) for row in self.rows.values()), ZERO)

    @property
    def balanced(self) -> bool:
        """Debits equal credits, posted and pending alike: true unless the ledger has a bug."""
        return self.total("debits_posted") == self.total("credits_posted") and self.total(
            "debits_pending"
        ) == self.total("credits_pending")
