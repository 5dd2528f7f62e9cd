"""The bill, dispute and audit reads of the gateway on SQLite and on PostgreSQL: closed bills and
their lines paged in the store's order (tuple comparison), a dispute checked by collections
under the log's lock (III.9.4) and resolved (III.9.4.1), the audit log paged by id."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.gateway.billing_setup import AE_LINE, BILL, bill_march, item
from tests.gateway.conftest import make_gateway


def test_bills_disputes_and_the_audit_log_through_the_store(db_url: str, tmp_path: Path) -> None:
    """III.9.4: a timely dispute of $224.07 of the $304.28 bill, a second one refused for more
    than the $80.21 left undisputed; III.9.4.1: resolved for the CLEC the same day, its credit
    due by the second Bill Due Date after."""
    for gateway in make_gateway(db_url, tmp_path):
        bill_march(gateway)
        gateway.load([{"id": "open-x", "date": "2012-07-02", "type": "billing.account_opened", "account": "GRANITE2"}])
        assert (
            gateway.post("billing", "/customerBill/run", {"account": "GRANITE2", "period": "2013-03"}).status_code
            == 201
        )
        page1 = gateway.get("billing", "/customerBill", limit=1).json()
        page2 = gateway.get("billing", "/customerBill", limit=1, cursor=page1["nextCursor"]).json()
        assert [b["id"] for b in page1["items"] + page2["items"]] == [BILL, "GRANITE2:2013-03"]
        lines = gateway.get("granite", f"/customerBill/{BILL}/items", limit=3).json()
        rest = gateway.get("granite", f"/customerBill/{BILL}/items", limit=3, cursor=lines["nextCursor"]).json()
        assert len(lines["items"]) + len(rest["items"]) == 4 and rest["nextCursor"] is None

        gateway.clock.day(dt.date(2013, 3, 20))
        filed = gateway.post("granite", "/billingDispute", {"bill": BILL, "items": [item(AE_LINE, "224.07")]})
        assert filed.status_code == 201 and filed.json()["timely"]["value"] is True
        again = gateway.post("granite", "/billingDispute", {"bill": BILL, "items": [item(AE_LINE, "100.00")]})
        assert again.status_code == 422 and again.json()["errors"][0]["code"] == "dispute_exceeds_open"
        resolved = gateway.post(
            "billing", f"/billingDispute/{filed.json()['id']}/resolve", {"amount_for_clec": "224.07"}
        )
        # resolved 2013-03-20: the Bill Due Dates after it are 2013-04-03 and Monday 2013-05-06
        assert resolved.status_code == 200 and resolved.json()["creditDueBy"]["value"] == "2013-05-06"

        first = gateway.get("auditor", "/auditLog", limit=5).json()
        second = gateway.get("auditor", "/auditLog", limit=5, cursor=first["nextCursor"]).json()
        ids = [r["id"] for r in first["items"] + second["items"]]
        assert ids == sorted(ids) and len(set(ids)) == 10
        actions = {r["action"] for r in gateway.get("auditor", "/auditLog", limit=500).json()["items"]}
        assert {"bill.run", "bill.read", "billing_dispute.filed.recorded", "billing_dispute.filed.refused"} <= actions
