"""Notifications of the gateway's actions (issue 12 §2): each kept action queues, in its own
transaction, the TMF-style event it publishes, for the CLEC that owns the account and for the
ILEC — never for another CLEC (III.29.1.1) — signed as Standard Webhooks says; a refusal that
keeps nothing, and a replayed Idempotency-Key, queue nothing."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from icaops.app.gateway.actions import Action, Outcome, record
from icaops.app.gateway.notify import PUBLISHED, notifier
from icaops.app.webhooks import EVENT_TYPES, delivery_log

from .conftest import Gateway, lsr, second_client
from .hooks import deliver, subscribe, types_of
from .test_tickets_api import MON, REPORT, T1, at

NOTICE = {"kind": "default", "method": "personal", "by": "ilec"}  # III.34.1: received when delivered
ORDER_EVENTS = ("ProductOrderCreateEvent", "ProductOrderStateChangeEvent")
TICKET_EVENTS = ("TroubleTicketCreateEvent", "TroubleTicketStateChangeEvent")


def _queued(gateway: Gateway, org: str) -> int:
    return len(delivery_log(gateway.engine, org, limit=500).items)


def test_the_published_types_are_the_hubs() -> None:
    assert {p.event_type for p in PUBLISHED.values()} <= set(EVENT_TYPES)


def test_an_order_reaches_its_clec_and_the_ilec_signed_and_never_another_clec(gateway: Gateway) -> None:
    """IV.7.2: Granite's LSR is received — ProductOrderCreateEvent to Granite's hook and
    CenturyLink's, the body the order as GET /productOrder answers it, verified with each
    subscription's own secret; Other Co's hook gets nothing (III.29.1.1)."""
    granite = subscribe(gateway, "granite_admin", *ORDER_EVENTS)
    other = subscribe(gateway, "other_admin", *ORDER_EVENTS)
    ctl = subscribe(gateway, "ops", *ORDER_EVENTS)
    assert gateway.post("granite", "/productOrder", lsr(), key="k1").status_code == 201
    received = deliver(gateway)
    shown = gateway.get("granite", "/productOrder/GRANITE/N-100").json()
    for who, sub in (("granite_admin", granite), ("ops", ctl)):
        (body,) = received.events(who, sub["secret"])
        assert body["eventType"] == "ProductOrderCreateEvent"
        assert body["event"] == shown and body["event"]["href"] == "/productOrder/GRANITE/N-100"
        assert body["eventId"].startswith("GRANITE/lsr.submitted:")
    assert received.at("other_admin") == [] and _queued(gateway, "OTH") == 0
    assert other["id"] != granite["id"]


def test_a_signature_made_with_another_secret_does_not_verify(gateway: Gateway) -> None:
    import pytest
    from standardwebhooks.webhooks import WebhookVerificationError

    subscribe(gateway, "granite_admin", "ProductOrderCreateEvent")
    ctl = subscribe(gateway, "ops", "ProductOrderCreateEvent")
    gateway.post("granite", "/productOrder", lsr())
    received = deliver(gateway)
    with pytest.raises(WebhookVerificationError):
        received.events("granite_admin", ctl["secret"])


def test_state_changes_are_published_only_when_the_state_changes(gateway: Gateway) -> None:
    """IV.9.1 confirmation: acknowledged -> inProgress; IV.7.2.4 jeopardy: inProgress -> held; a
    second jeopardy revises the due date but the order stays held: no state change event;
    IV.7.2.2 completion: held -> completed."""
    subscribe(gateway, "ops", *ORDER_EVENTS)
    gateway.post("granite", "/productOrder", lsr())
    gateway.clock.day(dt.date(2013, 3, 5))
    assert gateway.post("ops", "/productOrder/GRANITE/N-100/confirm", {}).status_code == 200
    jeopardy = {"revised_due_date": "2013-03-13", "reason": "facilities"}
    assert gateway.post("ops", "/productOrder/GRANITE/N-100/jeopardy", jeopardy).status_code == 200
    again = {"revised_due_date": "2013-03-14", "reason": "facilities"}
    assert gateway.post("ops", "/productOrder/GRANITE/N-100/jeopardy", again).status_code == 200
    gateway.clock.day(dt.date(2013, 3, 14))
    done = gateway.post("ops", "/productOrder/GRANITE/N-100/complete", {"wtns": ["2085550100"]})
    assert done.status_code == 200, done.text
    received = deliver(gateway)
    states = [json.loads(r.content)["event"]["state"] for r in received.at("ops")]
    assert types_of(received, "ops") == ["ProductOrderCreateEvent", *["ProductOrderStateChangeEvent"] * 3]
    assert states == ["acknowledged", "inProgress", "held", "completed"]


def test_a_rejected_lsr_is_created_rejected(gateway: Gateway) -> None:
    """IV.7.2.3: the gate's reject keeps the LSR (rejected, with every error): it was received."""
    subscribe(gateway, "granite_admin", *ORDER_EVENTS)
    r = gateway.post("granite", "/productOrder", lsr(pon="BAD-1", ccna="XXX"))
    assert r.json()["state"] == "rejected"
    (request,) = deliver(gateway).at("granite_admin")
    body = json.loads(request.content)
    assert body["eventType"] == "ProductOrderCreateEvent" and body["event"]["state"] == "rejected"
    assert body["event"]["errors"] == r.json()["errors"]


def test_a_refused_action_queues_nothing(gateway: Gateway) -> None:
    """IV.7.2.2: completing an order never submitted is refused and nothing is recorded, so
    nothing is announced; retail sales may not act at all (IV.8.5)."""
    subscribe(gateway, "ops", *ORDER_EVENTS)
    r = gateway.post("ops", "/productOrder/GRANITE/NOPE/complete", {"wtns": ["2085550100"]})
    assert r.status_code == 422 and r.json()["kept"] is False
    assert gateway.post("retail", "/productOrder", lsr()).status_code == 403
    assert _queued(gateway, "CTL") == 0


def test_a_replayed_idempotency_key_queues_nothing_new(gateway: Gateway) -> None:
    subscribe(gateway, "granite_admin", *ORDER_EVENTS)
    first = gateway.post("granite", "/productOrder", lsr(), key="same")
    again = gateway.post("granite", "/productOrder", lsr(), key="same")
    assert again.headers.get("Idempotent-Replayed") == "true" and again.json() == first.json()
    assert _queued(gateway, "GRN") == 1


def test_tickets_publish_their_creation_and_state_changes(gateway: Gateway) -> None:
    """V.2.1: a report creates the ticket (acknowledged); V.2.5(b) a dispatch requested puts it
    inProgress; V.3.1 an escalation leaves its state as it was (not published)."""
    subscribe(gateway, "granite_admin", *TICKET_EVENTS)
    other = subscribe(gateway, "other_admin", *TICKET_EVENTS)
    at(gateway, MON, 9, 15)
    assert gateway.post("granite", "/troubleTicket", REPORT).status_code == 201
    at(gateway, MON, 9, 40)
    r = gateway.post("granite", f"{T1}/dispatchRequest", {"location": "out", "contact": "Pat Lee 208-555-0101"})
    assert r.status_code == 200, r.text
    received = deliver(gateway)
    assert types_of(received, "granite_admin") == list(TICKET_EVENTS)
    bodies = [json.loads(r.content)["event"] for r in received.at("granite_admin")]
    assert [b["status"] for b in bodies] == ["acknowledged", "inProgress"]
    assert bodies[0]["href"] == T1
    assert received.at("other_admin") == [] and other["eventTypes"] == list(TICKET_EVENTS)


def _direct(gateway: Gateway, type_: str, data: dict[str, Any], subject: str) -> Outcome:
    """Record an event through the gateway's write path (as a route would) with the notifier."""
    seen: list[Outcome] = []

    def render(outcome: Outcome) -> tuple[int, dict[str, Any]]:
        seen.append(outcome)
        return 201, {}

    action = Action("GRANITE", type_, data, "u-test", "CTL", "ilec_billing", subject)
    record(gateway.engine, gateway.workspace.agreement, action, gateway.clock(), render, None, notifier({}))
    return seen[0]


def test_disputes_notices_and_dos_alerts_go_to_the_account_owner_and_the_ilec(gateway: Gateway) -> None:
    """III.9.4 a billing dispute filed, III.9.4.1 resolved, III.34 a notice given, CPA.8 a DoS
    detected (an event of the account's log without an account field): each to Granite and
    CenturyLink, the payload the event as recorded."""
    types = ("BillingDisputeCreateEvent", "BillingDisputeStateChangeEvent", "NoticeCreateEvent", "DosAlertCreateEvent")
    granite = subscribe(gateway, "granite_admin", *types)
    subscribe(gateway, "other_admin", *types)
    subscribe(gateway, "ops", *types)
    filed = _direct(gateway, "billing_dispute.filed", {"bill": "B-1", "amount": "12.50", "reason": "rate"}, "d")
    _direct(gateway, "billing_dispute.resolved", {"refers_to": filed.event.id, "amount_for_clec": "12.50"}, "d")
    _direct(gateway, "notice.given", NOTICE, "n")
    _direct(gateway, "traffic.dos_detected", {"provider": "P1"}, "dos")
    received = deliver(gateway)
    assert types_of(received, "granite_admin") == list(types) == types_of(received, "ops")
    assert json.loads(received.at("ops")[2].content)["event"]["kind"] == "default"
    assert received.at("other_admin") == []
    bodies = received.events("granite_admin", granite["secret"])
    assert bodies[0]["event"]["amount"] == "12.50" and bodies[0]["event"]["bill"] == "B-1"
    assert bodies[3]["eventId"].startswith("GRANITE/") and bodies[3]["event"]["provider"] == "P1"


def test_enqueuing_the_same_outcome_twice_adds_nothing(gateway: Gateway) -> None:
    """The eventId is the log's (account, event id): the outbox keeps one delivery per subscription."""
    subscribe(gateway, "ops", "NoticeCreateEvent")
    outcome = _direct(gateway, "notice.given", NOTICE, "n")
    from icaops.store import writing

    with writing(gateway.engine) as conn:
        notifier({})(conn, outcome)
    assert _queued(gateway, "CTL") == 1


def test_on_postgresql_two_processes_queue_each_event_once(pg_gateway: Gateway, pg_url: str) -> None:
    """The outbox on PostgreSQL: orders submitted through two API processes on one database
    (no shared memory) are each announced once, to Granite and to CenturyLink only."""
    gw = pg_gateway
    granite = subscribe(gw, "granite_admin", *ORDER_EVENTS)
    subscribe(gw, "other_admin", *ORDER_EVENTS)
    subscribe(gw, "ops", *ORDER_EVENTS)
    assert gw.post("granite", "/productOrder", lsr(pon="N-1"), key="a").status_code == 201
    with second_client(gw, pg_url) as other:
        headers = gw.as_("granite") | {"Idempotency-Key": "b"}
        assert other.post("/productOrder", json=lsr(pon="N-2"), headers=headers).status_code == 201
        assert other.post("/productOrder", json=lsr(pon="N-2"), headers=headers).status_code == 201  # replay
    received = deliver(gw)
    pons = sorted(b["event"]["externalId"] for b in received.events("granite_admin", granite["secret"]))
    assert pons == ["N-1", "N-2"] and len(received.at("ops")) == 2 and received.at("other_admin") == []
