"""notice through the API (III.34): given by a CLEC admin or CenturyLink about a CLEC account,
the method the giver's, the day it counts as received computed (III.34.1); tenants and roles."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .conftest import Gateway


def _give(gateway: Gateway, who: str, **body: Any) -> Any:
    return gateway.post(who, "/notice", {"account": "GRANITE", "kind": "dispute", **body})


def test_first_class_mail_counts_as_received_three_business_days_after_mailing(gateway: Gateway) -> None:
    """III.34.1(b): mailed Wednesday 2013-04-10 -> Thu 11, Fri 12, Mon 15: received 2013-04-15."""
    gateway.clock.day(dt.date(2013, 4, 10))
    r = _give(gateway, "granite_admin", method="first_class_mail")
    assert r.status_code == 201, r.text
    n = r.json()
    assert (n["account"], n["kind"], n["by"], n["method"], n["sentOn"]) == (
        "GRANITE", "dispute", "clec", "first_class_mail", "2013-04-10",
    )  # fmt: skip
    assert n["received"]["value"] == "2013-04-15"
    assert [s["clause"] for s in n["received"]["steps"]] == ["III.34.1"]
    assert gateway.get("granite", n["href"]).json() == n


def test_certified_mail_counts_from_the_receipt_and_needs_one(gateway: Gateway) -> None:
    """III.34.1: certified mail is received on the date on the receipt; without one it is refused."""
    gateway.clock.day(dt.date(2013, 4, 10))
    r = _give(gateway, "ops", method="certified_mail", receipt_date="2013-04-12", kind="default")
    assert r.status_code == 201, r.text
    assert (r.json()["by"], r.json()["received"]["value"]) == ("ilec", "2013-04-12")
    r = _give(gateway, "ops", method="certified_mail")
    assert r.status_code == 422 and r.json()["clause"] == "III.34.1"


def test_email_is_not_a_way_to_give_notice_and_nothing_is_stored(gateway: Gateway) -> None:
    """III.34.1: "E-mail will not be used to provide notice" (except where a clause allows it)."""
    before = len(gateway.workspace.events())
    r = _give(gateway, "granite_admin", method="email")
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["field"] == "method" and r.json()["clause"] == "III.34.1"
    assert r.json()["message"].endswith("(III.34.1)")
    assert len(gateway.workspace.events()) == before


def test_the_giver_is_who_signs_in_never_the_body(gateway: Gateway) -> None:
    """III.34: a CLEC cannot give a notice as CenturyLink: `by` is not a field of the body."""
    r = _give(gateway, "granite_admin", method="personal", by="ilec")
    assert r.status_code == 422 and r.json()["field"] == "by"
    r = _give(gateway, "granite_admin", method="personal", kind="eviction")
    assert r.status_code == 422 and r.json()["field"] == "kind"


def test_tenants_and_roles(gateway: Gateway) -> None:
    """III.29.1.1: OTHERCO neither gives notices about GRANITE nor sees them (404); a CLEC user
    does not give notices (its admin does); IV.8.5: retail sales 403; the auditor reads, never gives."""
    r = _give(gateway, "granite_admin", method="personal")
    assert r.status_code == 201, r.text
    mine = r.json()
    theirs = gateway.post("other_admin", "/notice", {"account": "OTHERCO", "kind": "audit", "method": "personal"})
    assert theirs.status_code == 201, theirs.text
    assert _give(gateway, "other_admin", method="personal").status_code == 404
    assert gateway.get("other", mine["href"]).status_code == 404
    assert [n["id"] for n in gateway.get("other", "/notice").json()["items"]] == [theirs.json()["id"]]
    assert [n["id"] for n in gateway.get("granite", "/notice").json()["items"]] == [mine["id"]]
    assert gateway.get("other", "/notice", account="GRANITE").status_code == 404
    assert {n["id"] for n in gateway.get("auditor", "/notice").json()["items"]} == {mine["id"], theirs.json()["id"]}
    assert [n["id"] for n in gateway.get("billing", "/notice", kind="audit").json()["items"]] == [theirs.json()["id"]]
    for who in ("granite", "retail", "auditor"):
        assert _give(gateway, who, method="personal").status_code == 403, who
    assert gateway.get("retail", "/notice").status_code == 403
    assert gateway.get("retail", mine["href"]).status_code == 403
    assert gateway.get("granite", "/notice/nope").status_code == 404
