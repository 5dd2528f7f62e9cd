"""The deliveries are an outbox: written in the transaction of the event they announce (so they
commit or roll back with it), leased while a worker sends them, and their attempts are never
rewritten. The public names the REST API calls are locked here."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

import icaops.app.webhooks as webhooks
from icaops.app.webhooks import LEASE, deliver_due, delivery_log, enqueue, subscribe
from icaops.store import writing
from icaops.store.webhooks import claim_due
from tests.webhooks.helpers import ORDER_STATE, add_event, public_policy

T0 = dt.datetime(2026, 12, 6, 18, 0, tzinfo=dt.UTC)


def _client(seen: list[httpx.Request], status: int = 200) -> httpx.Client:
    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status)

    return httpx.Client(transport=httpx.MockTransport(answer))


def _subscribe(engine):
    return subscribe(engine, "CLEC001", "https://hooks.granite.example/h", [ORDER_STATE], "alice", T0, public_policy())


def test_a_rolled_back_event_queues_nothing(engine):
    _subscribe(engine)
    with pytest.raises(RuntimeError), writing(engine) as conn:
        assert enqueue(conn, ["CLEC001"], ORDER_STATE, {"id": "PON-1"}, "evt-1", T0) == 1
        raise RuntimeError("the order could not be stored")
    assert delivery_log(engine, "CLEC001").items == ()
    assert add_event(engine, ["CLEC001"], "evt-1", T0) == 1  # the same event, committed this time


def test_a_claimed_delivery_is_sent_again_only_after_its_lease(engine):
    """A worker that claimed a delivery and died before recording it: another takes it after the
    lease, under the same webhook-id (the consumer deduplicates on it)."""
    _subscribe(engine)
    add_event(engine, ["CLEC001"], "evt-1", T0)
    with writing(engine) as conn:
        claimed = claim_due(conn, T0, T0 + LEASE)
    assert claimed is not None
    seen: list[httpx.Request] = []
    assert (
        deliver_due(engine, T0 + LEASE - dt.timedelta(seconds=1), _client(seen), policy=public_policy()).attempted == 0
    )
    assert deliver_due(engine, T0 + LEASE, _client(seen), policy=public_policy()).delivered == 1
    assert [r.headers["webhook-id"] for r in seen] == [claimed.message_id]


def test_the_attempt_log_is_append_only(engine):
    _subscribe(engine)
    add_event(engine, ["CLEC001"], "evt-1", T0)
    deliver_due(engine, T0, _client([], 500), policy=public_policy())
    for statement in ("UPDATE webhook_attempts SET status_code = 200", "DELETE FROM webhook_attempts"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    [delivery] = delivery_log(engine, "CLEC001").items
    assert [a.status_code for a in delivery.log] == [500]


def test_the_public_names():
    assert webhooks.__all__ == [
        "EVENT_TYPES",
        "LEASE",
        "RETRY_SCHEDULE",
        "SECRET_BYTES",
        "STATUSES",
        "TIMEOUT_S",
        "Attempt",
        "Delivery",
        "DeliveryLog",
        "DeliveryReport",
        "Subscription",
        "deliver_due",
        "delivery_log",
        "enqueue",
        "enqueue_for_account",
        "get_subscription",
        "list_subscriptions",
        "message_id",
        "subscribe",
        "unsubscribe",
        "webhook_client",
    ]
    assert list(webhooks.EVENT_TYPES) == [
        "ProductOrderCreateEvent",
        "ProductOrderStateChangeEvent",
        "TroubleTicketCreateEvent",
        "TroubleTicketStateChangeEvent",
        "CustomerBillCreateEvent",
        "BillingDisputeCreateEvent",
        "BillingDisputeStateChangeEvent",
        "DosAlertCreateEvent",
        "NoticeCreateEvent",
        "DeadlineReminderEvent",
    ]
