"""The ledger: posting and closing commands, and the queries over what they stored.

`post` is idempotency first (a known key returns the original or `key_conflict`), then
the posting pipeline (posting.py), then one atomic append. Every refusal is a
`LedgerError` value; the store changes only on success.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from types import MappingProxyType

from .accounts import Chart
from .balances import Balance, TrialBalance
from .errors import Code, LedgerError
from .posting import prepare, unknown_billing_account
from .state import LedgerState
from .store import Entry, LedgerStore, MemoryStore
from .transfers import Period, Ref, Transfer, content_difference

__all__ = ["Ledger", "replay"]


class Ledger:
    """A double-entry, append-only ledger in one currency at a declared scale, with one
    chart of accounts per CLEC billing account."""

    def __init__(
        self, charts: Mapping[str, Chart], *, currency: str, scale: int, store: LedgerStore | None = None
    ) -> None:
        assert scale >= 0 and currency, "ledger needs a currency and a scale"
        self.charts: Mapping[str, Chart] = MappingProxyType(dict(charts))
        self.currency = currency
        self.scale = scale
        self.store: LedgerStore = MemoryStore() if store is None else store

    def post(self, transfer: Transfer) -> Transfer | LedgerError:
        """Append a transfer, or return the stored one if its key was posted before with
        the same content; any refusal is returned as a LedgerError. A new transfer has
        id 0 (to rebuild a ledger from another's transfers, post `t.with_id(0)`)."""
        if not transfer.key:
            return LedgerError(Code.KEY_EMPTY, "idempotency key is empty", field="key")
        stored = self.store.get(transfer.key)
        if stored is not None:
            return _same_or_conflict(stored, transfer)
        assert transfer.id == 0, f"{transfer.key}: a new transfer has id 0"
        entries = prepare(transfer, self)
        if isinstance(entries, LedgerError):
            return entries
        stored = self.store.append(transfer, entries)
        if stored.legs is not transfer.legs:  # another writer took the key meanwhile
            return _same_or_conflict(stored, transfer)
        return stored

    def post_many(self, transfers: Iterable[Transfer]) -> tuple[Transfer | LedgerError, ...]:
        """Post transfers in order, each on its own; one result per transfer."""
        return tuple(map(self.post, transfers))

    def close(self, period: Period) -> Period | LedgerError:
        """Mark a bill period closed: later transfers dated inside it are refused."""
        if period.billing_account not in self.charts:
            return unknown_billing_account(period.billing_account, period.billing_account)
        if period.last < period.first:
            return LedgerError(
                Code.PERIOD_INVALID,
                f"period ends {period.last} before it starts {period.first}",
                period.billing_account,
                "last",
            )
        self.store.close(period)
        return period

    def balance(self, billing_account: str, account: str, as_of: date | None = None) -> Balance:
        """An account's balance from entries effective on or before `as_of` (all if None)."""
        chart = self.charts.get(billing_account)
        normal = None if chart is None else chart.normal(account)
        assert normal is not None, f"{account!r} is not in {billing_account!r}'s chart"
        return Balance.of(normal, self.store.entries(billing_account, account, as_of))

    def balances(self, billing_account: str, as_of: date | None = None) -> Mapping[str, Balance]:
        """Every account of one billing account that has entries, with its balance."""
        return MappingProxyType(
            {
                account: self.balance(ban, account, as_of)
                for ban, account in self.store.accounts()
                if ban == billing_account
            }
        )

    def trial_balance(self, as_of: date | None = None) -> TrialBalance:
        """All balances of all billing accounts; its debits always equal its credits."""
        return TrialBalance(
            MappingProxyType(
                {(ban, account): self.balance(ban, account, as_of) for ban, account in self.store.accounts()}
            )
        )

    def entries(
        self, billing_account: str, account: str | None = None, as_of: date | None = None, ref: Ref | None = None
    ) -> tuple[Entry, ...]:
        """Entries of a billing account, filtered by account, date and cause."""
        return tuple(self.store.entries(billing_account, account, as_of, ref))

    def transfers(self, ref: Ref | None = None) -> tuple[Transfer, ...]:
        """Stored transfers in posting order, optionally only those caused by `ref`."""
        return tuple(self.store.transfers(ref))

    def state(self) -> LedgerState:
        """The whole ledger as one immutable, comparable, hashable value."""
        return LedgerState(
            self.currency,
            self.scale,
            self.transfers(),
            tuple(p for ban in sorted(self.charts) for p in self.store.closed(ban)),
        )


def replay(ledger: Ledger, commands: Iterable[Transfer | Period]) -> tuple[Transfer | Period | LedgerError, ...]:
    """Apply posting and closing commands in order; one result per command."""
    return tuple(ledger.post(c) if isinstance(c, Transfer) else ledger.close(c) for c in commands)


def _same_or_conflict(stored: Transfer, new: Transfer) -> Transfer | LedgerError:
    difference = content_difference(stored, new)
    if difference is None:
        return stored
    field, leg = difference
    return LedgerError(
        Code.KEY_CONFLICT,
        f"key {new.key!r} was posted as transfer {stored.id} with a different {field}"
        + (f" at leg {leg}" if leg is not None else ""),
        new.key,
        field,
        leg,
    )
