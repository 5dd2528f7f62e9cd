"""VIII: every LSR bears a service order charge; an event that cannot say which one is refused, not dropped."""

from __future__ import annotations

import datetime as dt

import pytest

from icaops.billing.charges import event_charges
from icaops.billing.cycle import cycle_for
from icaops.billing.model import Account
from icaops.calendar.deadlines import Deadlines
from icaops.relationship.events import Event
from icaops.terms.loader import load_agreement


@pytest.fixture(scope="module")
def terms():
    return load_agreement("centurylink-granite-id-2012").terms


def _bill(terms, *events: Event):
    cycle = cycle_for("G", "2013-12", 3, Deadlines(terms))
    return event_charges(Account("G", "Granite"), cycle, events, terms, orders_before=1)


def _order(eid: str, **fields) -> Event:
    return Event(eid, dt.date(2013, 11, 20), "order.submitted", tuple({"account": "G", **fields}.items()))


def test_order_without_variant_is_refused_naming_the_field(terms):
    """VIII: an LSR "for any reason" bears a service order charge; without `variant` it cannot be chosen."""
    lines, refused = _bill(terms, _order("O1", channel="electronic"))
    assert lines == []
    assert [r.source for r in refused] == ["O1"]
    assert "`variant` missing" in refused[0].reason
    assert "standard" in refused[0].reason and "listing_only" in refused[0].reason
    assert refused[0].clause == "VIII"


def test_order_with_unknown_channel_is_refused(terms):
    """VIII prices manual and electronic LSRs only: a 'fax' channel is refused with the expected values."""
    lines, refused = _bill(terms, _order("O2", channel="fax", variant="standard"))
    assert lines == []
    assert "`channel` 'fax' (expected one of: electronic, manual)" in refused[0].reason


def test_complete_order_is_billed_without_refusal(terms):
    """VIII: Electronic Service Order (IRES) $8.67."""
    lines, refused = _bill(terms, _order("O3", channel="electronic", variant="standard"))
    assert [(l.code, str(l.amount)) for l in lines] == [("service_order_electronic", "8.67")]
    assert refused == []


def test_left_out_flag_is_not_a_gap(terms):
    """VIII: the first galley is free; a galley request without `additional` is no charge and no refusal."""
    galley = Event("G1", dt.date(2013, 11, 20), "galley.requested", (("account", "G"),))
    lines, refused = _bill(terms, galley)
    assert lines == [] and refused == []
