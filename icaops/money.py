"""Money: Decimal amounts rounded by the rule the terms state, never floats."""

from __future__ import annotations

import decimal
from decimal import Decimal

from .terms.schema import MoneyTerms

__all__ = [
    "CALC_CONTEXT",
    "MONEY_DIGITS",
    "ROUNDING_MODES",
    "ZERO",
    "ZERO_CENTS",
    "money_text",
    "round_money",
    "to_money",
]

ZERO = Decimal("0")
# Digits an amount may have in all, decimals included: the store keeps money as NUMERIC(18, 2).
MONEY_DIGITS = 18
# A zero that prints as an amount (0.00): the start of sums of bill amounts.
ZERO_CENTS = Decimal("0.00")

# Intermediate arithmetic (daily compounding over hundreds of days, per-message rates of
# six decimals times millions of messages) keeps far more digits than the cent.
# The terms' rounding rules (money.rounding) as the decimal module's modes.
ROUNDING_MODES = {
    "half_up": decimal.ROUND_HALF_UP,
    "half_even": decimal.ROUND_HALF_EVEN,
    "down": decimal.ROUND_DOWN,
    "up": decimal.ROUND_UP,
}

CALC_CONTEXT = decimal.Context(prec=34, rounding=decimal.ROUND_HALF_EVEN)


def to_money(value: object) -> Decimal:
    """An exact Decimal from an int, Decimal or numeric string; floats are refused."""
    if isinstance(value, (float, bool)):
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
    return amount.quantize(quantum, rounding=ROUNDING_MODES[terms.rounding.value])


def money_text(amount: Decimal, terms: MoneyTerms) -> str:
    """An amount as a person reads it on a bill: `$1,234.50`, `-$12.00` (rounded by the terms)."""
    rounded = round_money(amount, terms)
    return f"{'-' if rounded < 0 else ''}${abs(rounded):,.{terms.scale.value}f}"
