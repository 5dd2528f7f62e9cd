"""auditLog through the API (VI.8.3.2, VI.8.4.4, III.7): every action and every read of customer
information with its actor, organisation and role, for CenturyLink's operations and billing
and the auditor; never for a CLEC or retail sales."""

from __future__ import annotations

import datetime as dt

from .billing_setup import BILL, bill_march
from .conftest import Gateway, lsr


def test_reads_and_actions_are_in_the_log_and_filter(gateway: Gateway) -> None:
    """VI.8.4.4: the ILEC and the auditor produce each access with who made it."""
    bill_march(gateway)
    assert gateway.get("granite", f"/customerBill/{BILL}").status_code == 200
    rows = gateway.get("auditor", "/auditLog", action="bill.run").json()["items"]
    assert [(r["subject"], r["actor"], r["detail"]["org"]) for r in rows] == [(BILL, "billing@ctl.example", "CTL")]
    mine = gateway.get("ops", "/auditLog", actor="granite@grn.example").json()["items"]
    assert mine and {r["actor"] for r in mine} == {"granite@grn.example"}
    assert {r["action"] for r in mine} == {"bill.read"}
    assert gateway.get("billing", "/auditLog", subject=BILL, action="bill.read").json()["items"]


def test_the_log_pages_oldest_first_and_since_filters(gateway: Gateway) -> None:
    bill_march(gateway)
    page1 = gateway.get("auditor", "/auditLog", limit=2).json()
    page2 = gateway.get("auditor", "/auditLog", limit=2, cursor=page1["nextCursor"]).json()
    ids = [r["id"] for r in page1["items"] + page2["items"]]
    assert ids == sorted(ids) and len(set(ids)) == 4
    tomorrow = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).date().isoformat()
    assert gateway.get("auditor", "/auditLog", since=tomorrow).json()["items"] == []
    assert gateway.get("auditor", "/auditLog", since="2013-01-01T00:00:00+00:00").json()["items"]
    assert gateway.get("auditor", "/auditLog", since="2013-01-01T00:00:00").status_code == 422
    assert gateway.get("auditor", "/auditLog", cursor="bm9wZQ==").status_code == 422


def test_clecs_and_retail_sales_do_not_read_the_log(gateway: Gateway) -> None:
    """IV.8.5, III.29.1.1: the log names every CLEC's activity."""
    for who in ("granite", "granite_admin", "other", "other_admin", "retail"):
        assert gateway.get(who, "/auditLog").status_code == 403, who


def test_every_read_of_end_user_information_is_in_the_log_with_who_read_it(gateway: Gateway) -> None:
    """VI.8.3.2, VI.8.4.4: an order shows its End User's name and address, so each read of one, or
    of a page of them, is a `customer_information.read` row naming the reader, its organisation
    and role, and the objects shown; a refused read shows nothing and records no such row."""
    assert gateway.post("granite", "/productOrder", lsr(pon="READ-1")).status_code == 201
    assert gateway.get("ops", "/productOrder/GRANITE/READ-1").status_code == 200
    assert gateway.get("granite", "/productOrder", account="GRANITE").status_code == 200
    assert gateway.get("other", "/productOrder/GRANITE/READ-1").status_code == 404
    assert gateway.get("retail", "/productOrder/GRANITE/READ-1").status_code == 403
    rows = gateway.get("auditor", "/auditLog", action="customer_information.read").json()["items"]
    seen = [(r["actor"], r["detail"]["organisation"], r["detail"]["role"], r["detail"]["objects"]) for r in rows]
    assert seen == [
        ("ops@ctl.example", "CTL", "ilec_operations", ["GRANITE/READ-1"]),
        ("granite@grn.example", "GRN", "clec_user", ["GRANITE/READ-1"]),
    ]
    assert rows[0]["subject"] == "productOrder/GRANITE/READ-1"


def test_a_forged_cursor_is_refused_not_a_server_error(gateway: Gateway) -> None:
    """A cursor is only what a page gave: a forged one, even of digits Python's isdigit accepts
    ("²") or too long to be an id, is 422 naming the cursor, never a 500."""
    import base64

    for key in ("²", "1" * 40, "-1", ""):
        cursor = base64.urlsafe_b64encode(f"audit\0{key}".encode()).decode()
        r = gateway.get("auditor", "/auditLog", cursor=cursor)
        assert r.status_code == 422 and r.json()["field"] == "cursor", (key, r.text)
