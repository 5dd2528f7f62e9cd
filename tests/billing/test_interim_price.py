"""III.46.2 with IV.3.5: the interim price of a TBD item is the tariff rate "less applicable wholesale discount" — none for an NRC."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from icaops.billing.charges import event_charges
from icaops.billing.cycle import cycle_for
from icaops.billing.model import Account
from icaops.calendar.deadlines import Deadlines
from icaops.relationship.events import Event
from icaops.terms.loader import load_agreement

EXPEDITE = {
    "description": "Service Order Expedite",
    "basis": "tbd",
    "trigger": {"event": "order.submitted", "expedite_granted": True},
    "interim_tariff_amount": "85.00",
}


@pytest.fixture(scope="module")
def agreement():
    return load_agreement("centurylink-granite-id-2012").with_overrides({"prices.service_order_expedite": EXPEDITE})


def _expedite_line(terms):
    order = Event(
        "X1",
        dt.date(2022, 5, 16),
        "order.submitted",
        tuple({"account": "G", "channel": "electronic", "variant": "standard", "expedite_granted": True}.items()),
    )
    lines, _ = event_charges(
        Account("G", "Granite"), cycle_for("G", "2022-06", 3, Deadlines(terms)), (order,), terms, orders_before=1
    )
    return next(line for line in lines if line.code == "service_order_expedite")


def test_nrc_interim_price_gets_no_discount(agreement):
    """IV.3.5: "The resale discount ... does not apply to non-recurring charges": interim = the tariff rate."""
    line = _expedite_line(agreement.terms)
    assert line.amount == Decimal("85.00") and line.true_up
    assert {"III.46.2", "IV.3.5"} <= set(line.explanation.clauses)


def test_the_nrc_discount_rule_decides(agreement):
    """The reading comes from the term `resale.discount_rules.nonrecurring_charges`: were the discount to apply, it would be taken."""
    rule = agreement.terms.resale.discount_rules["nonrecurring_charges"].value
    changed = agreement.with_overrides(
        {"resale.discount_rules.nonrecurring_charges": {**rule.model_dump(), "discount_applies": True}}
    )
    assert _expedite_line(changed.terms).amount == Decimal("71.52")  # 85.00 - 13.481
