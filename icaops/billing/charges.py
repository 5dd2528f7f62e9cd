"""Non-recurring, usage and tax lines of a bill, from events and the Article VIII price list.

Which event incurs which charge is data (each price's `trigger` in the terms); this module
matches events to prices, applies the basis (per order, per line, per message, per tariff,
TBD interim), refuses what may not be billed (III.9.1 back-billing, III.46.1 TBD without a
price) and computes taxes and surcharges as separate lines (III.45, III.9.6).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from ..calendar.deadlines import Deadlines
from ..explain import Explained, Step
from ..money import CALC_CONTEXT, ZERO_CENTS, round_money
from ..relationship.events import Event
from ..terms.schema import Price, Term, Terms
from .cycle import BillingCycle
from .model import Account, ChargeLine, RefusedCharge
from .usf import fusc_exemption

__all__ = ["event_charges", "matches", "tax_lines", "usage_charges"]


def _mismatched(price: Price, event: Event, first_order: bool) -> list[str] | None:
    """The trigger fields `event` fails on, or None if it is not the price's event type."""
    trigger = price.trigger or {}
    if trigger.get("event") != event.type:
        return None
    failed = []
    for key, wanted in trigger.items():
        if key == "event":
            continue
        if key == "first_order":
            if bool(wanted) != first_order:
                failed.append(key)
        elif event.get(key) != wanted and not (wanted is False and event.get(key) is None):
            failed.append(key)
    return failed


def matches(price: Price, event: Event, first_order: bool) -> bool:
    """True if `event` incurs `price` under its trigger."""
    return _mismatched(price, event, first_order) == []


def _missing_choice(account: Account, event: Event, terms: Terms, first_order: bool) -> RefusedCharge | None:
    """A refusal when `event` lacks, or misspells, a field (channel, variant...) that decides its price.

    A price whose trigger fails only on text fields the event leaves out, or gives a value no
    price of that event accepts, would apply had the field been right: the charge cannot be
    chosen, so it is kept as refused with the reason instead of silently dropped (a boolean
    flag left out reads as false and is not a gap).
    """
    own = [(code, term) for code, term in terms.prices.items() if (term.value.trigger or {}).get("event") == event.type]
    accepted: dict[str, set[str]] = {}
    for _, term in own:
        for key, wanted in (term.value.trigger or {}).items():
            if key != "event" and isinstance(wanted, str):
                accepted.setdefault(key, set()).add(wanted)
    bad = {k for k in accepted if event.get(k) not in accepted[k]}
    codes: list[str] = []
    clause = ""
    for code, term in own:
        failed = _mismatched(term.value, event, first_order)
        if failed and set(failed) <= bad:
            codes.append(code)
            clause = clause or term.clause
    if not codes:
        return None
    fields = "; ".join(
        f"`{k}` {'missing' if event.get(k) is None else repr(event.get(k))} (expected one of: {', '.join(sorted(accepted[k]))})"
        for k in sorted(bad)
    )
    return RefusedCharge(
        account.id,
        event.id,
        "|".join(codes),
        f"{event.type} {event.id} on {event.date.isoformat()}: {fields}; the charge it incurs cannot be chosen",
        clause,
    )


def _amount(
    name: str, term: Term[Price], event: Event, terms: Terms
) -> tuple[Decimal, Decimal, list[Step], bool] | str:
    """(unit price, quantity, steps, true_up) or the reason the charge cannot be billed."""
    price = term.value
    quantity = Decimal(event.get("lines", 1)) if price.basis == "per_line" else Decimal(1)
    steps = [Step(f"{event.type} {event.id} on {event.date.isoformat()}: {price.description}", term.clause)]
    if price.basis in ("per_occurrence", "per_order", "per_line"):
        if price.amount is None:
            return f"{price.description} is priced {price.basis.replace('_', ' ')} but has no amount in Article VIII"
        unit = price.amount
    elif price.basis in ("per_tariff", "icb"):
        unit = event.get("tariff_amount") if price.basis == "per_tariff" else event.get("agreed_amount")
        if unit is None:
            field = "tariff_amount" if price.basis == "per_tariff" else "agreed_amount"
            return f"{price.description} is priced {price.basis.replace('_', ' ')}: the event must carry {field}"
        unit = Decimal(str(unit))
        steps.append(
            Step(
                f"rate from the {'tariff or Price List' if price.basis == 'per_tariff' else 'individual case basis'}: ${unit}",
                term.clause,
            )
        )
    elif price.basis == "tbd":
        if price.interim_tariff_amount is None:
            return f"{price.description} has no price in Article VIII (TBD): the Parties must meet and confer before it is billed"
        interim = _interim_price(price, terms)
        return interim.value, quantity, steps + list(interim.steps), True
    else:
        return "no charge"
    return unit, quantity, steps, False


def _interim_price(price: Price, terms: Terms) -> Explained[Decimal]:
    """III.46.2: the analogous tariffed rate "less applicable wholesale discount" — none where the
    discount does not apply to the price's kind (IV.3.5: NRCs; the terms' `resale.discount_rules`)."""
    tariff = price.interim_tariff_amount
    assert tariff is not None
    rule = next((r for r in terms.resale.discount_rules.values() if r.value.attribute == price.kind), None)
    if rule is not None and not rule.value.discount_applies:
        return Explained(
            tariff,
            (
                Step(
                    f"TBD price: interim = most analogous tariffed rate ${tariff} less the applicable wholesale discount, subject to true-up",
                    terms.tbd.interim_price_rule.clause,
                ),
                Step(
                    f"{rule.value.description}: the resale discount does not apply, so none is applicable; interim price ${tariff}",
                    rule.clause,
                ),
            ),
        )
    discount = terms.resale.discount_rate.value
    unit = tariff - CALC_CONTEXT.multiply(tariff, discount)
    return Explained(
        unit,
        (
            Step(
                f"TBD price: interim = most analogous tariffed rate ${tariff} less the {discount:%} wholesale discount = ${unit.normalize()}, subject to true-up",
                terms.tbd.interim_price_rule.clause,
            ),
        ),
    )


def event_charges(
    account: Account, cycle: BillingCycle, events: Iterable[Event], terms: Terms, orders_before: int = 0
) -> tuple[list[ChargeLine], list[RefusedCharge]]:
    """NRC lines for the account's billable events up to the cycle close.

    `orders_before` is how many orders the account submitted before these events (the first
    order ever incurs Account Establishment, VIII).
    """
    dl = Deadlines(terms)
    limit = dl.back_billing_earliest_service(cycle.bill_date.value)
    back_billing = terms.deadlines["back_billing_limit"]
    lines: list[ChargeLine] = []
    refused: list[RefusedCharge] = []
    orders = orders_before
    for event in sorted(events, key=lambda e: (e.date, e.seq, e.id)):
        if event.get("account") not in (None, account.id) or event.date > cycle.close:
            continue
        first_order = event.type == "order.submitted" and orders == 0
        if event.type == "order.submitted":
            orders += 1
        gap = _missing_choice(account, event, terms, first_order)
        if gap is not None:
            refused.append(gap)
        for code, term in terms.prices.items():
            if not matches(term.value, event, first_order):
                continue
            if (
                event.get("as_is")
                and term.value.waived_on_as_is_transfer
                and terms.resale.as_is_transfer_only_service_order_charge.value
            ):
                refused.append(
                    RefusedCharge(
                        account.id,
                        event.id,
                        code,
                        f"{term.value.description} is not charged on an As-Is transfer: the LSR service order charge is the only NRC",
                        terms.resale.as_is_transfer_only_service_order_charge.clause,
                    )
                )
                continue
            if event.date < limit.value:
                refused.append(
                    RefusedCharge(
                        account.id,
                        event.id,
                        code,
                        f"service on {event.date.isoformat()} is more than one year before the bill date {cycle.bill_date.value.isoformat()}: back-billing is barred",
                        back_billing.clause,
                    )
                )
                continue
            got = _amount(code, term, event, terms)
            if got == "no charge":
                continue
            if isinstance(got, str):
                refused.append(
                    RefusedCharge(
                        account.id, event.id, code, got, "III.46.1" if term.value.basis == "tbd" else term.clause
                    )
                )
                continue
            unit, qty, steps, true_up = got
            amount = round_money(CALC_CONTEXT.multiply(unit, qty), terms.money)
            steps.append(Step("non-recurring charges receive no resale discount", "IV.3.5"))
            if qty != 1:
                steps.append(Step(f"{qty} lines x ${unit} = ${amount}", term.clause))
            if event.date < cycle.start:
                steps.append(
                    Step(
                        f"service date {event.date.isoformat()} precedes this cycle ({cycle.start.isoformat()}): billed within the one-year limit (from {limit.value.isoformat()})",
                        back_billing.clause,
                    )
                )
            steps.append(Step(f"amount ${amount}", terms.money.rounding.clause))
            lines.append(
                ChargeLine(
                    line_id=f"{cycle.bill_id}:nrc:{event.id}:{code}",
                    bill_id=cycle.bill_id,
                    account_id=account.id,
                    category="nrc",
                    code=code,
                    description=term.value.description,
                    quantity=qty,
                    unit_price=unit,
                    amount=amount,
                    clause=term.clause,
                    explanation=Explained(amount, tuple(steps)),
                    source=event.id,
                    service_date=event.date,
                    true_up=true_up,
                )
            )
    return lines, refused


def usage_charges(account: Account, cycle: BillingCycle, messages: int, terms: Terms) -> list[ChargeLine]:
    """Per-message charges (VIII) for the messages provided to the account in the cycle."""
    lines = []
    for code, term in terms.prices.items():
        price = term.value
        if price.basis != "per_message" or price.amount is None or not price.amount or not messages:
            continue
        raw = CALC_CONTEXT.multiply(price.amount, Decimal(messages))
        amount = round_money(raw, terms.money)
        steps = (
            Step(
                f"{messages:,} messages in {cycle.start.isoformat()}..{cycle.close.isoformat()} x ${price.amount} = ${raw}",
                term.clause,
            ),
            Step(f"rounded {terms.money.rounding.value} to ${amount}", terms.money.rounding.clause),
        )
        lines.append(
            ChargeLine(
                f"{cycle.bill_id}:usage:{code}",
                cycle.bill_id,
                account.id,
                "usage",
                code,
                price.description,
                Decimal(messages),
                price.amount,
                amount,
                term.clause,
                Explained(amount, steps),
                source="usage",
            )
        )
    return lines


def tax_lines(account: Account, cycle: BillingCycle, bases: dict[str, Decimal], terms: Terms) -> list[ChargeLine]:
    """Taxes and surcharges as separate lines (III.45), and the FUSC unless certified (III.9.6)."""
    taxes = terms.taxes
    bill_date = cycle.bill_date.value
    lines = []
    candidates = [("fusc", taxes.fusc.value, taxes.fusc.clause)] + [
        (f"tax{i}", item, taxes.items.clause) for i, item in enumerate(taxes.items.value)
    ]
    for key, item, clause in candidates:
        base = sum((bases.get(b, ZERO_CENTS) for b in item.base), ZERO_CENTS)
        rate = item.rate_on(bill_date)  # a dated factor: the row in force on the Bill Date
        if not rate or not base:
            continue
        exemption = fusc_exemption(account, bill_date, Deadlines(terms)) if key == "fusc" else None
        if exemption is not None and exemption.value:
            continue
        if item.exempt_with and item.exempt_with in account.exemptions:
            continue
        amount = round_money(CALC_CONTEXT.multiply(base, rate), terms.money)
        row = item.row_on(bill_date)
        dated = f" (factor in force from {row.valid_from.isoformat()}: {row.source})" if row else ""
        steps = [
            Step(
                f"{item.name} ({item.kind}, {item.jurisdiction}): {rate:%}{dated} of {' + '.join(item.base)} charges ${base} = ${amount}",
                clause,
            )
        ]
        if exemption is not None:
            steps += exemption.steps
        steps.append(Step("shown as a separate item", terms.billing.taxes_as_separate_items.clause))
        lines.append(
            ChargeLine(
                f"{cycle.bill_id}:{item.kind}:{key}",
                cycle.bill_id,
                account.id,
                item.kind,
                key,
                item.name,
                Decimal(1),
                None,
                amount,
                clause,
                Explained(amount, tuple(steps)),
                source="taxes",
            )
        )
    return lines
