"""II.2.8: a billing cycle closes on the account's close day; bad input names the field at fault."""

from __future__ import annotations

import datetime as dt

import pytest

from icaops.billing.cycle import cycle_for
from icaops.calendar.deadlines import Deadlines
from icaops.terms.loader import load_agreement


@pytest.fixture(scope="module")
def dl():
    return Deadlines(load_agreement("centurylink-granite-id-2012").terms)


@pytest.mark.parametrize("day", [0, 32, -3])
def test_close_day_out_of_range_names_the_close_day_not_the_period(dl, day):
    """A close day outside 1..31 is reported as such, not as a malformed period."""
    with pytest.raises(ValueError, match=r"cycle_close_day: expected a day of the month from 1 to 31") as err:
        cycle_for("G", "2013-05", day, dl)
    assert "period" not in str(err.value)


def test_malformed_period_still_names_the_period(dl):
    with pytest.raises(ValueError, match=r"period: expected YYYY-MM"):
        cycle_for("G", "2013-5x", 3, dl)


def test_bill_date_is_the_day_after_the_close(dl):
    """II.2.8: "The Bill Date shall be the date one day past the billing cycle close date"."""
    cycle = cycle_for("G", "2013-02", 31, dl)
    assert (cycle.start, cycle.close, cycle.bill_date.value) == (
        dt.date(2013, 2, 1),
        dt.date(2013, 2, 28),
        dt.date(2013, 3, 1),
    )
