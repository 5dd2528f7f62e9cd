"""Checks on a transfer's legs: the per-leg hot path of posting.

The happy path stays in C where it can (`map`, `all`, `set`) and walks the legs in Python
once, to total debits and credits per account; the slow scans that find *which* leg is
wrong run only after a fast check has failed.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Context, Decimal, Inexact, InvalidOperation, localcontext
from functools import cache
from itertools import repeat

from ...money import ZERO
from .accounts import Chart
from .errors import Code, LedgerError
from .transfers import Flow, Legs, Transfer

__all__ = ["AMOUNT_DIGITS_MAX", "Totals", "check_legs", "check_resolution"]

AMOUNT_DIGITS_MAX = 15  # integer digits of one leg; an engineering bound, not a term
# Sums of bounded amounts are exact at this precision; Inexact would mean a bug.
_SUM = Context(prec=40, traps=[InvalidOperation, Inexact])


@dataclass(frozen=True, slots=True)
class Totals:
    """A transfer's legs summed per account: debits and credits, both positive."""

    debits: Mapping[str, Decimal]
    credits: Mapping[str, Decimal]


def check_legs(transfer: Transfer, chart: Chart, scale: int) -> Totals | LedgerError:
    """Check that the legs name chart accounts, carry valid amounts at `scale`, and
    balance; return their per-account totals."""
    legs, key = transfer.legs, transfer.key
    if len(legs) < 2:
        return LedgerError(Code.LEGS_TOO_FEW, f"{len(legs)} leg(s); a transfer needs a debit and a credit", key, "legs")
    unknown = {name for name in set(legs.accounts) if chart.normal(name) is None}
    if unknown:
        index = min(legs.accounts.index(name) for name in unknown)
        return LedgerError(
            Code.ACCOUNT_UNKNOWN,
            f"account {legs.accounts[index]!r} is not in the chart of billing account {transfer.billing_account!r}",
            key,
            "account",
            index,
        )
    quantum, context = _scale_check(scale)
    if not _amounts_fit(legs.amounts, quantum, context):
        return _bad_amount(legs, key, quantum)
    if not all(legs.amounts):
        index = next(i for i, amount in enumerate(legs.amounts) if not amount)
        return LedgerError(Code.AMOUNT_ZERO, "amount is zero; leave the leg out", key, "amount", index)
    return _totals(legs, key, quantum)


@cache
def _scale_check(scale: int) -> tuple[Decimal, Context]:
    """The quantum of a scale, and a context in which quantizing to it raises when an
    amount has too many decimal places (Inexact) or too many digits (InvalidOperation)."""
    context = Context(prec=AMOUNT_DIGITS_MAX + scale, traps=[InvalidOperation, Inexact])
    return Decimal(1).scaleb(-scale), context


def _amounts_fit(amounts: tuple[Decimal, ...], quantum: Decimal, context: Context) -> bool:
    """All amounts are finite Decimals at the scale and within the digit bound (in C)."""
    try:
        deque(map(Decimal.quantize, amounts, repeat(quantum), repeat(None), repeat(context)), 0)
        return all(map(Decimal.is_finite, amounts))  # a quiet NaN quantizes without a signal
    except (TypeError, ArithmeticError):
        return False


def _bad_amount(legs: Legs, key: str, quantum: Decimal) -> LedgerError:
    for index, amount in enumerate(legs.amounts):
        if not isinstance(amount, Decimal) or not amount.is_finite():
            return LedgerError(Code.AMOUNT_INVALID, f"amount {amount!r} is not a finite Decimal", key, "amount", index)
        if amount.adjusted() >= AMOUNT_DIGITS_MAX:
            return LedgerError(
                Code.AMOUNT_INVALID,
                f"amount {amount} has more than {AMOUNT_DIGITS_MAX} integer digits",
                key,
                "amount",
                index,
            )
    exact = Context(prec=40)
    for index, amount in enumerate(legs.amounts):
        if amount != amount.quantize(quantum, context=exact):
            return LedgerError(
                Code.AMOUNT_SCALE_EXCEEDED,
                f"amount {amount} has more decimal places than {quantum} allows; "
                "the billing engine rounds before posting",
                key,
                "amount",
                index,
            )
    raise AssertionError(f"{key}: an amount failed the fast check but no slow check")


def _totals(legs: Legs, key: str, quantum: Decimal) -> Totals | LedgerError:
    debits: dict[str, Decimal] = {}
    credits: dict[str, Decimal] = {}
    with localcontext(_SUM):
        for account, amount in zip(legs.accounts, legs.amounts):
            if amount > 0:
                debits[account] = debits.get(account, ZERO) + amount
            else:
                credits[account] = credits.get(account, ZERO) - amount
        debit_total = sum(debits.values(), ZERO)
        credit_total = sum(credits.values(), ZERO)
        if debit_total != credit_total:
            return LedgerError(
                Code.LEGS_UNBALANCED,
                f"debits {debit_total} and credits {credit_total} differ by "
                f"{debit_total - credit_total}; legs must sum to zero",
                key,
                "legs",
            )
        return Totals(
            {name: total.quantize(quantum) for name, total in debits.items()},
            {name: total.quantize(quantum) for name, total in credits.items()},
        )


def check_resolution(resolution: Transfer, pending: Transfer) -> LedgerError | None:
    """Check that a post or void fits its pending transfer: same billing account and, for
    a post, the same accounts in the same order, each amount on the same side and no
    larger (a smaller amount posts part; the rest is released, as in TigerBeetle)."""
    key = resolution.key
    if resolution.billing_account != pending.billing_account:
        return LedgerError(
            Code.PENDING_MISMATCH,
            f"billing account {resolution.billing_account!r}; pending {pending.key!r} "
            f"belongs to {pending.billing_account!r}",
            key,
            "billing_account",
        )
    if resolution.flow is Flow.VOID_PENDING:
        return None
    accounts, held = resolution.legs.accounts, pending.legs.accounts
    if accounts != held:
        index = next((i for i, (a, b) in enumerate(zip(accounts, held)) if a != b), None)
        return LedgerError(
            Code.PENDING_MISMATCH,
            f"legs must name the accounts of pending {pending.key!r} in its order: {held}",
            key,
            "account",
            index,
        )
    for index, (amount, reserved) in enumerate(zip(resolution.legs.amounts, pending.legs.amounts)):
        if (amount > 0) != (reserved > 0) or abs(amount) > abs(reserved):
            return LedgerError(
                Code.PENDING_AMOUNT_EXCEEDED,
                f"amount {amount} exceeds or reverses the pending amount {reserved}",
                key,
                "amount",
                index,
            )
    return None
