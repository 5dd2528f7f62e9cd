"""Trouble tickets through the API (Article V): the report with its trouble isolation, dispatches
and their charges on the log, restoration, escalation, each refusal of the maintenance domain
with its clause, and who may see and do what.

The domain's input codes (field_missing, field_invalid, account_mismatch) cannot reach it through
the API: the body is the event's schema (422 `invalid`), and the account is the path's."""

from __future__ import annotations

import datetime as dt
from typing import Any

from icaops.app.workspace import Workspace

from .conftest import CENTRAL, Gateway

REPORT: dict[str, Any] = {
    "account": "GRANITE",
    "ticket": "T1",
    "wtn": "2085550101",
    "trouble": "no dial tone",
    "isolation": "tested to the NID: trouble beyond Granite's switch",
    "isolation_attested": True,
}

T1 = "/troubleTicket/GRANITE/T1"


def at(gateway: Gateway, day: dt.date, hour: int, minute: int = 0) -> None:
    """Move the gateway's clock to `hour:minute` Central time on `day`."""
    gateway.clock.now = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=CENTRAL)


MON = dt.date(2013, 3, 4)


def report(gateway: Gateway, **changes: Any) -> Any:
    at(gateway, MON, 9, 15)
    return gateway.post("granite", "/troubleTicket", {**REPORT, **changes})


def log_events(gateway: Gateway) -> list[Any]:
    return list(Workspace(gateway.workspace.agreement, gateway.engine).events())


def test_a_no_fault_dispatch_puts_its_charge_on_the_log_and_the_ticket_ages(gateway: Gateway) -> None:
    """V.2.4 isolation attested; V.2.5 (a)-(d): a requested dispatch out finds the trouble on
    Granite's side: dispatch.no_fault at the tariff's $65.00, billed to Granite (V.6.1); restored
    at 15:45 (V.2.6): 09:15 -> 15:45 = 6.50 hours."""
    r = report(gateway)
    assert r.status_code == 201, r.text
    ticket = r.json()
    assert ticket["status"] == "acknowledged" and ticket["id"] == "GRANITE/T1"
    assert ticket["reportedAt"] == "2013-03-04T09:15:00-06:00"  # the server's clock, Central time
    at(gateway, MON, 9, 40)
    r = gateway.post("granite", f"{T1}/dispatchRequest", {"location": "out", "contact": "Pat Lee 208-555-0101"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "inProgress"
    at(gateway, MON, 13)
    r = gateway.post("ops", f"{T1}/dispatch", {"dispatch": "D1"})
    assert r.status_code == 200, r.text
    at(gateway, MON, 14, 30)
    r = gateway.post("ops", f"{T1}/dispatchComplete", {"finding": "clec_side", "tariff_amount": "65.00"})
    assert r.status_code == 200, r.text
    (charge,) = r.json()["charges"]
    assert (charge["status"], charge["eventType"], charge["amount"]) == ("charged", "dispatch.no_fault", "65.00")
    assert charge["billedEvent"] == "T1:D1:dispatch.no_fault"
    logged = [e for e in log_events(gateway) if e.type == "dispatch.no_fault"]
    assert [(e.id, e.date, e.get("account"), e.get("tariff_amount")) for e in logged] == [
        ("T1:D1:dispatch.no_fault", MON, "GRANITE", "65.00")
    ]
    at(gateway, MON, 15, 45)
    r = gateway.post("ops", f"{T1}/resolve", {"cause": "clec_side", "quality_restored": True})
    assert r.status_code == 200 and r.json()["status"] == "resolved"
    at(gateway, MON + dt.timedelta(days=1), 8)
    r = gateway.post("granite", f"{T1}/close", {})
    assert r.status_code == 200 and r.json()["status"] == "closed"
    got = gateway.get("granite", T1).json()
    assert got["age"]["hours"]["value"] == "6.50"  # the clock stops at restoration (V.2.6)
    assert [h["status"] for h in got["statusChangeHistory"]] == [
        "acknowledged", "inProgress", "inProgress", "inProgress", "resolved", "closed"
    ]  # fmt: skip
    assert got["dispatches"][0]["finding"] == "clec_side"


def test_a_report_without_isolation_attested_is_kept_rejected_with_its_clause(gateway: Gateway) -> None:
    """V.2.4: no ticket is accepted before Granite's trouble isolation; the report is kept rejected."""
    r = report(gateway, isolation_attested=False)
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "rejected"
    assert [(e["code"], e["clause"]) for e in r.json()["errors"]] == [("isolation_not_attested", "V.2.4")]
    assert any(e.type == "ticket.reported" for e in log_events(gateway))
    assert gateway.get("granite", T1).json()["status"] == "rejected"


def test_reports_from_an_end_user_or_billed_to_one_are_kept_rejected(gateway: Gateway) -> None:
    """V.2.1: reports come from Granite, never its End User; V.6.1: charges billed to Granite."""
    r = report(gateway, by="end_user")
    assert r.json()["errors"][0]["code"] == "not_from_clec" and r.json()["errors"][0]["clause"] == "V.2.1"
    r = report(gateway, ticket="T2", bill_to="end_user")
    assert r.json()["errors"][0]["code"] == "bill_to_end_user" and r.json()["errors"][0]["clause"] == "V.6.1"
    r = report(gateway, ticket="T2")
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "ticket_duplicate"


def refused(r: Any, code: str, clause: str = "") -> None:
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["code"] == "refused" and body["kept"] is False
    assert (body["errors"][0]["code"], body["errors"][0]["clause"]) == (code, clause)


def test_each_refusal_of_the_ticket_lifecycle_comes_back_with_its_clause_and_stores_nothing(gateway: Gateway) -> None:
    """V.6.2 (no dispatch out unrequested), V.2.6 (resolved only when restored), the TMF621
    transitions, one ticket event never before the last."""
    refused(gateway.post("ops", "/troubleTicket/GRANITE/NOPE/hold", {}), "ticket_unknown")
    assert report(gateway).status_code == 201
    before = len(log_events(gateway))
    at(gateway, MON, 10)
    refused(gateway.post("ops", f"{T1}/dispatch", {"location": "out"}), "dispatch_not_requested", "V.6.2")
    refused(gateway.post("ops", f"{T1}/dispatchComplete", {"finding": "clec_side"}), "no_dispatch_outstanding")
    refused(gateway.post("ops", f"{T1}/resolve", {"cause": "ilec_facility", "quality_restored": False}),
            "not_restored", "V.2.6")  # fmt: skip
    refused(gateway.post("granite", f"{T1}/close", {}), "transition_invalid")
    refused(gateway.post("ops", f"{T1}/resume", {}), "transition_invalid")
    refused(gateway.post("ops", f"{T1}/timeAndMaterials", {"hours": "1", "hourly_rate": "50.00"}),
            "no_charge_pending", "V.2.5.1")  # fmt: skip
    at(gateway, MON, 9)  # before the report at 09:15
    refused(gateway.post("ops", f"{T1}/hold", {}), "out_of_order")
    assert len(log_events(gateway)) == before


def test_escalation_follows_the_published_levels_and_the_ticket_s_age(gateway: Gateway) -> None:
    """V.3.1: CenturyLink's written escalation procedures; a level once the ticket's age reaches it.
    Reported Mon 09:15; at 14:15 it is 5.00 hours old: level 1 (after 4 hours) reached, level 2
    (after 2 Business Days) not."""
    assert report(gateway).status_code == 201
    at(gateway, MON, 10)
    refused(gateway.post("granite", f"{T1}/escalate", {"level": 1}), "no_escalation_procedures", "V.3.1")
    levels = [
        {"level": 1, "contact": "Repair supervisor 800-555-0001", "after_hours": 4},
        {"level": 2, "contact": "Repair manager 800-555-0002", "after_business_days": 2},
    ]
    assert gateway.post("granite", "/escalationProcedures/GRANITE", {"levels": levels}).status_code == 201  # V.3.2
    r = gateway.post("ops", "/escalationProcedures/GRANITE", {"levels": levels})
    assert r.status_code == 201 and r.json()["by"] == "ilec"
    at(gateway, MON, 14, 15)
    got = gateway.get("granite", T1).json()
    assert got["age"]["hours"]["value"] == "5.00"
    assert got["escalation"]["levelDue"]["value"] == 1
    refused(gateway.post("granite", f"{T1}/escalate", {"level": 3}), "escalation_level_unknown", "V.3.1")
    refused(gateway.post("granite", f"{T1}/escalate", {"level": 2}), "escalation_premature", "V.3.1")
    r = gateway.post("granite", f"{T1}/escalate", {"level": 1})
    assert r.status_code == 200, r.text
    assert r.json()["escalation"]["escalatedTo"] == [{"level": 1, "at": "2013-03-04T14:15:00-06:00"}]
    assert [p["by"] for p in gateway.get("auditor", "/escalationProcedures/GRANITE").json()["items"]] == [
        "clec", "ilec"
    ]  # fmt: skip


def test_time_and_materials_determined_later_put_the_charge_on_the_log(gateway: Gateway) -> None:
    """V.2.5.1: no charge in the tariff: pending until CenturyLink determines Time and Materials;
    1.5 h x $52.00 + $10.00 materials = $88.00 on dispatch.no_fault."""
    assert report(gateway).status_code == 201
    at(gateway, MON, 9, 30)
    assert gateway.post("granite", f"{T1}/dispatchRequest", {"location": "in"}).status_code == 200
    assert gateway.post("ops", f"{T1}/dispatch", {"dispatch": "D1"}).status_code == 200
    at(gateway, MON, 11)
    r = gateway.post("ops", f"{T1}/dispatchComplete", {"finding": "no_trouble_found"})
    assert r.json()["charges"][0]["status"] == "pending"
    assert not [e for e in log_events(gateway) if e.type == "dispatch.no_fault"]
    at(gateway, MON, 16)
    r = gateway.post("ops", f"{T1}/timeAndMaterials", {"hours": "1.5", "hourly_rate": "52.00", "materials": "10.00"})
    assert r.status_code == 200, r.text
    assert r.json()["charges"][0]["amount"] == "88.00"
    logged = [e for e in log_events(gateway) if e.type == "dispatch.no_fault"]
    assert [(e.id, e.get("tariff_amount")) for e in logged] == [("T1:D1:dispatch.no_fault", "88.00")]


def test_the_time_of_an_event_is_the_server_s_never_the_body_s(gateway: Gateway) -> None:
    r = gateway.post("granite", "/troubleTicket", {**REPORT, "at": "2013-03-01T09:00:00-06:00"})
    assert r.status_code == 422 and r.json()["field"] == "at"


def test_pending_held_resumed_rejected_resolution_and_cancel(gateway: Gateway) -> None:
    """TMF621 states; V.2.6: Granite finds the quality not restored, the ticket is worked again."""
    assert report(gateway).status_code == 201
    at(gateway, MON, 10)
    for who, action, body, status in [
        ("ops", "pending", {"reason": "awaiting access"}, "pending"),
        ("ops", "resume", {}, "inProgress"),
        ("ops", "hold", {}, "held"),
        ("ops", "resume", {}, "inProgress"),
        ("ops", "resolve", {"cause": "ilec_facility", "quality_restored": True}, "resolved"),
        ("granite", "rejectResolution", {"reason": "static on the line"}, "inProgress"),
        ("granite", "cancel", {}, "cancelled"),
    ]:
        r = gateway.post(who, f"{T1}/{action}", body)
        assert r.status_code == 200 and r.json()["status"] == status, (action, r.text)


def test_lists_filter_and_page_and_show_a_clec_only_its_own(gateway: Gateway) -> None:
    for i in range(3):
        assert report(gateway, ticket=f"G{i}").status_code == 201
    assert report(gateway, ticket="G9", isolation_attested=False).status_code == 201
    r = gateway.post("other", "/troubleTicket", {**REPORT, "account": "OTHERCO", "ticket": "O1"})
    assert r.status_code == 201
    page1 = gateway.get("granite", "/troubleTicket", limit=2).json()
    assert [t["externalId"] for t in page1["items"]] == ["G0", "G1"]
    page2 = gateway.get("granite", "/troubleTicket", limit=2, cursor=page1["nextCursor"]).json()
    assert [t["externalId"] for t in page2["items"]] == ["G2", "G9"]
    assert [t["externalId"] for t in gateway.get("granite", "/troubleTicket", status="rejected").json()["items"]] == [
        "G9"
    ]
    assert [t["id"] for t in gateway.get("other", "/troubleTicket").json()["items"]] == ["OTHERCO/O1"]
    assert len(gateway.get("ops", "/troubleTicket").json()["items"]) == 5
    assert gateway.get("other", "/troubleTicket", account="GRANITE").status_code == 404


def test_cross_tenant_retail_sales_and_the_auditor(gateway: Gateway) -> None:
    """III.29.1.1: a CLEC sees only its own; IV.8.5: retail sales none; III.7: the auditor reads only."""
    assert report(gateway).status_code == 201
    assert gateway.get("other", T1).status_code == 404
    assert gateway.post("other", f"{T1}/cancel", {}).status_code == 404
    levels = [{"level": 1, "contact": "x", "after_hours": 1}]
    assert gateway.post("other_admin", "/escalationProcedures/GRANITE", {"levels": levels}).status_code == 404
    assert gateway.post("other", "/troubleTicket", {**REPORT, "ticket": "X"}).status_code == 404
    for path in ("/troubleTicket", T1, "/escalationProcedures/GRANITE"):
        assert gateway.get("retail", path).status_code == 403
    assert gateway.post("retail", "/troubleTicket", {**REPORT, "ticket": "R"}).status_code == 403
    assert gateway.post("retail", f"{T1}/dispatch", {}).status_code == 403
    assert gateway.get("auditor", T1).status_code == 200
    assert gateway.post("auditor", "/troubleTicket", {**REPORT, "ticket": "A"}).status_code == 403
    assert gateway.post("auditor", f"{T1}/hold", {}).status_code == 403
    assert gateway.post("auditor", f"{T1}/cancel", {}).status_code == 403
    assert gateway.post("auditor", "/escalationProcedures/GRANITE", {"levels": levels}).status_code == 403
    # the CLEC does not work its own tickets; CenturyLink does not open them
    assert gateway.post("granite", f"{T1}/hold", {}).status_code == 403
    assert gateway.post("ops", "/troubleTicket", {**REPORT, "ticket": "C"}).status_code == 403


def test_a_retried_report_with_its_idempotency_key_is_the_same_ticket_at_the_same_time(gateway: Gateway) -> None:
    """The server's `at` is not part of the request: a retry later with the same key and body
    replays the first answer (one ticket, reported when first received); another body is refused."""
    at(gateway, MON, 9, 15)
    first = gateway.post("granite", "/troubleTicket", REPORT, key="t1")
    at(gateway, MON, 9, 20)
    again = gateway.post("granite", "/troubleTicket", REPORT, key="t1")
    assert again.status_code == first.status_code == 201
    assert again.json() == first.json() and again.headers.get("Idempotent-Replayed") == "true"
    assert again.json()["reportedAt"] == "2013-03-04T09:15:00-06:00"
    assert [e.type for e in log_events(gateway)].count("ticket.reported") == 1
    other = gateway.post("granite", "/troubleTicket", {**REPORT, "trouble": "static"}, key="t1")
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
