"""Reading an event's fields for the fold: a value, or the error saying what was expected."""

from __future__ import annotations

from decimal import Decimal

from ...money import to_money
from ...relationship.events import Event
from .errors import BillingError, Code, billing_error

__all__ = ["amount_of", "missing"]


def missing(e: Event, *keys: str) -> tuple[BillingError, ...]:
    """The error for the first of `keys` the event lacks, or nothing."""
    for key in keys:
        if e.get(key) is None:
            return (billing_error(Code.FIELD_MISSING, e, key, "this field to be present"),)
    return ()


def amount_of(e: Event, key: str = "amount") -> Decimal | BillingError:
    """The event's amount `key`, or the error: missing, or not a quoted decimal string."""
    value = e.get(key)
    if value is None:
        return billing_error(Code.FIELD_MISSING, e, key, "this field to be present")
    try:
        return to_money(value)
    except (TypeError, ValueError) as exc:
        return billing_error(Code.AMOUNT_INVALID, e, key, f"an amount as a quoted decimal string ({exc})")
