"""Customer records under the CPNI rules through the API (II.2.26, III.29, VI.8): the Blanket LOA,
End User authorisations, CSR inquiries answered with the record the system keeps, refusals kept
in the log and the audit log with their reason, Data Validation Files once a quarter, and the
access log produced for an audit (VI.8.4.4). Retail sales never reach any of it (IV.8.5).

Of the CPNI domain's codes, role_invalid, kind_invalid, file_invalid and field_missing are
schema errors through the API (422 `invalid`), and read_not_allowed belongs to `cpni.accessed`,
which no route records: the API refuses such a read by role before it reaches the domain (403)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from icaops.app.audit import audit_entries
from icaops.app.workspace import Workspace

from .conftest import Gateway, lsr

WTN = "2085550101"


def log_types(gateway: Gateway) -> list[str]:
    return [e.type for e in Workspace(gateway.workspace.agreement, gateway.engine).events()]


def install_line(gateway: Gateway) -> None:
    """N-100 for Acme Hardware completed with WTN 2085550101, and its listing by LSR (VII.2.a)."""
    assert gateway.post("granite", "/productOrder", lsr()).status_code == 201
    assert gateway.post("ops", "/productOrder/GRANITE/N-100/confirm", {}).status_code == 200
    r = gateway.post("ops", "/productOrder/GRANITE/N-100/complete", {"wtns": [WTN]})
    assert r.status_code == 200, r.text
    assert gateway.post("granite", "/directoryMethod", {"account": "GRANITE", "method": "lsr_dsr"}).status_code == 201
    listing = {"account": "GRANITE", "wtn": WTN, "action": "add", "via": "lsr", "name": "Acme Hardware"}
    assert gateway.post("granite", "/directoryListing", listing).status_code == 201


def authorize(gateway: Gateway, wtn: str = WTN, key: str | None = None) -> str:
    r = gateway.post("granite", "/cpniAuthorization", {"account": "GRANITE", "wtn": wtn}, key=key)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def inquiry(gateway: Gateway, who: str = "granite", **changes: Any) -> Any:
    body = {"account": "GRANITE", "wtn": WTN, "channel": "electronic", **changes}
    return gateway.post(who, "/csrInquiry", body)


def test_a_csr_inquiry_under_the_loa_and_the_end_user_s_authorisation_answers_the_record(gateway: Gateway) -> None:
    """VI.8.4.1 Blanket LOA on file, VI.8.4.2 the End User's authorisation: the CSR of the WTN
    (the line, the order that installed it with its End User and address, the listing); the
    electronic search is priced (VIII, csr.searched); the read is audited with its
    authorisation (VI.8.3.2)."""
    install_line(gateway)
    r = gateway.post("granite_admin", "/blanketLoa", {"account": "GRANITE"})
    assert r.status_code == 201 and r.json()["onFile"] is True
    ref = authorize(gateway)
    r = inquiry(gateway, authorization=ref)
    assert r.status_code == 201, r.text
    csr = r.json()["customerServiceRecord"]
    assert csr["line"]["status"] == "in_service" and csr["line"]["installed_by"] == "N-100"
    assert csr["order"]["pon"] == "N-100"
    assert csr["endUser"]["name"] == "Acme Hardware" and csr["endUser"]["address"] == "12 Main St, Boise ID"
    assert csr["listing"]["name"] == "Acme Hardware"
    assert r.json()["charge"] == f"{r.json()['id']}:csr.searched"
    assert log_types(gateway).count("csr.searched") == 1
    read = [a for a in audit_entries(gateway.engine) if a.action == "csr.requested.recorded"]
    assert [(a.subject, a.detail["authorization"]) for a in read] == [(f"csrInquiry/GRANITE/{WTN}", ref)]


def test_a_search_without_the_blanket_loa_is_refused_kept_and_audited_with_its_reason(gateway: Gateway) -> None:
    """VI.8.4.1: no Blanket LOA on file: refused (422 `refused`, kept), the record not disclosed;
    the attempt is in the log and in the audit log with its reason."""
    install_line(gateway)
    ref = authorize(gateway)
    r = inquiry(gateway, authorization=ref)
    assert r.status_code == 422, r.text
    body = r.json()
    assert (body["code"], body["kept"]) == ("refused", True)
    assert (body["errors"][0]["code"], body["errors"][0]["clause"]) == ("blanket_loa_missing", "VI.8.4.1")
    assert "customerServiceRecord" not in body
    assert log_types(gateway).count("csr.requested") == 1 and "csr.searched" not in log_types(gateway)
    (row,) = [a for a in audit_entries(gateway.engine) if a.action == "csr.requested.kept_refused"]
    assert "blanket_loa_missing" in row.reason and row.detail["authorization"] == ref


def test_a_search_without_the_end_user_s_authorisation_in_force_is_refused(gateway: Gateway) -> None:
    """II.2.26, VI.8.4.2: the End User's authorisation, for that WTN, not withdrawn."""
    assert gateway.post("granite_admin", "/blanketLoa", {"account": "GRANITE"}).status_code == 201
    r = inquiry(gateway)
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "authorization_missing"
    assert r.json()["errors"][0]["clause"] == "II.2.26"
    other = authorize(gateway, wtn="2085550199")
    assert inquiry(gateway, authorization=other).json()["errors"][0]["code"] == "authorization_missing"
    ref = authorize(gateway)
    assert inquiry(gateway, authorization=ref).status_code == 201
    r = gateway.post("granite", "/cpniAuthorization/withdraw", {"account": "GRANITE", "refers_to": ref})
    assert r.status_code == 200 and r.json()["withdrawnOn"] == "2013-03-04"
    gateway.clock.day(dt.date(2013, 3, 5))
    assert inquiry(gateway, authorization=ref).json()["errors"][0]["code"] == "authorization_missing"


def test_withdrawing_the_blanket_loa_stops_searches_and_filing_twice_changes_nothing(gateway: Gateway) -> None:
    """VI.8.4.1: searches only while the Blanket LOA is on file."""
    assert gateway.post("granite_admin", "/blanketLoa", {"account": "GRANITE"}).status_code == 201
    again = gateway.post("granite_admin", "/blanketLoa", {"account": "GRANITE"})
    assert again.status_code == 200 and again.json()["event"] is None
    assert log_types(gateway).count("cpni.blanket_loa_filed") == 1
    ref = authorize(gateway)
    gateway.clock.day(dt.date(2013, 3, 6))
    r = gateway.post("granite_admin", "/blanketLoa/withdraw", {"account": "GRANITE"})
    assert r.status_code == 200 and r.json()["onFile"] is False
    assert gateway.get("granite", "/blanketLoa/GRANITE").json()["onFile"] is False
    assert inquiry(gateway, authorization=ref).json()["errors"][0]["code"] == "blanket_loa_missing"
    assert gateway.post("granite", "/blanketLoa", {"account": "GRANITE"}).status_code == 403  # the admin's


def test_malformed_requests_are_refused_and_not_kept(gateway: Gateway) -> None:
    """VIII prices a CSR search by channel; a withdrawal names an authorisation on record."""
    before = len(log_types(gateway))
    r = inquiry(gateway, channel="carrier-pigeon")
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "channel_invalid" and not r.json()["kept"]
    r = gateway.post("granite", "/cpniAuthorization/withdraw", {"account": "GRANITE", "refers_to": "nope"})
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "authorization_unknown"
    assert len(log_types(gateway)) == before
    assert inquiry(gateway, actor="someone-else").status_code == 422  # who searched is the server's to say


def test_a_data_validation_file_at_most_once_a_quarter(gateway: Gateway) -> None:
    """VI.8.5.2: one Data Validation File a quarter (any file counts); the next quarter anew."""
    r = gateway.post("granite", "/dataValidationFile", {"account": "GRANITE", "file": "street_address_guide"})
    assert r.status_code == 201 and r.json()["remainingThisQuarter"]["value"] == 0
    gateway.clock.day(dt.date(2013, 3, 29))
    r = gateway.post("granite", "/dataValidationFile", {"account": "GRANITE", "file": "community_names"})
    assert r.status_code == 422 and r.json()["kept"] is True
    assert (r.json()["errors"][0]["code"], r.json()["clause"]) == ("dvf_limit_reached", "VI.8.5.2")
    gateway.clock.day(dt.date(2013, 4, 1))
    r = gateway.post("granite", "/dataValidationFile", {"account": "GRANITE", "file": "community_names"})
    assert r.status_code == 201, r.text


def test_the_access_log_gives_each_access_with_its_authorisation_to_ops_and_the_auditor(gateway: Gateway) -> None:
    """VI.8.4.4: CenturyLink (and an auditor) can produce each access with its authorisation;
    filters by account and date, paged; the CLEC itself does not read it."""
    assert gateway.post("granite_admin", "/blanketLoa", {"account": "GRANITE"}).status_code == 201
    ref = authorize(gateway)
    assert inquiry(gateway, authorization=ref).status_code == 201
    gateway.clock.day(dt.date(2013, 3, 5))
    assert inquiry(gateway).status_code == 422
    r = gateway.post("other", "/csrInquiry", {"account": "OTHERCO", "wtn": "2085550300", "channel": "manual"})
    assert r.status_code == 422
    for who in ("ops", "auditor"):
        r = gateway.get(who, "/cpniAccess", account="GRANITE")
        assert r.status_code == 200, r.text
        rows = [(a["date"], a["authorization"], a["granted"], a["refusal"]) for a in r.json()["items"]]
        assert rows == [("2013-03-04", ref, True, None), ("2013-03-05", None, False, "authorization_missing")]
    assert len(gateway.get("ops", "/cpniAccess", since="2013-03-05").json()["items"]) == 2
    page1 = gateway.get("auditor", "/cpniAccess", limit=2).json()
    assert [a["account"] for a in page1["items"]] == ["GRANITE", "GRANITE"]
    page2 = gateway.get("auditor", "/cpniAccess", limit=2, cursor=page1["nextCursor"]).json()
    assert [a["account"] for a in page2["items"]] == ["OTHERCO"] and page2["nextCursor"] is None
    assert any(a.action == "cpni.access_log.read" for a in audit_entries(gateway.engine))
    for who in ("granite", "granite_admin", "billing", "retail"):
        assert gateway.get(who, "/cpniAccess").status_code == 403


def test_retail_sales_never_reach_customer_records(gateway: Gateway) -> None:
    """IV.8.5: CenturyLink's retail sales have no access to a CLEC's customer information."""
    assert gateway.post("granite_admin", "/blanketLoa", {"account": "GRANITE"}).status_code == 201
    ref = authorize(gateway)
    posts = [
        ("/blanketLoa", {"account": "GRANITE"}),
        ("/blanketLoa/withdraw", {"account": "GRANITE"}),
        ("/cpniAuthorization", {"account": "GRANITE", "wtn": WTN}),
        ("/cpniAuthorization/withdraw", {"account": "GRANITE", "refers_to": ref}),
        ("/csrInquiry", {"account": "GRANITE", "wtn": WTN, "channel": "electronic", "authorization": ref}),
        ("/dataValidationFile", {"account": "GRANITE", "file": "community_names"}),
    ]
    for path, body in posts:
        assert gateway.post("retail", path, body).status_code == 403, path
        assert gateway.post("auditor", path, body).status_code == 403, path  # the auditor only reads
        assert gateway.post("other_admin", path, body).status_code == 404, path  # another CLEC's account
    for path in ("/blanketLoa/GRANITE", f"/cpniAuthorization/GRANITE/{ref}", "/cpniAccess"):
        assert gateway.get("retail", path).status_code == 403, path
    assert gateway.get("other", "/blanketLoa/GRANITE").status_code == 404
    assert gateway.get("other", f"/cpniAuthorization/GRANITE/{ref}").status_code == 404
    assert gateway.get("other", f"/cpniAuthorization/OTHERCO/{ref}").status_code == 404
    assert gateway.get("auditor", f"/cpniAuthorization/GRANITE/{ref}").json()["wtn"] == WTN
    assert log_types(gateway).count("csr.requested") == 0
