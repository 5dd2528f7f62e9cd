"""III.9.6: the FUSC factor is a dated table; a bill uses the factor in force on its Bill Date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from icaops.billing.charges import tax_lines
from icaops.billing.cycle import cycle_for
from icaops.billing.model import Account
from icaops.calendar.deadlines import Deadlines


def _fusc(terms, period: str) -> Decimal:
    cycle = cycle_for("G", period, 3, Deadlines(terms))
    lines = tax_lines(Account("G", "Granite"), cycle, {"mrc": Decimal("100.00")}, terms)
    return next(l.amount for l in lines if l.code == "fusc")


def _with_row(agreement, valid_from: str, rate: str):
    fusc = agreement.terms.taxes.fusc.value.model_dump(by_alias=True, mode="json", exclude_none=True)
    fusc["rates"] = [*fusc["rates"], {"from": valid_from, "rate": rate, "source": "test row, not a real factor"}]
    return agreement.with_overrides({"taxes.fusc": fusc}, source="test").terms


def test_rate_on_reads_the_row_in_force(agreement):
    """III.9.6: the agreement states no rate; the one row entered applies from the Effective Date."""
    fusc = agreement.terms.taxes.fusc.value
    assert fusc.rate_on(dt.date(2012, 6, 20)) == Decimal("0.1740")
    assert fusc.rate_on(dt.date(2027, 1, 1)) == Decimal("0.1740")
    assert fusc.rate_on(dt.date(2012, 6, 19)) is None
    assert fusc.row_on(dt.date(2020, 1, 1)).source


def test_a_later_row_changes_a_bill_in_its_year_only(agreement):
    """III.9.6: with a row from 2020-01-01, a 2020 bill uses it and a 2019 bill keeps the earlier factor."""
    base = agreement.terms
    changed = _with_row(agreement, "2020-01-01", "0.2000")
    assert _fusc(base, "2020-03") == Decimal("17.40")
    assert _fusc(changed, "2020-03") == Decimal("20.00")
    assert _fusc(changed, "2019-12") == Decimal("17.40")


def test_explanation_names_the_row_and_its_source(agreement):
    """III.9.6: the FUSC line says which factor applied and where it comes from."""
    changed = _with_row(agreement, "2020-01-01", "0.2000")
    cycle = cycle_for("G", "2020-03", 3, Deadlines(changed))
    line = tax_lines(Account("G", "Granite"), cycle, {"mrc": Decimal("100.00")}, changed)[0]
    assert "factor in force from 2020-01-01: test row, not a real factor" in line.explanation.steps[0].text
