"""Money: Decimal amounts rounded by the rule the terms state, never floats."""

from __future__ import annotations

import decimal
from decimal import Decimal

from .terms.schema import MoneyTerms

__all__ = ["to_money", "round_money", "ZERO", "ZERO_CENTS", "CALC_CONTEXT", "MONEY_DIGITS"]

ZERO = Decimal("0")
# Digits an amount may have in all, decimals included: the store keeps money as NUMERIC(18, 2).
MONEY_DIGITS = 18
# A zero that prints as an amount (0.00): the start of sums of bill amounts.
ZERO_CENTS = Decimal("0.00")

# Intermediate arithmetic (daily compounding over hundreds of days, per-message rates of
# six decimals times millions of messages) keeps far more digits than the cent.
CALC_CONTEXT = decimal.Context(prec=34, rounding=decimal.ROUND_HALF_EVEN)


def to_money(value: object) -> Decimal:
    """An exact Decimal from an int, Decimal or numeric string; floats are refused."""
    if isinstance(value, float) or isinstance(value, bool):
        raise TypeError(f"money must be a Decimal, int or string, never float: got {value!r}")
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value).strip().replace(",", "").lstrip("$"))
    except decimal.InvalidOperation:
        raise ValueError(f"an amount such as '12.34', got {value!r}") from None


def round_money(amount: Decimal, terms: MoneyTerms) -> Decimal:
    """`amount` rounded to the terms' scale with the terms' rounding rule."""
    quantum = Decimal(1).scaleb(-terms.scale.value)
    return amount.quantize(quantum, rounding=getattr(decimal, terms.rounding.value))
