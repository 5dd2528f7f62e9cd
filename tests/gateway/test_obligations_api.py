"""Obligations through the API (issue 13 §2): per party, as of a date, with the clause and the
explained due date; tenant-isolated — a CLEC sees its own accounts' obligations and the
relationship's it is party to, never another CLEC's (III.29.1.1); retail sales none (IV.8.5);
and the same as an iCalendar feed (RFC 5545) a calendar parser reads."""

from __future__ import annotations

from typing import Any

import icalendar

from .conftest import Gateway, lsr


def _ids(r: Any) -> set[str]:
    assert r.status_code == 200, r.text
    return {o["id"] for o in r.json()["items"]}


def test_the_usf_certification_is_violated_since_the_day_after_february_1(gateway: Gateway) -> None:
    """III.9.6.2: the annual USF certification for 2013 is due no later than February 1, a
    Friday; as of 2013-03-04 it was not filed: violated since Saturday 2013-02-02."""
    r = gateway.get("granite", "/obligations", party="clec", asOf="2013-03-04", state="violated")
    assert r.status_code == 200, r.text
    (usf,) = r.json()["items"]
    assert usf["id"] == "usf:GRANITE:2013" and usf["clause"] == "III.9.6.2"
    assert usf["dueDate"]["value"] == "2013-02-01"
    assert usf["dueDate"]["steps"] and all(s["clause"] for s in usf["dueDate"]["steps"])
    assert usf["violatedSince"] == "2013-02-02"
    assert usf["debtor"] == {"party": "clec", "account": "GRANITE"}
    assert usf["consequences"] and usf["consequences"][0]["clause"]


def test_the_party_filter_keeps_what_that_party_owes(gateway: Gateway) -> None:
    """IV.9.1: Granite's LSR makes CenturyLink owe its confirmation; the CLEC owes the USF
    certification (III.9.6.2). `owed` turns the view around."""
    assert gateway.post("granite", "/productOrder", lsr()).status_code == 201
    for party in ("ilec", "clec"):
        items = gateway.get("ops", "/obligations", party=party).json()["items"]
        assert items and all(o["debtor"]["party"] == party for o in items)
    owed = gateway.get("granite", "/obligations", party="clec", role="owed").json()["items"]
    assert owed and all(o["creditor"]["party"] == "clec" for o in owed)
    ilec = _ids(gateway.get("granite", "/obligations", party="ilec"))
    assert any("N-100" in i for i in ilec)
    assert _ids(gateway.get("granite", "/obligations")) == _ids(gateway.get("granite", "/obligations", party="clec"))


def test_a_clec_sees_its_own_and_the_relationships_never_another_clecs(gateway: Gateway) -> None:
    """III.29.1.1: Other Co sees neither Granite's USF duty nor CenturyLink's duties on
    Granite's orders; both see the relationship's (a notice of termination, III.2)."""
    assert gateway.post("granite", "/productOrder", lsr()).status_code == 201
    everyone = _ids(gateway.get("ops", "/obligations", party="clec")) | _ids(
        gateway.get("ops", "/obligations", party="ilec")
    )
    other = _ids(gateway.get("other", "/obligations", party="clec")) | _ids(
        gateway.get("other", "/obligations", party="ilec")
    )
    granite = _ids(gateway.get("granite", "/obligations", party="clec")) | _ids(
        gateway.get("granite", "/obligations", party="ilec")
    )
    assert "usf:GRANITE:2013" in granite and "usf:GRANITE:2013" not in other
    assert "usf:OTHERCO:2013" in other and "usf:OTHERCO:2013" not in granite
    assert not any("N-100" in i for i in other)
    shared = {i for i in everyone if i.startswith("termination_notice:")}
    assert shared and shared <= granite and shared <= other
    assert granite | other == everyone
    r = gateway.get("granite", "/obligations", party="clec", account="OTHERCO")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    assert _ids(gateway.get("auditor", "/obligations", party="clec")) == _ids(
        gateway.get("ops", "/obligations", party="clec")
    )


def test_retail_sales_is_forbidden_and_bad_queries_name_their_field(gateway: Gateway) -> None:
    """IV.8.5: retail sales may not see CLEC information; obligations show CLEC accounts."""
    for path in ("/obligations", "/obligations.ics"):
        r = gateway.get("retail", path, party="ilec")
        assert r.status_code == 403 and r.json()["code"] == "forbidden"
    r = gateway.get("granite", "/obligations", state="late")
    assert r.status_code == 422 and r.json()["field"] == "state"
    assert gateway.get("granite", "/obligations", party="both").status_code == 422
    r = gateway.get("auditor", "/obligations")
    assert r.status_code == 422 and r.json()["field"] == "party"


def test_the_calendar_feed_parses_and_is_tenant_isolated(gateway: Gateway) -> None:
    """RFC 5545: one all-day VEVENT per obligation on its due date, UID `<id>@<agreement>`."""
    r = gateway.get("granite", "/obligations.ics", party="clec")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(r.content)
    events = {str(e["uid"]).split("@")[0]: e for e in cal.walk("VEVENT")}
    assert set(events) == _ids(gateway.get("granite", "/obligations", party="clec"))
    usf = events["usf:GRANITE:2013"]
    assert usf.decoded("dtstart").isoformat() == "2013-02-01"
    assert "III.9.6.2" in str(usf["summary"])
    other = icalendar.Calendar.from_ical(gateway.get("other", "/obligations.ics").content)
    assert not any("GRANITE" in str(e["uid"]) for e in other.walk("VEVENT"))
