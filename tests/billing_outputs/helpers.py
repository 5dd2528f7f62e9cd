"""Bills for the output tests, computed by `run_cycle` from the terms (nothing here states a price).

`small_bill`: the August 2012 cycle of the scenario `computed-cycle-resale-lines-nrcs-fusc`
(three resold lines, the first electronic order, 123,456 messages, FUSC), plus a Service
Order Expedite billed at an interim price (III.46.2), a trip dispatched more than a year
before the Bill Date (refused, III.9.1), a late payment charge on the previous bill
(III.9.3) and a credit. `big_bill(n)`: `n` synthetic resold lines on one account.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache

from icaops.billing.inventory import inventory_table
from icaops.billing.late_charge import late_payment_charge
from icaops.billing.model import Account, Bill, ChargeLine
from icaops.billing.outputs import AccountSummary, Envelope, Notices
from icaops.billing.run import run_cycle
from icaops.explain import Explained, Step
from icaops.relationship.events import event_from_mapping
from icaops.samples.inventory import resale_inventory
from icaops.terms.loader import Agreement, load_agreement

AGREEMENT_ID = "centurylink-granite-id-2012"
PERIOD = "2012-08"
ACCOUNT = Account("GRANITE", "Granite Telecommunications, LLC", ocn="7125", ccna="GTL")
INTERIM_TARIFF = "30.00"  # a test's stand-in for "the most analogous tariffed rate" (III.46.2)


@lru_cache(maxsize=1)
def agreement() -> Agreement:
    """The agreement, with an interim tariff rate for the TBD Service Order Expedite."""
    base = load_agreement(AGREEMENT_ID)
    expedite = base.terms.prices["service_order_expedite"].value.model_dump(exclude_none=True)
    return base.with_overrides(
        {"prices.service_order_expedite": {**expedite, "interim_tariff_amount": INTERIM_TARIFF}}, source="test"
    )


def _events():
    raw = [
        {
            "id": "O1",
            "date": "2012-07-25",
            "type": "order.submitted",
            "account": "GRANITE",
            "channel": "electronic",
            "variant": "standard",
            "expedite_granted": True,
        },
        {"id": "T0", "date": "2011-06-01", "type": "trip.dispatched", "account": "GRANITE"},
    ]
    return [event_from_mapping(e, i, "test") for i, e in enumerate(raw)]


def _carried(terms, bill_id: str, account: Account) -> list[ChargeLine]:
    """A late payment charge on July's bill (III.9.3) and a credit, as collections would carry them."""
    late = late_payment_charge(
        terms, Decimal("1000.00"), dt.date(2012, 7, 4), dt.date(2012, 8, 3), dt.date(2012, 8, 20)
    )
    credit = Explained(Decimal("-5.00"), (Step("billing dispute D1 resolved for the CLEC: $5.00 credited", "III.9.4"),))
    return [
        ChargeLine(
            f"{bill_id}:late:{account.id}:2012-07",
            bill_id,
            account.id,
            "late_charge",
            "late_payment",
            "Late payment charge on bill 2012-07",
            Decimal(1),
            None,
            late.value,
            terms.billing.late_payment.rate_per_month.clause,
            late,
            source=f"{account.id}:2012-07",
        ),
        ChargeLine(
            f"{bill_id}:credit:D1",
            bill_id,
            account.id,
            "credit",
            "dispute_credit",
            "Credit: billing dispute D1",
            Decimal(1),
            None,
            credit.value,
            "III.9.4",
            credit,
            source="D1",
        ),
    ]


def small_bill(account: Account = ACCOUNT) -> Bill:
    """The scenario's bill with interim, refused, late and credit lines (see the module docstring)."""
    terms = agreement().terms
    inventory = inventory_table(
        [
            {
                "line_id": "2083451001",
                "account_id": account.id,
                "wtn": "2083451001",
                "usoc": "1FR",
                "class_of_service": "residential",
                "retail_mrc": "18.50",
                "start_date": "2012-01-01",
            },
            {
                "line_id": "2083451002",
                "account_id": account.id,
                "wtn": "2083451002",
                "usoc": "1FB",
                "class_of_service": "business",
                "retail_mrc": "45.00",
                "start_date": "2012-07-20",
            },
            {
                "line_id": "2083451003",
                "account_id": account.id,
                "wtn": "2083451003",
                "usoc": "1FB",
                "class_of_service": "business",
                "retail_mrc": "45.00",
                "start_date": "2012-01-01",
                "customer_specific_pricing": True,
            },
        ]
    )
    bill_id = f"{account.id}:{PERIOD}"
    run = run_cycle(
        [account],
        inventory,
        PERIOD,
        terms,
        _events(),
        messages={account.id: 123_456},
        carried={account.id: _carried(terms, bill_id, account)},
    )
    return run.bills[account.id]


@lru_cache(maxsize=4)
def big_bill(lines: int) -> Bill:
    """`lines` synthetic resold lines (a few invalid) on one account, no other charges."""
    inventory = resale_inventory(lines, [ACCOUNT.id], invalid_share=0.001)
    return run_cycle([ACCOUNT], inventory, PERIOD, agreement().terms).bills[ACCOUNT.id]


def summary(bill: Bill) -> AccountSummary:
    """The account summary of a bill computed without a log: the account's first bill."""
    return AccountSummary.of(bill)


def notices() -> Notices:
    """How to dispute and where to send notices, from the agreement's terms (III.9.4, III.34)."""
    return Notices.from_terms(agreement().terms)


def envelope(control: int = 1, usage: str = "T") -> Envelope:
    """An interchange envelope with the given control number (the store's counter in production)."""
    return Envelope(
        "CENTURYLINK",
        "7125",
        dt.datetime(2012, 8, 4, tzinfo=dt.UTC),
        interchange_control=control,
        group_control=control,
        usage=usage,
    )  # type: ignore[arg-type]
