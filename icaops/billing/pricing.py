"""Resale pricing of one kind of line (IV.3, IV.4): retail, volume/term discount, resale discount, proration.

The rules come from the terms (`resale.discount_rules`, first match wins); this module only
applies them. It prices one *group* of identical lines at a time, so a million lines that
share a few hundred rate plans cost a few hundred exact Decimal computations.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..explain import Explained, Step
from ..money import CALC_CONTEXT, round_money
from ..terms.schema import DiscountRule, Term, Terms

__all__ = [
    "ATTRIBUTE_COLUMNS",
    "LineAttributes",
    "NotAvailableForResale",
    "matching_rule",
    "monthly_rate",
    "prorated_charge",
]

# Inventory columns that decide the price of a resold line (IV.3–IV.4, IV.6.2).
ATTRIBUTE_COLUMNS = (
    "promotion_days",
    "promotion_sequential",
    "customer_specific_pricing",
    "os_da",
    "special_access",
    "cocot",
    "own_use",
    "grandfathered",
    "advanced_services_isp",
    "e911_service",
    "lifeline",
    "suspension",
)


@dataclass(frozen=True, slots=True)
class LineAttributes:
    """What the terms' discount rules look at, for one group of lines."""

    retail_mrc: Decimal
    volume_term_discount: Decimal | None = None
    promotion_days: int | None = None
    promotion_sequential: bool = False
    customer_specific_pricing: bool = False
    os_da: bool = False
    special_access: bool = False
    cocot: bool = False
    own_use: bool = False
    grandfathered: bool = False
    advanced_services_isp: bool = False
    e911_service: bool = False
    lifeline: bool = False
    suspension: bool = False

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> LineAttributes:
        """From an inventory row (nulls read as False / None)."""
        fields: dict[str, Any] = {c: row.get(c) for c in ATTRIBUTE_COLUMNS}
        for c in ATTRIBUTE_COLUMNS:
            if c != "promotion_days":
                fields[c] = bool(fields[c])
        return cls(retail_mrc=row["retail_mrc"], volume_term_discount=row.get("volume_term_discount"), **fields)


class NotAvailableForResale(Exception):
    """The service may not be resold (IV.4.5, IV.4.11); the line is rejected with this reason."""

    def __init__(self, rule: Term[DiscountRule]):
        self.rule = rule
        super().__init__(f"{rule.value.description} is not available for resale ({rule.clause})")


def matching_rule(attrs: LineAttributes, terms: Terms) -> tuple[str, Term[DiscountRule]] | None:
    """The first discount rule in the terms whose attribute this line has, if any."""
    for name, rule in terms.resale.discount_rules.items():
        spec = rule.value
        if spec.attribute == "nrc":
            continue
        if spec.attribute == "promotion":
            days = attrs.promotion_days
            if days is None:
                continue
            if spec.max_promotion_days is not None and (days > spec.max_promotion_days or attrs.promotion_sequential):
                continue
            return name, rule
        if getattr(attrs, spec.attribute, False):
            return name, rule
    return None


def monthly_rate(attrs: LineAttributes, terms: Terms) -> Explained[Decimal]:
    """The monthly rate Granite pays for such a line, unrounded, with the clauses applied."""
    resale = terms.resale
    rate = attrs.retail_mrc
    steps = [Step(f"monthly retail rate ${rate}", resale.discount_applies_to.clause)]
    # The resale discount is taken off the price after the volume/term discount (IV.4.14), or,
    # with the term false, off the retail price: the two discounts are then added.
    order = resale.volume_term_discount_before_resale_discount
    base = rate
    if attrs.volume_term_discount:
        vt = attrs.volume_term_discount
        rate = CALC_CONTEXT.multiply(rate, 1 - vt)
        if order.value:
            base = rate
        when = "applied first" if order.value else "of the retail price"
        steps.append(Step(f"volume/term discount {vt:%} {when}: ${rate.normalize()}", order.clause))
    found = matching_rule(attrs, terms)
    if found is not None and not found[1].value.available_for_resale:
        raise NotAvailableForResale(found[1])
    discount = resale.discount_rate
    if found is None or found[1].value.discount_applies:
        cut = CALC_CONTEXT.multiply(base, discount.value)
        why = f" ({found[1].value.description})" if found else ""
        of = "" if base == rate else f" of the retail price ${base}"
        rate = rate - cut
        steps.append(
            Step(
                f"resale discount {discount.value:%}{why}{of}: less ${cut.normalize()} = ${rate.normalize()}",
                found[1].clause if found else "IV.3.1.2",
            )
        )
        steps.append(Step(f"discount rate {discount.value:%}", discount.clause))
    else:
        _name, rule = found
        steps.append(Step(f"no resale discount: {rule.value.description}", rule.clause))
    return Explained(rate, tuple(steps))


def prorated_charge(
    rate: Explained[Decimal], days_in_service: int, days_in_cycle: int, terms: Terms
) -> Explained[Decimal]:
    """The cycle's charge for a line in service `days_in_service` of `days_in_cycle` days, rounded."""
    method = terms.billing.proration
    amount = rate.value
    steps = list(rate.steps)
    if days_in_service < days_in_cycle and method.value != "whole_month":
        denominator = 30 if method.value == "thirty_day_month" else days_in_cycle
        days = min(days_in_service, denominator)
        amount = CALC_CONTEXT.divide(CALC_CONTEXT.multiply(amount, days), denominator)
        steps.append(
            Step(
                f"in service {days_in_service} of {days_in_cycle} days: x {days}/{denominator} = ${amount:.6f}",
                method.clause,
            )
        )
    rounded = round_money(amount, terms.money)
    steps.append(Step(f"rounded {terms.money.rounding.value} to ${rounded}", terms.money.rounding.clause))
    return Explained(rounded, tuple(steps))
