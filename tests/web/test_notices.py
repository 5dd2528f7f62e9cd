"""Notices through the portal (III.34): given by a CLEC admin or CenturyLink about a CLEC
account, the giver the signed-in party, the day each counts as received computed and explained
(III.34.1); refusals with their clause; a CLEC sees only its own accounts' notices."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import unquote

from .conftest import Browser, Portal
from .test_pages import refusal_rows


def give(b: Browser, **fields: str) -> object:
    b.get("/notices")
    return b.post("/notices", {"account": "GRANITE", "kind": "dispute", "once": fields.pop("once", "n1"), **fields})


def test_first_class_mail_counts_as_received_three_business_days_after_mailing(portal: Portal) -> None:
    """III.34.1(b): mailed Wednesday 2013-04-10 -> Thu 11, Fri 12, Mon 15: received 2013-04-15;
    the giver is the CLEC (who signs in), whatever the form says."""
    portal.gateway.clock.day(dt.date(2013, 4, 10))
    admin = portal.as_("granite_admin")
    r = give(admin, method="first_class_mail", by="ilec")
    assert r.status_code == 303, r.text
    path = unquote(r.headers["location"].removeprefix("/portal"))
    page = admin.get(path.split("?")[0])
    assert page.status_code == 200
    facts = dict(re.findall(r"<dt>([^<]+)</dt><dd>(.*?)</dd>", page.text, re.S))
    assert facts["Sent on"] == "2013-04-10" and "the CLEC (clec)" in facts["Given by"]
    assert facts["Counts as received"].startswith("<strong>2013-04-15</strong>")
    assert "III.34.1" in facts["Counts as received"]
    listed = portal.as_("granite").get("/notices").text
    assert "2013-04-15" in listed and "dispute" in listed


def test_certified_mail_counts_from_the_receipt_and_needs_one(portal: Portal) -> None:
    """III.34.1(c): certified mail is received on the date on its receipt; without it, refused
    with III.34.1 and nothing recorded; e-mail is not a way to give notice (III.34.1)."""
    portal.gateway.clock.day(dt.date(2013, 4, 10))
    ops = portal.as_("ops")
    r = give(ops, method="certified_mail", kind="default", receipt_date="2013-04-12")
    assert r.status_code == 303, r.text
    page = ops.get(unquote(r.headers["location"].removeprefix("/portal")).split("?")[0])
    assert "Date on the receipt</dt><dd>2013-04-12" in page.text and "<strong>2013-04-12</strong>" in page.text
    assert "CenturyLink (ilec)" in page.text
    for method in ("certified_mail", "email"):
        r = give(ops, method=method, once=f"x-{method}")
        assert r.status_code == 422, r.text
        assert [clause for _, clause in refusal_rows(r.text)] == ["III.34.1"]
    assert ops.get("/notices").text.count("<td>default</td>") == 1


def test_who_may_give_and_see_a_notice(portal: Portal) -> None:
    """III.34: a CLEC user reads but does not give notices (its admin does); III.29.1.1: OTHERCO
    neither gives one about GRANITE nor sees GRANITE's (404, as one that does not exist)."""
    admin = portal.as_("granite_admin")
    r = give(admin, method="personal")
    assert r.status_code == 303
    notice = unquote(r.headers["location"].removeprefix("/portal/notices/")).split("?")[0]
    user = portal.as_("granite")
    assert "Give a notice" not in user.get("/notices").text
    assert give(user, method="personal", once="u").status_code == 403
    assert user.get(f"/notices/{notice}").status_code == 200
    other = portal.as_("other_admin")
    assert other.get(f"/notices/{notice}").status_code == 404
    assert other.get("/notices/nothing-such").status_code == 404
    assert give(other, method="personal", once="o").status_code == 404
    assert notice not in other.get("/notices").text
