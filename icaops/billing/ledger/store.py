"""The persistence seam: what a ledger store must offer, and the in-memory store.

The ledger validates; the store only keeps. A PostgreSQL store will hold the same
records (transfers with their leg columns, entries, closed periods) under unique indexes
on the transfer key and on the pending key a resolution settles.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from .transfers import Flow, Kind, Period, Ref, Transfer

__all__ = ["Entry", "LedgerStore", "MemoryStore"]


@dataclass(frozen=True, slots=True)
class Entry:
    """One transfer's effect on one account, posted or pending: the sum of that
    transfer's legs on the account, debits and credits kept apart. A pending entry
    released by a post or void carries negative debit/credit (TigerBeetle: pending
    amounts decrease)."""

    transfer_key: str
    billing_account: str
    account: str
    effective_date: date
    kind: Kind
    refs: tuple[Ref, ...]
    pending: bool
    debit: Decimal
    credit: Decimal


class LedgerStore(Protocol):
    """What the ledger needs from storage."""

    def get(self, key: str) -> Transfer | None:
        """The stored transfer with this idempotency key."""
        ...

    def resolution(self, pending_key: str) -> Transfer | None:
        """The post or void that resolved the pending transfer with this key."""
        ...

    def append(self, transfer: Transfer, entries: tuple[Entry, ...]) -> Transfer:
        """Store a transfer (id 0) and its entries atomically, assigning the next id; if
        the key is already stored, store nothing and return the stored transfer. Two
        resolutions of one pending key must never both be stored."""
        ...

    def entries(
        self, billing_account: str, account: str | None = None, as_of: date | None = None, ref: Ref | None = None
    ) -> Iterator[Entry]:
        """Entries of a billing account (one account, or all), effective on or before
        `as_of`, caused by `ref`; account by account, each in posting order."""
        ...

    def accounts(self) -> tuple[tuple[str, str], ...]:
        """Every (billing account, account) that has an entry, sorted."""
        ...

    def transfers(self, ref: Ref | None = None) -> Iterator[Transfer]:
        """Stored transfers (those caused by `ref`, or all) in id order."""
        ...

    def close(self, period: Period) -> None:
        """Record a closed period (already validated; a repeat is harmless)."""
        ...

    def closed(self, billing_account: str) -> tuple[Period, ...]:
        """The closed periods of a billing account, in closing order."""
        ...


class MemoryStore:
    """A `LedgerStore` in dictionaries, for tests and single-process runs."""

    def __init__(self) -> None:
        self._log: list[Transfer] = []
        self._by_key: dict[str, Transfer] = {}
        self._by_ref: dict[Ref, list[Transfer]] = {}
        self._resolutions: dict[str, Transfer] = {}
        self._entries: dict[tuple[str, str], list[Entry]] = {}
        self._closed: dict[str, list[Period]] = {}

    def get(self, key: str) -> Transfer | None:
        """The stored transfer with this idempotency key."""
        return self._by_key.get(key)

    def resolution(self, pending_key: str) -> Transfer | None:
        """The post or void that resolved the pending transfer with this key."""
        return self._resolutions.get(pending_key)

    def append(self, transfer: Transfer, entries: tuple[Entry, ...]) -> Transfer:
        """Store a transfer and its entries, assigning the next id (see LedgerStore)."""
        assert transfer.id == 0, f"{transfer.key}: id is assigned by the store"
        if (stored := self._by_key.get(transfer.key)) is not None:
            return stored
        resolves = transfer.flow in (Flow.POST_PENDING, Flow.VOID_PENDING)
        assert not (resolves and transfer.pending_key in self._resolutions), transfer.key
        stored = transfer.with_id(len(self._log) + 1)
        self._log.append(stored)
        self._by_key[stored.key] = stored
        if resolves:
            self._resolutions[stored.pending_key] = stored
        for ref in stored.refs:
            self._by_ref.setdefault(ref, []).append(stored)
        for entry in entries:
            self._entries.setdefault((entry.billing_account, entry.account), []).append(entry)
        return stored

    def entries(
        self, billing_account: str, account: str | None = None, as_of: date | None = None, ref: Ref | None = None
    ) -> Iterator[Entry]:
        """Entries filtered as LedgerStore.entries describes."""
        if account is None:
            names = [name for ban, name in self.accounts() if ban == billing_account]
        else:
            names = [account]
        for name in names:
            for entry in self._entries.get((billing_account, name), ()):
                if as_of is not None and entry.effective_date > as_of:
                    continue
                if ref is not None and ref not in entry.refs:
                    continue
                yield entry

    def accounts(self) -> tuple[tuple[str, str], ...]:
        """Every (billing account, account) that has an entry, sorted."""
        return tuple(sorted(self._entries))

    def transfers(self, ref: Ref | None = None) -> Iterator[Transfer]:
        """Stored transfers in id order, optionally only those caused by `ref`."""
        return iter(self._log if ref is None else self._by_ref.get(ref, ()))

    def close(self, period: Period) -> None:
        """Record a closed period; a repeat is ignored."""
        periods = self._closed.setdefault(period.billing_account, [])
        if period not in periods:
            periods.append(period)

    def closed(self, billing_account: str) -> tuple[Period, ...]:
        """The closed periods of a billing account, in closing order."""
        return tuple(self._closed.get(billing_account, ()))
