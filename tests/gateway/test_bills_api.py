"""customerBill through the API (III.9.2, III.9.4, II.2.8, VIII, III.9.6): a bill run by
CenturyLink's billing, its lines, its printable invoice, each line's explanation; tenant
isolation and roles; every read audited (VI.8.3.2). The figures are computed in billing_setup."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .billing_setup import AE_LINE, BILL, FUSC_LINE, MARCH, WTN_LINE, bill_march
from .conftest import Gateway


def test_a_bill_run_through_the_api_closes_the_cycle_with_its_dates_and_totals(gateway: Gateway) -> None:
    """III.9.2, II.2.8: Bill Date 2013-03-04, due 2013-04-03; total $304.28 (billing_setup)."""
    bill = bill_march(gateway)
    assert bill["id"] == BILL and bill["billingAccount"] == {"id": "GRANITE"}
    assert bill["billingPeriod"] == {"startDate": "2013-02-04", "endDate": "2013-03-03"}
    assert bill["billDate"]["value"] == "2013-03-04"
    assert "II.2.8" in {s["clause"] for s in bill["billDate"]["steps"]}
    assert bill["paymentDueDate"]["value"] == "2013-04-03"
    assert "III.9.2" in {s["clause"] for s in bill["paymentDueDate"]["steps"]}
    assert bill["totals"] == {
        "mrc": "26.44", "nrc": "232.74", "usage": "0.00", "tax": "0.00", "surcharge": "45.10",
        "late_charge": "0.00", "credit": "0.00", "adjustment": "0.00", "total": "304.28",
    }  # fmt: skip
    assert bill["amountDue"] == {"unit": "USD", "value": "304.28"}


def test_the_bill_due_date_is_the_deadline_for_a_timely_dispute(gateway: Gateway) -> None:
    """III.9.4: a dispute filed on or before the Bill Due Date (2013-04-03) is timely."""
    bill_march(gateway)
    r = gateway.get("granite", f"/customerBill/{BILL}")
    assert r.status_code == 200, r.text
    deadline = r.json()["disputeDeadline"]
    assert deadline["value"] == "2013-04-03"
    assert deadline["steps"][-1]["clause"] == "III.9.4"


def test_a_cycle_is_billed_from_its_bill_date(gateway: Gateway) -> None:
    """II.2.8: the April cycle runs to 2013-04-03 and is billed 2013-04-04: not on 2013-03-04, nor
    on its close day, when that day's payments may still come in."""
    gateway.load(MARCH)
    r = gateway.post("billing", "/customerBill/run", {"account": "GRANITE", "period": "2013-04"})
    assert r.status_code == 422, r.text
    assert r.json()["details"]["clause"] == "II.2.8"
    gateway.clock.day(dt.date(2013, 4, 3))
    r = gateway.post("billing", "/customerBill/run", {"account": "GRANITE", "period": "2013-04"})
    assert r.status_code == 422 and r.json()["details"]["bill_date"] == "2013-04-04"
    assert gateway.get("billing", "/customerBill").json()["items"] == []


def test_a_closed_bill_is_never_billed_again_and_a_key_replays_the_run(gateway: Gateway) -> None:
    """III.9.2: one bill per account and cycle; the same Idempotency-Key gives the same answer."""
    gateway.load(MARCH)
    first = gateway.post("billing", "/customerBill/run", {"account": "GRANITE", "period": "2013-03"}, key="run-1")
    assert first.status_code == 201, first.text
    again = gateway.post("billing", "/customerBill/run", {"account": "GRANITE", "period": "2013-3"}, key="run-1")
    assert again.status_code == 422 and again.json()["code"] == "idempotency_key_reused"
    replay = gateway.post("billing", "/customerBill/run", {"account": "GRANITE", "period": "2013-03"}, key="run-1")
    assert replay.status_code == 201 and replay.json() == first.json()
    assert replay.headers.get("Idempotent-Replayed") == "true"
    twice = gateway.post("billing", "/customerBill/run", {"account": "GRANITE", "period": "2013-3"})
    assert twice.status_code == 409 and twice.json()["details"]["clause"] == "III.9.2"


def test_only_ilec_billing_runs_bills(gateway: Gateway) -> None:
    """III.9.2: CenturyLink bills; a CLEC, operations, retail sales (IV.8.5) and the auditor may not."""
    gateway.load(MARCH)
    for who in ("granite", "granite_admin", "ops", "retail", "auditor"):
        r = gateway.post(who, "/customerBill/run", {"account": "GRANITE", "period": "2013-03"})
        assert r.status_code == 403, (who, r.text)


def test_items_are_the_bills_lines_and_page(gateway: Gateway) -> None:
    """VIII, IV.3.1.1, III.9.6: four lines summing to the bill's total."""
    bill_march(gateway)
    r = gateway.get("granite", f"/customerBill/{BILL}/items", limit=2)
    assert r.status_code == 200, r.text
    page1 = r.json()
    assert len(page1["items"]) == 2 and page1["nextCursor"]
    page2 = gateway.get("granite", f"/customerBill/{BILL}/items", limit=2, cursor=page1["nextCursor"]).json()
    items = page1["items"] + page2["items"]
    assert [i["id"] for i in items] == [WTN_LINE, AE_LINE, f"{BILL}:nrc:O1:service_order_electronic", FUSC_LINE]
    assert sum(Decimal(i["amount"]) for i in items) == Decimal("304.28")
    wtn = items[0]
    assert (wtn["wtn"], wtn["serviceStart"], wtn["serviceEnd"], wtn["daysInService"]) == (
        "2085550100", "2013-02-10", "2013-03-03", 22,
    )  # fmt: skip


def test_a_lines_explanation_cites_its_clauses(gateway: Gateway) -> None:
    """III.9.6: the FUSC line, 17.40 % of MRC and NRC; IV.3.1.1: the resale line by its WTN."""
    bill_march(gateway)
    r = gateway.get("granite", f"/customerBill/{BILL}/items/{FUSC_LINE}/explanation")
    assert r.status_code == 200, r.text
    assert r.json()["explanation"]["value"] == "45.10"
    assert "III.9.6" in {s["clause"] for s in r.json()["explanation"]["steps"]}
    r = gateway.get("granite", f"/customerBill/{BILL}/items/2085550100/explanation")
    assert r.status_code == 200, r.text
    assert r.json()["line"] == WTN_LINE
    r = gateway.get("granite", f"/customerBill/{BILL}/items/{BILL}:nrc:nope/explanation")
    assert r.status_code == 404 and r.json()["field"] == "line"


def test_the_printable_invoice_is_a_pdf_and_an_html_page(gateway: Gateway) -> None:
    """III.9.4, III.34.2: the invoice (the existing template) says how to dispute."""
    bill_march(gateway)
    pdf = gateway.client.get(f"/customerBill/{BILL}/invoice.pdf", headers=gateway.as_("granite"))
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-") and b"%%EOF" in pdf.content[-1024:]
    html = gateway.client.get(f"/customerBill/{BILL}/invoice.html", headers=gateway.as_("granite"))
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert "304.28" in html.text


def test_lists_show_a_clec_its_own_bills_and_filter_by_period(gateway: Gateway) -> None:
    """III.29.1.1: a CLEC sees its own accounts' bills; CenturyLink's billing and the auditor all."""
    bill_march(gateway)
    assert [b["id"] for b in gateway.get("granite", "/customerBill").json()["items"]] == [BILL]
    assert gateway.get("other", "/customerBill").json()["items"] == []
    assert [b["id"] for b in gateway.get("auditor", "/customerBill", period="2013-03").json()["items"]] == [BILL]
    assert gateway.get("billing", "/customerBill", period="2013-04").json()["items"] == []
    assert gateway.get("granite", "/customerBill", period="March").status_code == 422


def test_another_clec_and_retail_sales_never_see_a_bill(gateway: Gateway) -> None:
    """III.29.1.1: OTHERCO gets 404 on GRANITE's bill, lines, invoice and explanations; IV.8.5:
    retail sales is refused every bill route."""
    bill_march(gateway)
    paths = [
        f"/customerBill/{BILL}",
        f"/customerBill/{BILL}/items",
        f"/customerBill/{BILL}/invoice.pdf",
        f"/customerBill/{BILL}/invoice.html",
        f"/customerBill/{BILL}/items/{FUSC_LINE}/explanation",
    ]
    for path in paths:
        assert gateway.get("other", path).status_code == 404, path
        assert gateway.get("other_admin", path).status_code == 404, path
        assert gateway.get("retail", path).status_code == 403, path
        assert gateway.get("auditor", path).status_code == 200, path
    assert gateway.get("other", "/customerBill", account="GRANITE").status_code == 404
    assert gateway.get("retail", "/customerBill").status_code == 403
    assert gateway.get("granite", "/customerBill/GRANITE:2013-09").status_code == 404


def test_every_read_of_a_bill_is_audited_with_the_reader(gateway: Gateway) -> None:
    """VI.8.3.2: each read of customer information is in the audit log with its actor and organisation."""
    bill_march(gateway)
    gateway.clock.day(dt.date(2013, 3, 5))
    assert gateway.get("granite", f"/customerBill/{BILL}").status_code == 200
    rows = gateway.get("auditor", "/auditLog", action="bill.read", subject=BILL).json()["items"]
    readers = [(r["actor"], r["detail"]["org"], r["detail"]["role"]) for r in rows]
    assert ("granite@grn.example", "GRN", "clec_user") in readers
    assert ("billing@ctl.example", "CTL", "ilec_billing") in readers  # the run's answer is a read
