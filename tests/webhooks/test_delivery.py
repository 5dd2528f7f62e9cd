"""Events reach the subscribed callbacks signed as Standard Webhooks 1.0.0 says
(`{msg_id}.{timestamp}.{payload}` under HMAC-SHA256, headers webhook-id, webhook-timestamp,
webhook-signature), retried on failure, and only for the organisations and event types
subscribed (issue 12 §2), on SQLite and PostgreSQL, to a real HTTP receiver on 127.0.0.1."""

from __future__ import annotations

import base64
import datetime as dt
import json
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import select
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from icaops.app.audit import audit_entries
from icaops.app.errors import UserError
from icaops.app.webhooks import (
    RETRY_SCHEDULE,
    deliver_due,
    delivery_log,
    get_subscription,
    list_subscriptions,
    message_id,
    subscribe,
    unsubscribe,
)
from icaops.store.models import WebhookSubscriptionRow
from tests.webhooks.helpers import LOOPBACK, ORDER_STATE, add_event


def _now() -> dt.datetime:
    """The real time: receivers refuse a webhook-timestamp more than 5 minutes off their clock."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _subscribe(engine, receiver, org="CLEC001", types=(ORDER_STATE,), path="/hooks"):
    return subscribe(engine, org, receiver.url + path, types, "alice", _now(), LOOPBACK)


@pytest.fixture
def client():
    with httpx.Client(timeout=5.0, follow_redirects=False, trust_env=False) as c:
        yield c


def test_a_delivery_is_signed_and_verifies(engine, receiver, client):
    subscription, secret = _subscribe(engine, receiver)
    t0 = _now()
    payload = {"id": "PON-1", "state": "completed", "dueDate": dt.date(2026, 12, 9), "nrc": Decimal("18.47")}
    assert add_event(engine, ["CLEC001"], "evt-1", t0, payload=payload) == 1
    report = deliver_due(engine, t0, client, policy=LOOPBACK)
    assert (report.attempted, report.delivered, report.retrying, report.failed) == (1, 1, 0, 0)
    [got] = receiver.requests
    assert got.path == "/hooks"
    assert got.headers["webhook-id"] == message_id(subscription.id, "evt-1")
    assert got.headers["webhook-timestamp"] == str(int(t0.timestamp()))
    assert got.headers["webhook-signature"].startswith("v1,")
    assert got.verify(secret) == {
        "eventId": "evt-1",
        "eventTime": t0.isoformat(),
        "eventType": ORDER_STATE,
        "event": {"id": "PON-1", "state": "completed", "dueDate": "2026-12-09", "nrc": "18.47"},
    }
    [delivery] = delivery_log(engine, "CLEC001").items
    assert (delivery.status, delivery.attempts, delivery.last_status_code, delivery.delivered_at) == (
        "delivered",
        1,
        200,
        t0,
    )
    assert [(a.at, a.status_code, a.error) for a in delivery.log] == [(t0, 200, None)]
    assert deliver_due(engine, t0 + dt.timedelta(hours=1), client, policy=LOOPBACK).attempted == 0


def test_a_tampered_payload_or_another_secret_fails_verification(engine, receiver, client):
    _, secret = _subscribe(engine, receiver)
    add_event(engine, ["CLEC001"], "evt-1", _now(), payload={"id": "PON-1", "state": "completed"})
    deliver_due(engine, _now(), client, policy=LOOPBACK)
    [got] = receiver.requests
    got.verify(secret)
    tampered = got.body.replace(b'"completed"', b'"cancelled"')
    assert tampered != got.body
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(tampered, got.headers)
    other, other_secret = _subscribe(engine, receiver)
    with pytest.raises(WebhookVerificationError):
        Webhook(other_secret).verify(got.body, got.headers)
    moved = {**got.headers, "webhook-id": message_id(other.id, "evt-1")}
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(got.body, moved)


def test_the_secret_is_a_standard_webhooks_secret_shown_once(engine, receiver):
    subscription, secret = _subscribe(engine, receiver)
    assert secret.startswith("whsec_") and len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    assert _subscribe(engine, receiver)[1] != secret
    assert not hasattr(get_subscription(engine, "CLEC001", subscription.id), "secret")
    with engine.connect() as conn:  # kept to sign with: the database is its custody
        stored = conn.execute(select(WebhookSubscriptionRow.secret).where(WebhookSubscriptionRow.id == subscription.id))
        assert stored.scalar_one() == secret
    [entry, _] = audit_entries(engine)
    assert (entry.actor, entry.action, entry.subject) == ("alice", "webhook.subscribed", f"CLEC001/{subscription.id}")
    assert secret not in json.dumps(dict(entry.detail))


def test_a_500_then_a_200_is_delivered_on_the_second_attempt_after_the_backoff(engine, receiver, client):
    _, secret = _subscribe(engine, receiver)
    receiver.answer(500)
    t0 = _now()
    add_event(engine, ["CLEC001"], "evt-1", t0)
    first = deliver_due(engine, t0, client, policy=LOOPBACK)
    assert (first.attempted, first.retrying) == (1, 1)
    [pending] = delivery_log(engine, "CLEC001").items
    assert (pending.status, pending.attempts, pending.last_status_code, pending.last_error) == (
        "pending",
        1,
        500,
        "HTTP 500",
    )
    assert pending.next_attempt_at == t0 + RETRY_SCHEDULE[1] == t0 + dt.timedelta(seconds=5)
    assert deliver_due(engine, t0 + dt.timedelta(seconds=4), client, policy=LOOPBACK).attempted == 0
    second = deliver_due(engine, t0 + dt.timedelta(seconds=5), client, policy=LOOPBACK)
    assert (second.attempted, second.delivered) == (1, 1)
    [delivered] = delivery_log(engine, "CLEC001").items
    assert delivered.status == "delivered" and delivered.delivered_at == t0 + dt.timedelta(seconds=5)
    assert [(a.at - t0, a.status_code) for a in delivered.log] == [
        (dt.timedelta(0), 500),
        (dt.timedelta(seconds=5), 200),
    ]
    first_request, second_request = receiver.requests
    assert first_request.headers["webhook-id"] == second_request.headers["webhook-id"]  # the consumer's idempotency key
    assert first_request.body == second_request.body
    assert int(second_request.headers["webhook-timestamp"]) - int(first_request.headers["webhook-timestamp"]) == 5
    for request in receiver.requests:
        request.verify(secret)


def test_enqueuing_an_event_twice_makes_one_delivery(engine, receiver, client):
    _subscribe(engine, receiver)
    t0 = _now()
    assert add_event(engine, ["CLEC001"], "evt-1", t0) == 1
    assert add_event(engine, ["CLEC001", "CLEC001"], "evt-1", t0 + dt.timedelta(seconds=1)) == 0
    assert len(delivery_log(engine, "CLEC001").items) == 1
    deliver_due(engine, t0 + dt.timedelta(seconds=1), client, policy=LOOPBACK)
    assert len(receiver.requests) == 1


def test_only_the_subscribed_event_types_are_sent(engine, receiver, client):
    _subscribe(engine, receiver, types=("TroubleTicketCreateEvent", "CustomerBillCreateEvent"))
    t0 = _now()
    assert add_event(engine, ["CLEC001"], "evt-1", t0) == 0  # an order event
    assert add_event(engine, ["CLEC001"], "evt-2", t0, event_type="CustomerBillCreateEvent") == 1
    deliver_due(engine, t0, client, policy=LOOPBACK)
    assert [json.loads(r.body)["eventType"] for r in receiver.requests] == ["CustomerBillCreateEvent"]


def test_an_unsubscribed_hook_gets_nothing(engine, receiver, client):
    subscription, _ = _subscribe(engine, receiver)
    t0 = _now()
    assert add_event(engine, ["CLEC001"], "evt-queued", t0) == 1
    gone = unsubscribe(engine, "CLEC001", subscription.id, "bob", t0)
    assert gone.deleted_at == t0
    assert add_event(engine, ["CLEC001"], "evt-after", t0) == 0
    assert deliver_due(engine, t0, client, policy=LOOPBACK).attempted == 0
    assert receiver.requests == []
    [queued] = delivery_log(engine, "CLEC001").items
    assert (queued.status, queued.attempts, queued.last_error) == ("failed", 0, "subscription deleted")
    assert list_subscriptions(engine, "CLEC001") == ()
    assert [s.id for s in list_subscriptions(engine, "CLEC001", include_deleted=True)] == [subscription.id]
    with pytest.raises(UserError) as again:
        unsubscribe(engine, "CLEC001", subscription.id, "bob", t0)
    assert again.value.code == "not_found"


def test_one_organisation_never_receives_anothers_events(engine, receiver, client):
    a, secret_a = _subscribe(engine, receiver, org="CLEC-A", path="/a")
    b, secret_b = _subscribe(engine, receiver, org="CLEC-B", path="/b")
    t0 = _now()
    assert add_event(engine, ["CLEC-B"], "evt-b", t0) == 1
    assert add_event(engine, ["CLEC-A", "ILEC"], "evt-a", t0) == 1
    deliver_due(engine, t0, client, policy=LOOPBACK)
    got = {r.path: r for r in receiver.requests}
    assert sorted(got) == ["/a", "/b"]
    assert got["/a"].verify(secret_a)["eventId"] == "evt-a"
    assert got["/b"].verify(secret_b)["eventId"] == "evt-b"
    assert [d.message_id for d in delivery_log(engine, "CLEC-A").items] == [message_id(a.id, "evt-a")]
    for refused in (
        lambda: get_subscription(engine, "CLEC-A", b.id),
        lambda: unsubscribe(engine, "CLEC-A", b.id, "mallory", t0),
        lambda: delivery_log(engine, "CLEC-A", subscription_id=b.id),
    ):
        with pytest.raises(UserError) as error:
            refused()
        assert error.value.code == "not_found"
    assert get_subscription(engine, "CLEC-B", b.id).deleted_at is None


def test_the_log_pages_and_filters_by_status(engine, receiver, client):
    _subscribe(engine, receiver)
    t0 = _now()
    for n in range(5):
        add_event(engine, ["CLEC001"], f"evt-{n}", t0)
    receiver.answer(500, 500)
    deliver_due(engine, t0, client, policy=LOOPBACK)
    assert len(delivery_log(engine, "CLEC001", status="pending").items) == 2
    assert len(delivery_log(engine, "CLEC001", status="delivered").items) == 3
    first = delivery_log(engine, "CLEC001", limit=3)
    assert first.next_before == first.items[-1].id
    last = delivery_log(engine, "CLEC001", before=first.next_before, limit=3)
    assert (len(first.items), len(last.items), last.next_before) == (3, 2, None)
    ids = [d.id for d in first.items + last.items]
    assert ids == sorted(set(ids), reverse=True)
    pending = delivery_log(engine, "CLEC001", status="pending", limit=1)
    rest = delivery_log(engine, "CLEC001", status="pending", before=pending.next_before, limit=1)
    assert [d.status for d in pending.items + rest.items] == ["pending", "pending"]
    assert pending.items[0].id > rest.items[0].id
    for refused, field in (
        (lambda: delivery_log(engine, "CLEC001", status="lost"), "status"),
        (lambda: delivery_log(engine, "CLEC001", limit=0), "limit"),
        (lambda: delivery_log(engine, "CLEC001", before=0), "before"),
    ):
        with pytest.raises(UserError) as bad:
            refused()
        assert bad.value.field == field


def test_a_page_of_the_log_is_stable_while_deliveries_are_added(engine, receiver, client):
    """Keyset paging: deliveries queued while a client pages are newer, so the next page neither
    repeats nor skips one (with page numbers each new one would push a row onto the next page)."""
    _subscribe(engine, receiver)
    t0 = _now()
    for n in range(4):
        add_event(engine, ["CLEC001"], f"evt-{n}", t0)
    first = delivery_log(engine, "CLEC001", limit=2)
    for n in range(4, 7):
        add_event(engine, ["CLEC001"], f"evt-{n}", t0)
    second = delivery_log(engine, "CLEC001", before=first.next_before, limit=2)
    seen = [d.payload["eventId"] for d in first.items + second.items]
    assert seen == ["evt-3", "evt-2", "evt-1", "evt-0"]
    assert [d.payload["eventId"] for d in delivery_log(engine, "CLEC001", limit=3).items] == ["evt-6", "evt-5", "evt-4"]
