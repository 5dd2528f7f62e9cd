"""The posting pipeline: from a transfer command to the entries it adds, or an error.

fields → legs → closed period → target (corrected or pending transfer) → entries, each
stage refusing with the first code in `Code` order. Nothing here writes; the ledger
appends the entries to its store only when this returns them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from ...money import ZERO
from .accounts import Chart
from .checks import Totals, check_legs, check_resolution
from .errors import Code, LedgerError
from .store import Entry, LedgerStore
from .transfers import Flow, Transfer

__all__ = ["Setup", "prepare", "unknown_billing_account"]


class Setup(Protocol):
    """What the pipeline reads from the ledger: its charts, money and store."""

    charts: Mapping[str, Chart]
    currency: str
    scale: int
    store: LedgerStore


def prepare(transfer: Transfer, setup: Setup) -> tuple[Entry, ...] | LedgerError:
    """Validate a new transfer against the ledger and return the entries it would add."""
    chart = _check_fields(transfer, setup)
    if isinstance(chart, LedgerError):
        return chart
    totals = _check_legs(transfer, chart, setup.scale)
    if isinstance(totals, LedgerError):
        return totals
    for period in setup.store.closed(transfer.billing_account):
        if transfer.effective_date in period:
            return LedgerError(
                Code.PERIOD_CLOSED,
                f"effective date {transfer.effective_date} is in the closed period "
                f"{period.first}..{period.last}; post a correction dated in an open "
                "period that names the original",
                transfer.key,
                "effective_date",
            )
    target = _check_target(transfer, setup.store)
    if isinstance(target, LedgerError):
        return target
    entries = _entries_of(transfer, totals, pending=transfer.flow is Flow.PENDING)
    if target is not None and transfer.flow is not Flow.POSTED:
        # A post or void releases the whole pending amount (TigerBeetle semantics).
        held = check_legs(target, chart, setup.scale)
        assert isinstance(held, Totals), f"stored pending {target.key} is invalid"
        release = Totals({a: -d for a, d in held.debits.items()}, {a: -c for a, c in held.credits.items()})
        entries = _entries_of(transfer, release, pending=True) + entries
    return entries


def unknown_billing_account(billing_account: str, key: str) -> LedgerError:
    """The error for a billing account the ledger has no chart for."""
    return LedgerError(
        Code.BILLING_ACCOUNT_UNKNOWN,
        f"billing account {billing_account!r} has no chart of accounts",
        key,
        "billing_account",
    )


def _check_fields(transfer: Transfer, setup: Setup) -> Chart | LedgerError:
    key = transfer.key
    if not transfer.clause:
        return LedgerError(
            Code.CLAUSE_MISSING, "clause is empty; name the clause that produced the transfer", key, "clause"
        )
    if transfer.posted_at.utcoffset() is None:
        return LedgerError(Code.POSTED_AT_NAIVE, f"posted_at {transfer.posted_at} has no time zone", key, "posted_at")
    if transfer.currency != setup.currency:
        return LedgerError(
            Code.CURRENCY_MISMATCH,
            f"currency {transfer.currency!r}; this ledger keeps {setup.currency!r}",
            key,
            "currency",
        )
    chart = setup.charts.get(transfer.billing_account)
    if chart is None:
        return unknown_billing_account(transfer.billing_account, key)
    return chart


def _check_legs(transfer: Transfer, chart: Chart, scale: int) -> Totals | LedgerError:
    if transfer.flow is not Flow.VOID_PENDING:
        return check_legs(transfer, chart, scale)
    if len(transfer.legs):
        return LedgerError(
            Code.LEGS_NOT_ALLOWED, "a void releases its pending transfer whole; give no legs", transfer.key, "legs"
        )
    return Totals({}, {})


def _check_target(transfer: Transfer, store: LedgerStore) -> Transfer | LedgerError | None:
    """The transfer this one corrects or resolves, checked; None if it names none."""
    target: Transfer | LedgerError | None
    if transfer.corrects:
        target = store.get(transfer.corrects)
        if target is None or target.billing_account != transfer.billing_account:
            return LedgerError(
                Code.CORRECTION_TARGET_UNKNOWN,
                f"corrects {transfer.corrects!r}, which is not a transfer of billing "
                f"account {transfer.billing_account!r}",
                transfer.key,
                "corrects",
            )
    elif transfer.pending_key:
        target = _check_pending(transfer, store)
        if isinstance(target, LedgerError):
            return target
    else:
        return None
    if transfer.effective_date < target.effective_date:
        return LedgerError(
            Code.EFFECTIVE_BEFORE_TARGET,
            f"effective date {transfer.effective_date} precedes {target.key!r} "
            f"({target.effective_date}), which it corrects or resolves",
            transfer.key,
            "effective_date",
        )
    return target


def _check_pending(transfer: Transfer, store: LedgerStore) -> Transfer | LedgerError:
    key, pending_key = transfer.key, transfer.pending_key
    pending = store.get(pending_key)
    if pending is None:
        return LedgerError(Code.PENDING_UNKNOWN, f"no transfer has key {pending_key!r}", key, "pending_key")
    if pending.flow is not Flow.PENDING:
        return LedgerError(
            Code.PENDING_NOT_PENDING, f"{pending_key!r} is a {pending.flow} transfer, not pending", key, "pending_key"
        )
    resolved = store.resolution(pending_key)
    if resolved is not None:
        return LedgerError(
            Code.PENDING_ALREADY_RESOLVED,
            f"{pending_key!r} was already resolved by {resolved.key!r} ({resolved.flow})",
            key,
            "pending_key",
        )
    return check_resolution(transfer, pending) or pending


def _entries_of(transfer: Transfer, totals: Totals, *, pending: bool) -> tuple[Entry, ...]:
    return tuple(
        Entry(
            transfer.key,
            transfer.billing_account,
            account,
            transfer.effective_date,
            transfer.kind,
            transfer.refs,
            pending,
            totals.debits.get(account, ZERO),
            totals.credits.get(account, ZERO),
        )
        for account in sorted(totals.debits.keys() | totals.credits.keys())
    )
