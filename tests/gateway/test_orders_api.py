"""LSR orders through the API (IV.7–IV.9, III.35): submission, the ILEC's notices, completion
with its charges on the log, refusals with their clauses, idempotency."""

from __future__ import annotations

import datetime as dt

from icaops.app.workspace import Workspace

from .conftest import Gateway, lsr


def test_new_connect_confirmed_and_completed_emits_the_charges_billing_prices(gateway: Gateway) -> None:
    """IV.9.1: committed due date 5 Business Days after 2013-03-04 = 2013-03-11; IV.7.2.2 completion; VIII."""
    r = gateway.post("granite", "/productOrder", lsr(), key="k1")
    assert r.status_code == 201, r.text
    order = r.json()
    assert order["state"] == "acknowledged"
    assert order["id"] == "GRANITE/N-100"
    gateway.clock.day(dt.date(2013, 3, 5))
    r = gateway.post("ops", "/productOrder/GRANITE/N-100/confirm", {})
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "inProgress"
    assert r.json()["committedDueDate"]["value"] == "2013-03-11"
    gateway.clock.day(dt.date(2013, 3, 11))
    r = gateway.post("ops", "/productOrder/GRANITE/N-100/complete", {"wtns": ["2085550100"]})
    assert r.status_code == 200, r.text
    assert [n["kind"] for n in r.json()["notices"]] == ["acknowledgement", "confirmation", "completion"]
    types = [
        e.type for e in Workspace(gateway.workspace.agreement, gateway.engine).events() if e.date >= dt.date(2013, 3, 1)
    ]
    assert types.count("order.submitted") == 1 and types.count("service.added") == 1
    r = gateway.get("granite", "/productOrder/GRANITE/N-100")
    assert r.status_code == 200 and r.json()["state"] == "completed"


def test_the_gate_rejects_with_every_error_found(gateway: Gateway) -> None:
    """IV.7.2.3: a reject lists every error; the LSR is kept as rejected (201), not refused."""
    r = gateway.post("granite", "/productOrder", lsr(pon="BAD-1", ccna="XXX", ddd="2013-03-01"))
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["state"] == "rejected"
    codes = {e["code"] for e in body["errors"]}
    assert {"ccna_mismatch", "ddd_in_past"} <= codes
    assert all(e["clause"] for e in body["errors"])


def test_an_action_the_lifecycle_refuses_is_422_with_its_clause_and_stores_nothing(gateway: Gateway) -> None:
    """IV.7.2.2: completing an order that was never confirmed or submitted is refused."""
    before = len(gateway.workspace.events())
    r = gateway.post("ops", "/productOrder/GRANITE/NOPE/complete", {"wtns": ["2085550100"]})
    assert r.status_code == 422, r.text
    assert r.json()["code"] == "refused"
    assert r.json()["errors"][0]["code"] == "unknown_order"
    assert len(gateway.workspace.events()) == before


def test_the_same_idempotency_key_and_body_replays_the_response(gateway: Gateway) -> None:
    first = gateway.post("granite", "/productOrder", lsr(), key="same")
    again = gateway.post("granite", "/productOrder", lsr(), key="same")
    assert again.status_code == first.status_code == 201
    assert again.json() == first.json()
    assert again.headers.get("Idempotent-Replayed") == "true"
    other = gateway.post("granite", "/productOrder", lsr(ddd="2013-03-15"), key="same")
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"


def test_the_same_pon_twice_is_one_order(gateway: Gateway) -> None:
    """IV.7.2: a PON names one order; a second submission of it is refused."""
    assert gateway.post("granite", "/productOrder", lsr()).status_code == 201
    r = gateway.post("granite", "/productOrder", lsr())
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "pon_duplicate"


def test_orders_list_pages_and_filters(gateway: Gateway) -> None:
    for i in range(5):
        assert gateway.post("granite", "/productOrder", lsr(pon=f"P-{i}")).status_code == 201
    r = gateway.get("granite", "/productOrder", limit=2)
    assert r.status_code == 200
    page1 = r.json()
    assert [o["externalId"] for o in page1["items"]] == ["P-0", "P-1"]
    r = gateway.get("granite", "/productOrder", limit=2, cursor=page1["nextCursor"])
    assert [o["externalId"] for o in r.json()["items"]] == ["P-2", "P-3"]
    assert gateway.get("granite", "/productOrder", state="rejected").json()["items"] == []


def test_projections_rebuilt_from_the_log_answer_as_before(gateway: Gateway) -> None:
    """Projections are derived: wiped and rebuilt from the log, every order reads the same."""
    from sqlalchemy import delete

    from icaops.app.gateway.rebuild import rebuild_projections
    from icaops.store import writing
    from icaops.store.models import ProjectionHeadRow, ProjectionRow

    for i in range(3):
        assert gateway.post("granite", "/productOrder", lsr(pon=f"R-{i}")).status_code == 201
    assert gateway.post("ops", "/productOrder/GRANITE/R-1/confirm", {}).status_code == 200
    before = gateway.get("granite", "/productOrder").json()
    with writing(gateway.engine) as conn:
        conn.execute(delete(ProjectionRow))
        conn.execute(delete(ProjectionHeadRow))
    counts = rebuild_projections(gateway.engine, gateway.workspace.agreement, gateway.clock.now.date())
    assert counts["orders"] == 1
    assert gateway.get("granite", "/productOrder").json() == before
