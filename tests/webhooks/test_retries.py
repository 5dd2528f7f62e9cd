"""Failed attempts are retried on the Standard Webhooks schedule (immediately, 5 s, 5 min, 30 min,
2 h, 5 h, 10 h, 10 h) and the delivery is failed after the last, every attempt in the log; a 3xx is
a failure (redirects are never followed), a 410 Gone disables the subscription, and a callback
whose name now resolves to a private address is not called (SSRF, resolved at delivery time).

The receiver is an httpx.MockTransport: these tests move the clock through 27 hours, which a real
socket would not make any truer."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from standardwebhooks import Webhook

from icaops.app.audit import audit_entries
from icaops.app.webhooks import RETRY_SCHEDULE, deliver_due, delivery_log, list_subscriptions, subscribe
from tests.webhooks.helpers import ORDER_STATE, add_event, public_policy

T0 = dt.datetime(2026, 12, 6, 18, 0, tzinfo=dt.UTC)
CALLBACK = "https://hooks.granite.example/icaops"


class Recorder:
    """A transport answering `status` (or raising `error`) and keeping every request."""

    def __init__(self, status: int = 500, error: Exception | None = None, headers: dict[str, str] | None = None):
        self.requests: list[httpx.Request] = []
        self.status, self.error, self.headers = status, error, headers or {}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.error is not None:
            raise self.error
        return httpx.Response(self.status, headers=self.headers)

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self), follow_redirects=False)


def _setup(engine, policy=None):
    policy = policy or public_policy()
    subscription, secret = subscribe(engine, "CLEC001", CALLBACK, [ORDER_STATE], "alice", T0, policy)
    add_event(engine, ["CLEC001"], "evt-1", T0)
    return subscription, secret, policy


def test_the_schedule_is_the_standard_webhooks_one():
    minutes = [d.total_seconds() / 60 for d in RETRY_SCHEDULE]
    assert minutes == [0, 5 / 60, 5, 30, 120, 300, 600, 600]


def test_after_the_last_attempt_it_is_failed_with_every_attempt_logged(engine):
    _, secret, policy = _setup(engine)
    recorder = Recorder(500)
    due, client = T0, recorder.client()
    for number, delay in enumerate(RETRY_SCHEDULE, 1):
        due += delay
        early = deliver_due(engine, due - dt.timedelta(seconds=1), client, policy=policy)
        assert early.attempted == 0, f"attempt {number} sent before its time"
        report = deliver_due(engine, due, client, policy=policy)
        last = number == len(RETRY_SCHEDULE)
        assert (report.attempted, report.retrying, report.failed) == (1, 0 if last else 1, 1 if last else 0)
    assert deliver_due(engine, due + dt.timedelta(days=30), client, policy=policy).attempted == 0
    [delivery] = delivery_log(engine, "CLEC001").items
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at, delivery.delivered_at) == (
        "failed",
        8,
        None,
        None,
    )
    assert [a.status_code for a in delivery.log] == [500] * 8
    gaps = [b.at - a.at for a, b in zip(delivery.log, delivery.log[1:], strict=False)]
    assert gaps == list(RETRY_SCHEDULE[1:])
    assert delivery.log[-1].at - T0 == dt.timedelta(hours=27, minutes=35, seconds=5)  # the spec's "time since start"
    ids = {r.headers["webhook-id"] for r in recorder.requests}
    assert len(recorder.requests) == 8 and ids == {delivery.message_id}
    for request, attempt in zip(recorder.requests, delivery.log, strict=True):
        stamp = int(request.headers["webhook-timestamp"])
        assert stamp == int(attempt.at.timestamp())  # each attempt is signed with its own time
        signed = Webhook(secret).sign(delivery.message_id, attempt.at, request.content)
        assert request.headers["webhook-signature"] == signed


def test_a_redirect_is_a_failed_attempt_and_is_not_followed(engine):
    _, _, policy = _setup(engine)
    recorder = Recorder(302, headers={"location": "http://169.254.169.254/latest/meta-data/"})
    report = deliver_due(engine, T0, recorder.client(), policy=policy)
    assert (report.attempted, report.retrying) == (1, 1)
    assert [str(r.url) for r in recorder.requests] == [CALLBACK]
    [delivery] = delivery_log(engine, "CLEC001").items
    assert (delivery.last_status_code, delivery.last_error) == (302, "HTTP 302")


def test_a_410_gone_fails_the_delivery_and_disables_the_subscription(engine):
    """Standard Webhooks 1.0.0, "Delivery success and failure": 410 Gone, stop sending."""
    _, _, policy = _setup(engine)
    add_event(engine, ["CLEC001"], "evt-2", T0 + dt.timedelta(minutes=1))
    report = deliver_due(engine, T0 + dt.timedelta(minutes=1), Recorder(410).client(), policy=policy)
    assert (report.attempted, report.failed) == (1, 1)
    assert list_subscriptions(engine, "CLEC001") == ()
    statuses = sorted((d.status, d.attempts, d.last_error) for d in delivery_log(engine, "CLEC001").items)
    assert statuses == [("failed", 0, "the callback answered 410 Gone"), ("failed", 1, "HTTP 410")]
    assert add_event(engine, ["CLEC001"], "evt-3", T0) == 0
    assert [e.action for e in audit_entries(engine)] == ["webhook.subscribed", "webhook.disabled"]


def test_a_network_error_is_logged_and_retried(engine):
    _, _, policy = _setup(engine)
    recorder = Recorder(error=httpx.ConnectError("connection refused"))
    report = deliver_due(engine, T0, recorder.client(), policy=policy)
    assert (report.attempted, report.retrying) == (1, 1)
    [delivery] = delivery_log(engine, "CLEC001").items
    [attempt] = delivery.log
    assert attempt.status_code is None and attempt.error == "ConnectError: connection refused"
    assert delivery.next_attempt_at == T0 + dt.timedelta(seconds=5)


def test_a_name_that_now_resolves_to_a_private_address_is_not_called(engine):
    """The host is resolved again before each attempt (DNS can be re-pointed after subscribing)."""
    _setup(engine)
    recorder = Recorder(200)
    repointed = public_policy(address="10.0.0.7")
    report = deliver_due(engine, T0, recorder.client(), policy=repointed)
    assert (report.attempted, report.delivered, report.retrying) == (1, 0, 1)
    assert recorder.requests == []
    [delivery] = delivery_log(engine, "CLEC001").items
    assert delivery.log[0].error == (
        "callback refused: host hooks.granite.example resolves to 10.0.0.7, a private address"
    )
    again = deliver_due(engine, T0 + dt.timedelta(seconds=5), recorder.client(), policy=public_policy())
    assert again.delivered == 1 and len(recorder.requests) == 1


def test_enqueue_refuses_an_event_type_we_do_not_publish(engine):
    _setup(engine)
    with pytest.raises(ValueError, match="ProductOrderStateChangeEvent"):
        add_event(engine, ["CLEC001"], "evt-x", T0, event_type="product.created")
