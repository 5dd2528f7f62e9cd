"""The directory through the portal (Article VII): the CLEC's listing method (VII.7), listings
added, changed and deleted by LSR or DSR (VII.2.e), CenturyLink's Business Office Close and the
deadlines computed from it (VII.2.g, VII.7.b.3), galleys and corrections; refusals with their
clause, each party's actions only, another CLEC's account not found."""

from __future__ import annotations

import datetime as dt
import re

from .conftest import Browser, Portal
from .test_pages import refusal_rows

G = "GRANITE"
WTN = "2085550101"


def act(b: Browser, what: str, once: str, **fields: str) -> object:
    b.get("/directory", account=G)
    return b.post(f"/directory/{what}", {"account": G, "once": once, **fields})


def listing(b: Browser, once: str, action: str = "add", via: str = "lsr", name: str = "Acme Hardware") -> object:
    return act(b, "directoryListing", once, wtn=WTN, action=action, via=via, name=name)


def on(portal: Portal, day: str) -> None:
    portal.gateway.clock.day(dt.date.fromisoformat(day))


def test_the_method_then_a_listing_added_changed_and_deleted(portal: Portal) -> None:
    """VII.7: no listing before a method is chosen (refused, VII.7); then add, a second add of
    the same WTN refused (VII.2.e), change, delete; the listings page shows the change."""
    g = portal.as_("granite")
    r = listing(g, "l0")
    assert r.status_code == 422 and refusal_rows(r.text) == [("method_not_chosen", "VII.7")]
    assert "No listing method chosen yet" in g.get("/directory").text
    r = act(g, "directoryMethod", "m1", method="lsr_dsr")
    assert r.status_code == 303 and r.headers["location"].startswith("/portal/directory?account=GRANITE&done=")
    assert "In force: <strong>lsr_dsr</strong> since 2013-03-04" in g.get("/directory").text
    r = listing(g, "l1", via="dsr")
    assert r.status_code == 303 and r.headers["location"].startswith("/portal/listings?account=GRANITE")
    r = listing(g, "l2")
    assert r.status_code == 422 and refusal_rows(r.text) == [("listing_exists", "VII.2.e")]
    assert listing(g, "l3", "change", name="Acme Hardware & Garden").status_code == 303
    page = g.get("/listings").text
    assert "Acme Hardware &amp; Garden" in page and "<td>active</td>" in page
    assert listing(g, "l4", "delete").status_code == 303
    assert "<td>deleted</td>" in g.get("/listings").text


def test_the_business_office_close_its_deadlines_galleys_and_corrections(portal: Portal) -> None:
    """boise-2014 closes Fri 2014-03-14, announced 2013-11-01 (VII.8): Galley Proof by
    2014-02-12 (30 days before, VII.2.g), corrections by 2014-03-07 (five Business Days
    before), the annual file by 2014-03-13 (VII.7.b.3), the close announced by 2013-11-14
    (120 days before): in time. Corrections after the cut-off are refused (VII.2.g)."""
    g = portal.as_("granite")
    assert act(g, "directoryMethod", "m", method="lsr_dsr").status_code == 303
    on(portal, "2013-11-01")
    ops = portal.as_("ops")
    assert "Choose the listing method" not in ops.get("/directory", account=G).text  # the CLEC's action
    r = act(ops, "directoryClose", "c", directory="boise-2014", close="2014-03-14")
    assert r.status_code == 303, r.text
    page = ops.get("/directory", account=G).text
    row = re.search(r"<tr><td>boise-2014</td>(.*?)</tr>", page, re.S)
    assert row is not None
    cells = re.findall(r"<td(?: class=\"nowrap\")?>(?:<span class=\"nowrap\">)?([^<]*)", row.group(1))
    assert cells[:7] == ["2014-03-14", "2013-11-01", "2013-11-14", "yes", "2014-02-12", "2014-03-07", "2014-03-13"]
    assert "VII.2.g" in row.group(1)
    on(portal, "2014-02-12")
    ops = portal.as_("ops")
    assert act(ops, "galleyProof", "gp", directory="boise-2014").status_code == 303
    on(portal, "2014-03-07")
    g = portal.as_("granite")
    assert act(g, "galleyCorrections", "k1", directory="boise-2014", share="0.01").status_code == 303
    on(portal, "2014-03-10")
    g = portal.as_("granite")
    r = act(g, "galleyCorrections", "k2", directory="boise-2014", share="0.01")
    assert r.status_code == 422 and refusal_rows(r.text) == [("corrections_late", "VII.2.g")]
    page = g.get("/directory").text
    assert "2014-02-12" in page and "corrections: share 0.01" in page


def test_each_party_takes_only_its_own_directory_actions(portal: Portal) -> None:
    """VII.8: CenturyLink announces the close, not the CLEC (403); VII.2.e: the CLEC submits
    listings, not CenturyLink (403); III.29.1.1: another CLEC's account is not found (404)."""
    g = portal.as_("granite")
    assert "Announce a Business Office Close" not in g.get("/directory").text
    assert act(g, "directoryClose", "x", directory="boise-2014", close="2014-03-14").status_code == 403
    ops = portal.as_("ops")
    assert listing(ops, "y").status_code == 403
    other = portal.as_("other")
    assert other.get("/directory", account=G).status_code == 404
    assert listing(other, "z").status_code == 404
    assert act(g, "nothing", "w").status_code == 404
