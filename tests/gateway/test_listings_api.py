"""Directory listings through the API (Article VII): the listing method (VII.7), listings by LSR
or DSR (VII.2.a, VII.2.e) with the DSR charge (VIII), the Business Office Close and the deadlines
the domain computes from it (VII.2.g, VII.7.b.3), galleys and corrections (VII.2.g, VII.8), the
annual data file (VII.2.h, VII.7.b), each refusal with its clause, tenants and roles.

The domain's action_invalid and via_invalid are schema errors through the API (422 `invalid`);
field_missing likewise."""

from __future__ import annotations

import datetime as dt
from typing import Any

from icaops.app.workspace import Workspace

from .conftest import Gateway

WTN = "2085550101"
G = "GRANITE"


def log_types(gateway: Gateway) -> list[str]:
    return [e.type for e in Workspace(gateway.workspace.agreement, gateway.engine).events()]


def listing(action: str = "add", via: str = "lsr", **more: Any) -> dict[str, Any]:
    return {"account": G, "wtn": WTN, "action": action, "via": via, "name": "Acme Hardware", **more}


def refused(r: Any, code: str, clause: str, kept: bool = True) -> None:
    assert r.status_code == 422, r.text
    body = r.json()
    assert (body["code"], body["kept"]) == ("refused", kept)
    assert (body["errors"][0]["code"], body["errors"][0]["clause"]) == (code, clause)


def on(gateway: Gateway, day: str) -> None:
    gateway.clock.day(dt.date.fromisoformat(day))


def test_listings_by_lsr_and_dsr_kept_per_end_user(gateway: Gateway) -> None:
    """VII.7 method chosen; VII.2.e add, change, delete; VIII: a stand-alone DSR is charged, a
    listing on an LSR is not (only the LSR charge applies)."""
    r = gateway.post("granite", "/directoryMethod", {"account": G, "method": "lsr_dsr"})
    assert r.status_code == 201 and r.json()["method"] == "lsr_dsr"
    r = gateway.post("granite", "/directoryListing", listing(via="dsr"))
    assert r.status_code == 201, r.text
    assert r.json()["id"] == f"{G}/{WTN}" and r.json()["status"] == "active"
    assert r.json()["charges"] == [f"{r.json()['event']}:dsr.submitted"]
    r = gateway.post("granite", "/directoryListing", listing("change", name="Acme Hardware & Garden"))
    assert r.status_code == 201 and r.json()["charges"] == []
    assert log_types(gateway).count("dsr.submitted") == 1
    got = gateway.get("granite", f"/directoryListing/{G}/{WTN}").json()
    assert (got["name"], got["via"], got["since"]) == ("Acme Hardware & Garden", "lsr", "2013-03-04")
    other = {**listing(), "wtn": "2085550102", "name": "Bo's Diner"}
    assert gateway.post("granite", "/directoryListing", other).status_code == 201
    assert gateway.post("granite", "/directoryListing", listing("delete")).json()["status"] == "deleted"
    assert [x["wtn"] for x in gateway.get("granite", "/directoryListing", status="active").json()["items"]] == [
        "2085550102"
    ]
    page1 = gateway.get("ops", "/directoryListing", limit=1).json()
    assert [x["wtn"] for x in page1["items"]] == [WTN]
    page2 = gateway.get("ops", "/directoryListing", limit=1, cursor=page1["nextCursor"]).json()
    assert [x["wtn"] for x in page2["items"]] == ["2085550102"]


def test_the_business_office_close_and_its_deadlines_galleys_and_corrections(gateway: Gateway) -> None:
    """boise-2014 closes Fri 2014-03-14, announced 2013-11-01. Galley Proofs 30 days before:
    2014-02-12 (VII.2.g); corrections five Business Days before: 2014-03-07; the annual file
    before the close: by 2014-03-13 (VII.7.b.3); the close announced at least 120 days before:
    by 2013-11-14, so in time. The first galley is free, an additional one charged (VII.8, VIII)
    with a week's notice; corrections after the cut-off are refused (the galley deemed correct)."""
    assert gateway.post("granite", "/directoryMethod", {"account": G, "method": "lsr_dsr"}).status_code == 201
    on(gateway, "2013-11-01")
    r = gateway.post("ops", "/directoryClose", {"account": G, "directory": "boise-2014", "close": "2014-03-14"})
    assert r.status_code == 201, r.text
    (book,) = gateway.get("granite", f"/directory/{G}").json()["directories"]
    deadlines = {k: v["value"] for k, v in book["deadlines"].items()}
    assert deadlines == {
        "close_notice_by": "2013-11-14",
        "close_notice_timely": True,
        "galley_by": "2014-02-12",
        "corrections_by": "2014-03-07",
        "annual_file_by": "2014-03-13",
    }
    assert all(step["clause"] for v in book["deadlines"].values() for step in v["steps"][1:])
    on(gateway, "2014-02-12")
    assert gateway.post("ops", "/galleyProof", {"account": G, "directory": "boise-2014"}).status_code == 201
    on(gateway, "2014-02-14")
    r = gateway.post("granite", "/galleyRequest", {"account": G, "directory": "boise-2014", "desired": "2014-02-21"})
    assert r.status_code == 201 and r.json()["charges"] == [f"{r.json()['event']}:galley.requested"]
    on(gateway, "2014-02-20")
    r = gateway.post("granite", "/galleyRequest", {"account": G, "directory": "boise-2014", "desired": "2014-02-24"})
    refused(r, "galley_request_late", "VII.2.g")
    on(gateway, "2014-03-07")
    r = gateway.post("granite", "/galleyCorrections", {"account": G, "directory": "boise-2014", "share": "0.01"})
    assert r.status_code == 201 and len(r.json()["corrections"]) == 1
    on(gateway, "2014-03-10")
    r = gateway.post("granite", "/galleyCorrections", {"account": G, "directory": "boise-2014", "share": "0.01"})
    refused(r, "corrections_late", "VII.2.g")
    assert (
        gateway.post("ops", "/galleyProof", {"account": G, "directory": "nowhere"}).json()["errors"][0]["code"]
        == "directory_unknown"
    )


def test_the_method_decides_what_may_be_sent(gateway: Gateway) -> None:
    """VII.7: no listing before a method is chosen; for all directory markets one method; a
    change needs 180 days' notice (2013-06-01 - 180 days = 2012-12-03)."""
    refused(gateway.post("granite", "/directoryListing", listing()), "method_not_chosen", "VII.7")
    r = gateway.post("granite", "/directoryMethod", {"account": G, "method": "carrier-pigeon"})
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "method_invalid" and not r.json()["kept"]
    assert gateway.post("granite", "/directoryMethod", {"account": G, "method": "lsr_dsr"}).status_code == 201
    on(gateway, "2013-03-05")
    change = {"account": G, "method": "annual_file", "effective": "2013-06-01"}
    refused(gateway.post("granite", "/directoryMethod", change), "method_change_notice_late", "VII.7")
    assert gateway.post("granite", "/directoryListing", listing()).status_code == 201
    refused(gateway.post("granite", "/directoryListing", listing()), "listing_exists", "VII.2.e")
    gone = {**listing("change"), "wtn": "2085550199"}
    refused(gateway.post("granite", "/directoryListing", gone), "listing_unknown", "VII.2.e")
    on(gateway, "2013-11-01")
    boc = {"account": G, "directory": "boise-2014", "close": "2014-03-14"}
    assert gateway.post("ops", "/directoryClose", boc).status_code == 201
    on(gateway, "2014-01-02")
    r = gateway.post("granite", "/annualFile", {"account": G, "directory": "boise-2014"})
    refused(r, "method_is_lsr_dsr", "VII.7")


def test_the_annual_data_file_after_notice_and_before_the_close(gateway: Gateway) -> None:
    """VII.2.h: notice at least 45 days before the file (2014-02-20 - 45 days = 2014-01-06);
    VII.7.b.3: the file before the close date; VII.7.b.6: no charge. OTHERCO uses the annual
    file, so its LSR/DSR listings are refused (VII.7)."""
    oth = "OTHERCO"
    assert gateway.post("other", "/directoryMethod", {"account": oth, "method": "annual_file"}).status_code == 201
    r = gateway.post("other", "/directoryListing", {**listing(), "account": oth})
    refused(r, "method_is_annual_file", "VII.7")
    on(gateway, "2013-11-01")
    for book in ("boise-2014", "pocatello-2014"):
        body = {"account": oth, "directory": book, "close": "2014-03-14"}
        assert gateway.post("ops", "/directoryClose", body).status_code == 201
    on(gateway, "2014-01-02")
    intent = {"account": oth, "directory": "boise-2014", "submission": "2014-02-20"}
    assert gateway.post("other", "/annualFileIntent", intent).status_code == 201
    on(gateway, "2014-02-01")
    late = {"account": oth, "directory": "pocatello-2014", "submission": "2014-02-25"}
    assert gateway.post("other", "/annualFileIntent", late).status_code == 201
    on(gateway, "2014-02-20")
    r = gateway.post("other", "/annualFile", {"account": oth, "directory": "boise-2014"})
    assert r.status_code == 201 and r.json()["charges"] == [] and len(r.json()["annualFiles"]) == 1
    on(gateway, "2014-02-25")
    r = gateway.post("other", "/annualFile", {"account": oth, "directory": "pocatello-2014"})
    refused(r, "intent_notice_late", "VII.2.h")
    on(gateway, "2014-03-14")
    refused(
        gateway.post("other", "/annualFile", {"account": oth, "directory": "boise-2014"}), "after_close", "VII.7.b.3"
    )


def test_cross_tenant_retail_sales_and_the_auditor(gateway: Gateway) -> None:
    """III.29.1.1: a CLEC sees only its own listings; IV.8.5: retail sales none; the auditor reads only."""
    assert gateway.post("granite", "/directoryMethod", {"account": G, "method": "lsr_dsr"}).status_code == 201
    assert gateway.post("granite", "/directoryListing", listing()).status_code == 201
    one = f"/directoryListing/{G}/{WTN}"
    assert gateway.get("other", one).status_code == 404
    assert gateway.get("other", f"/directory/{G}").status_code == 404
    assert gateway.get("other", "/directoryListing").json()["items"] == []
    assert gateway.get("other", "/directoryListing", account=G).status_code == 404
    posts = [
        ("/directoryListing", listing("change")),
        ("/directoryMethod", {"account": G, "method": "lsr_dsr"}),
        ("/directoryClose", {"account": G, "directory": "boise-2014", "close": "2014-03-14"}),
        ("/galleyProof", {"account": G, "directory": "boise-2014"}),
        ("/galleyRequest", {"account": G, "directory": "boise-2014", "desired": "2014-02-21"}),
        ("/galleyCorrections", {"account": G, "directory": "boise-2014", "share": "0.01"}),
        ("/annualFileIntent", {"account": G, "directory": "boise-2014", "submission": "2014-02-20"}),
        ("/annualFile", {"account": G, "directory": "boise-2014"}),
    ]
    for path, body in posts:
        assert gateway.post("retail", path, body).status_code == 403, path
        assert gateway.post("auditor", path, body).status_code == 403, path
        ilec_only = path in ("/directoryClose", "/galleyProof")  # no CLEC may; another CLEC's account is not seen
        assert gateway.post("other_admin", path, body).status_code == (403 if ilec_only else 404), path
    for path in ("/directoryListing", one, f"/directory/{G}"):
        assert gateway.get("retail", path).status_code == 403, path
        assert gateway.get("auditor", path).status_code == 200, path
    assert gateway.post("granite", "/directoryClose", posts[2][1]).status_code == 403  # CenturyLink announces
    assert gateway.post("ops", "/directoryListing", listing("change")).status_code == 403  # the CLEC submits
