"""Short human-readable renderings of term values for tables and explanations."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from .schema import DeadlineSpec, DiscountRule, NoticeMethod, Price, Rule
from .values import HolidaySource, Period, Roll

__all__ = ["display"]


def display(value: Any) -> str:
    """A one-line rendering of a term value: `$12.34 per occurrence`, `30 calendar days after Bill Date`."""
    if isinstance(value, DeadlineSpec):
        roll = "" if value.roll is Roll.NONE else f", then {value.roll.value.replace('_', ' ')}"
        return f"{value.offset} {value.direction.value} {value.trigger}{roll}"
    if isinstance(value, Price):
        amount = f"${value.amount}" if value.amount is not None else value.basis.replace("_", " ")
        basis = "" if value.amount is None else f" {value.basis.replace('_', ' ')}"
        return f"{amount}{basis} — {value.description}"
    if isinstance(value, DiscountRule):
        verdict = (
            "not available for resale"
            if not value.available_for_resale
            else ("discount applies" if value.discount_applies else "no discount (retail)")
        )
        limit = f", promotions ≤ {value.max_promotion_days} days" if value.max_promotion_days else ""
        return f"{value.description}: {verdict}{limit}"
    if isinstance(value, NoticeMethod):
        if not value.valid:
            return f"{value.label}: not valid notice"
        when = {
            "date_of_service": "received on the date of service",
            "date_on_receipt": "received on the date on the receipt",
            "after_mailing": f"received {value.after} after mailing",
        }[value.received]
        return f"{value.label}: {when}"
    if isinstance(value, HolidaySource):
        if value.kind == "dates":
            return ", ".join(value.dates) or "(none listed)"
        return f"{value.kind} calendar {value.code}" + (
            " with observed days" if value.kind == "country" and value.observed else ""
        )
    if isinstance(value, Rule):
        return value.description
    if isinstance(value, Period):
        return str(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, BaseModel):
        return ", ".join(f"{k}={display(v)}" for k, v in value.model_dump(mode="json", exclude_defaults=True).items())
    if isinstance(value, dict):
        return "; ".join(f"{k}: {display(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(display(v) for v in value) or "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "—" if value is None else str(value)
