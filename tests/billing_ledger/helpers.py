"""Builders for ledger tests: a CLEC chart of accounts and terse transfers."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from icaops.billing.ledger import Chart, Flow, Kind, Ledger, LedgerError, Legs, Ref, Transfer

# The chart a CLEC billing account posts to (docs/ledger.md); data, not engine code.
CHART_MAPPING = {
    "receivable": "debit",
    "cash": "debit",
    "credits": "debit",
    "disputes:pending": "debit",
    "revenue:recurring": "credit",
    "revenue:nonrecurring": "credit",
    "revenue:usage": "credit",
    "revenue:late_charges": "credit",
    "taxes_payable:*": "credit",
    "surcharges_payable:*": "credit",
    "deposits_held": "credit",
}
BAN = "BAN-208-555-0100"
OTHER_BAN = "BAN-208-555-0199"
POSTED_AT = datetime(2012, 8, 1, 6, 0, tzinfo=UTC)
BILL_DATE = date(2012, 7, 31)


def chart() -> Chart:
    """The test chart, parsed."""
    parsed = Chart.parse(CHART_MAPPING)
    assert not isinstance(parsed, LedgerError), parsed
    return parsed


def new_ledger(*bans: str) -> Ledger:
    """An empty in-memory ledger in USD cents with the test chart for each billing account."""
    return Ledger({ban: chart() for ban in bans or (BAN, OTHER_BAN)}, currency="USD", scale=2)


def legs(*rows: tuple) -> Legs:
    """Legs from `(account, "12.34"[, line])` rows; string amounts become Decimals."""
    return Legs.of(*[(row[0], Decimal(row[1]) if isinstance(row[1], str) else row[1], *row[2:]) for row in rows])


def transfer(
    key: str,
    *rows: tuple,
    ban: str = BAN,
    kind: Kind = Kind.BILL_LINE,
    on: date = BILL_DATE,
    clause: str = "III.9.2",
    refs: tuple[Ref, ...] = (),
    **fields,
) -> Transfer:
    """A USD transfer with the given legs; other fields by keyword."""
    fields.setdefault("posted_at", POSTED_AT)
    fields.setdefault("currency", "USD")
    return Transfer(key, ban, kind, on, legs=legs(*rows), clause=clause, refs=refs, **fields)


def bill(key: str, amount: str, ban: str = BAN, on: date = BILL_DATE, account: str = "revenue:recurring") -> Transfer:
    """A one-line bill: receivable debited, a revenue account credited."""
    return transfer(
        key, ("receivable", amount), (account, "-" + amount, "L1"), ban=ban, on=on, refs=(Ref("bill", key),)
    )


def hold(key: str, amount: str, on: date, dispute: str = "D1", bill_key: str = "B1") -> Transfer:
    """III.9.4 dispute hold: a pending transfer from receivable to disputes:pending."""
    return transfer(
        key,
        ("disputes:pending", amount),
        ("receivable", "-" + amount),
        kind=Kind.DISPUTE_HOLD,
        on=on,
        clause="III.9.4",
        flow=Flow.PENDING,
        refs=(Ref("dispute", dispute), Ref("bill", bill_key)),
    )
