"""billingDispute through the API (III.9.4, III.9.4.1): filed against lines of a bill, timely or
not by the Bill Due Date (collections' answer), refused with its clause when collections or the
items refuse it, resolved by CenturyLink's billing with the credit's deadline; tenants and roles.

The bill is GRANITE:2013-03 of billing_setup: $304.28, Bill Date 2013-03-04, due 2013-04-03."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .billing_setup import AE_LINE, BILL, FUSC_LINE, SO_LINE, WTN_LINE, bill_march, item
from .conftest import Gateway


def _file(gateway: Gateway, on: dt.date, items: list[dict[str, str]], who: str = "granite", **more: Any) -> Any:
    gateway.clock.day(on)
    return gateway.post(who, "/billingDispute", {"bill": BILL, "items": items, **more})


def _steps(explained: dict[str, Any]) -> set[str]:
    return {s["clause"] for s in explained["steps"]}


def test_a_dispute_before_the_bill_due_date_is_timely_and_holds_its_amount(gateway: Gateway) -> None:
    """III.9.4: filed 2013-03-20, before the Bill Due Date 2013-04-03: timely; $224.07 held apart."""
    bill_march(gateway)
    r = _file(gateway, dt.date(2013, 3, 20), [item(AE_LINE, "224.07", "first order of Granite was on another account")])
    assert r.status_code == 201, r.text
    d = r.json()
    assert d["state"] == "open" and d["amount"] == "224.07" and d["filedOn"] == "2013-03-20"
    assert d["disputeDeadline"]["value"] == "2013-04-03" and "III.9.4" in _steps(d["disputeDeadline"])
    assert d["timely"]["value"] is True and "III.9.4" in _steps(d["timely"])
    assert d["held"]["value"] == "224.07"
    assert gateway.get("granite", d["href"]).json()["timely"]["value"] is True


def test_a_dispute_on_the_bill_due_date_is_timely(gateway: Gateway) -> None:
    """III.9.4 (term billing.dispute_filing_on_due_date_allowed): filed on 2013-04-03 itself."""
    bill_march(gateway)
    r = _file(
        gateway, dt.date(2013, 4, 3), [item(SO_LINE, "8.67", "order was submitted manually by us? no: electronic")]
    )
    assert r.status_code == 201, r.text
    assert r.json()["timely"]["value"] is True


def test_a_dispute_after_the_bill_due_date_is_recorded_but_not_timely(gateway: Gateway) -> None:
    """III.9.4: filed 2013-04-04, the day after the Bill Due Date: recorded, not timely."""
    bill_march(gateway)
    r = _file(gateway, dt.date(2013, 4, 4), [item(FUSC_LINE, "45.10", "USF certification was filed")])
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["timely"]["value"] is False
    assert "after the Bill Due Date" in body["timely"]["steps"][-1]["text"]
    assert body["disputeDeadline"]["value"] == "2013-04-03"


def test_resolved_for_the_clec_the_credit_is_owed_by_the_second_bill_due_date(gateway: Gateway) -> None:
    """III.9.4.1: resolved 2013-04-10 for Granite; Bill Due Dates after it: the bill of 2013-04-04
    is due Saturday 2013-05-04 -> Monday 2013-05-06, the bill of 2013-05-04 is due Monday
    2013-06-03: the credit is owed by 2013-06-03, and is carried on the bill of 2013-05-04
    (the first Bill Date after the resolution)."""
    bill_march(gateway)
    gateway.load(
        [{"id": "P1", "date": "2013-04-03", "type": "payment.received", "account": "GRANITE", "amount": "80.21"}]
    )
    filed = _file(gateway, dt.date(2013, 3, 20), [item(AE_LINE, "224.07")]).json()
    gateway.clock.day(dt.date(2013, 4, 10))
    r = gateway.post("billing", f"/billingDispute/{filed['id']}/resolve", {"amount_for_clec": "224.07"})
    assert r.status_code == 200, r.text
    d = r.json()
    assert (d["state"], d["outcome"], d["resolvedOn"], d["creditOwed"]) == (
        "resolved",
        "forClec",
        "2013-04-10",
        "224.07",
    )
    assert d["creditDueBy"]["value"] == "2013-06-03" and "III.9.4.1" in _steps(d["creditDueBy"])
    assert d["creditedOn"]["value"] is None
    for period, on in (("2013-04", dt.date(2013, 4, 10)), ("2013-05", dt.date(2013, 5, 4))):
        gateway.clock.day(on)
        run = gateway.post("billing", "/customerBill/run", {"account": "GRANITE", "period": period})
        assert run.status_code == 201, run.text
    assert run.json()["totals"]["credit"] == "-224.07"
    shown = gateway.get("granite", f"/billingDispute/{filed['id']}").json()
    assert shown["creditedOn"]["value"] == "2013-05-04"


def test_resolved_against_the_clec_owes_no_credit(gateway: Gateway) -> None:
    """III.9.4.1: amount_for_clec 0: resolved against Granite; nothing credited."""
    bill_march(gateway)
    filed = _file(gateway, dt.date(2013, 3, 20), [item(AE_LINE, "100.00"), item(SO_LINE, "8.67")]).json()
    gateway.clock.day(dt.date(2013, 3, 25))
    r = gateway.post("billing", f"/billingDispute/{filed['id']}/resolve", {"amount_for_clec": "0.00"})
    assert r.status_code == 200, r.text
    assert (r.json()["outcome"], r.json()["creditOwed"], r.json()["creditDueBy"]) == ("againstClec", None, None)
    assert gateway.get("granite", "/billingDispute", state="open").json()["items"] == []
    assert [x["id"] for x in gateway.get("granite", "/billingDispute", state="resolved").json()["items"]] == [
        filed["id"]
    ]


def _refused(r: Any, code: str, clause: str) -> None:
    assert r.status_code == 422, r.text
    assert r.json()["code"] == "refused" and not r.json()["kept"]
    assert (r.json()["errors"][0]["code"], r.json()["clause"]) == (code, clause), r.text


def test_filings_the_agreement_refuses_are_refused_with_their_clause_and_store_nothing(gateway: Gateway) -> None:
    """III.9.4: each item a line of the bill, at most its amount, with its reason; the dispute at
    most what is not already disputed."""
    bill_march(gateway)
    on = dt.date(2013, 3, 20)
    before = len(gateway.workspace.events())
    _refused(_file(gateway, on, [item(f"{BILL}:nrc:O9:nothing", "1.00")]), "line_unknown", "III.9.4")
    _refused(_file(gateway, on, [item(AE_LINE, "224.08")]), "dispute_item_exceeds_line", "III.9.4")
    _refused(_file(gateway, on, [item(WTN_LINE, "26.45")]), "dispute_item_exceeds_line", "III.9.4")
    _refused(_file(gateway, on, []), "dispute_items_missing", "III.9.4")
    _refused(_file(gateway, on, [item(AE_LINE, "10.00", " ")]), "dispute_reason_missing", "III.9.4")
    _refused(_file(gateway, on, [item(AE_LINE, "10.00")], amount="20.00"), "dispute_amount_mismatch", "III.9.4")
    assert len(gateway.workspace.events()) == before
    assert _file(gateway, on, [item(AE_LINE, "224.07"), item(FUSC_LINE, "45.10")]).status_code == 201
    # 304.28 - 269.17 = 35.11 not disputed yet
    _refused(
        _file(gateway, on, [item(SO_LINE, "8.67"), item(WTN_LINE, "26.44")] * 2), "dispute_exceeds_open", "III.9.4"
    )
    assert _file(gateway, on, [item(SO_LINE, "8.67"), item(WTN_LINE, "26.44")]).status_code == 201


def test_a_dispute_of_a_bill_not_closed_is_refused(gateway: Gateway) -> None:
    """III.9.4: a dispute is of a bill rendered; GRANITE:2013-09 was never closed."""
    bill_march(gateway)
    r = gateway.post("granite", "/billingDispute", {"bill": "GRANITE:2013-09", "items": [item(AE_LINE, "1.00")]})
    _refused(r, "bill_unknown", "III.9.4")


def test_resolutions_the_agreement_refuses(gateway: Gateway) -> None:
    """III.9.4.1: for an amount from 0 to the disputed amount, once."""
    bill_march(gateway)
    filed = _file(gateway, dt.date(2013, 3, 20), [item(AE_LINE, "224.07")]).json()
    path = f"/billingDispute/{filed['id']}/resolve"
    _refused(gateway.post("billing", path, {"amount_for_clec": "224.08"}), "resolution_out_of_range", "III.9.4.1")
    assert gateway.post("billing", path, {"amount_for_clec": "24.07"}).json()["outcome"] == "split"
    _refused(gateway.post("billing", path, {"amount_for_clec": "0"}), "dispute_already_resolved", "III.9.4.1")
    assert gateway.post("billing", "/billingDispute/nope/resolve", {"amount_for_clec": "0"}).status_code == 404


def test_the_same_idempotency_key_replays_a_filing(gateway: Gateway) -> None:
    bill_march(gateway)
    gateway.clock.day(dt.date(2013, 3, 20))
    body = {"bill": BILL, "items": [item(AE_LINE, "224.07")]}
    first = gateway.post("granite", "/billingDispute", body, key="d-1")
    again = gateway.post("granite", "/billingDispute", body, key="d-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers.get("Idempotent-Replayed") == "true"
    assert len(gateway.get("granite", "/billingDispute").json()["items"]) == 1


def test_tenants_and_roles(gateway: Gateway) -> None:
    """III.29.1.1: OTHERCO neither files on nor sees GRANITE's disputes (404); IV.8.5: retail
    sales is refused (403); the auditor reads but may not file or resolve (403); only
    CenturyLink's billing resolves (III.9.4.1)."""
    bill_march(gateway)
    filed = _file(gateway, dt.date(2013, 3, 20), [item(AE_LINE, "224.07")]).json()
    one, resolve = f"/billingDispute/{filed['id']}", f"/billingDispute/{filed['id']}/resolve"
    body = {"bill": BILL, "items": [item(SO_LINE, "8.67")]}
    assert gateway.post("other", "/billingDispute", body).status_code == 404
    assert gateway.get("other", one).status_code == 404
    assert gateway.get("other_admin", one).status_code == 404
    assert gateway.get("other", "/billingDispute").json()["items"] == []
    assert gateway.get("other", "/billingDispute", account="GRANITE").status_code == 404
    assert gateway.get("other", "/billingDispute", bill=BILL).status_code == 404
    for path in (one, "/billingDispute"):
        assert gateway.get("retail", path).status_code == 403
        assert gateway.get("auditor", path).status_code == 200
    assert gateway.post("retail", "/billingDispute", body).status_code == 403
    assert gateway.post("retail", resolve, {"amount_for_clec": "0"}).status_code == 403
    assert gateway.post("auditor", "/billingDispute", body).status_code == 403
    assert gateway.post("auditor", resolve, {"amount_for_clec": "0"}).status_code == 403
    for who in ("granite", "granite_admin", "ops", "other_admin"):
        assert gateway.post(who, resolve, {"amount_for_clec": "0"}).status_code == 403, who
    assert gateway.post("billing", "/billingDispute", body).status_code == 403
    assert gateway.get("granite", one).json()["state"] == "open"
