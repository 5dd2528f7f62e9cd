"""`icaops webhooks deliver|list|log`: the worker sends what is due; the subscriptions and the
delivery log are shown, never a secret."""

from __future__ import annotations

import datetime as dt

import pytest
from typer.testing import CliRunner

from icaops.app.webhook_urls import ALLOW_LOOPBACK_VARIABLE
from icaops.app.webhooks import message_id, subscribe
from icaops.cli import app
from icaops.store import make_engine
from tests.webhooks.helpers import LOOPBACK, ORDER_STATE, add_event

runner = CliRunner()


def _run(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.output


def test_the_worker_delivers_and_the_log_shows_it(sqlite_url, receiver, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(ALLOW_LOOPBACK_VARIABLE, "1")
    engine = make_engine(sqlite_url)
    now = dt.datetime.now(dt.UTC)
    subscription, secret = subscribe(engine, "CLEC001", receiver.url + "/h", [ORDER_STATE], "alice", now, LOOPBACK)
    add_event(engine, ["CLEC001"], "evt-1", now)
    engine.dispose()

    assert "1 sent, 1 delivered, 0 to retry, 0 failed" in _run("webhooks", "deliver", "--once", "--db", sqlite_url)
    [request] = receiver.requests
    assert request.verify(secret)["eventId"] == "evt-1"
    assert "sent" not in _run("webhooks", "deliver", "--once", "--db", sqlite_url)  # nothing more is due

    listed = _run("webhooks", "list", "--org", "CLEC001", "--db", sqlite_url)
    assert subscription.id in listed and ORDER_STATE in listed and secret not in listed
    assert subscription.id not in _run("webhooks", "list", "--org", "CLEC002", "--db", sqlite_url)

    log = _run("webhooks", "log", "--org", "CLEC001", "--status", "delivered", "--db", sqlite_url)
    assert message_id(subscription.id, "evt-1") in log and "delivered" in log and " 200 " in log
    assert "deliveries of CLEC001: 0 shown" in _run(
        "webhooks", "log", "--org", "CLEC001", "--status", "failed", "--db", sqlite_url
    )
    one = _run("webhooks", "log", "--org", "CLEC001", "--limit", "1", "--db", sqlite_url)
    more = one.split("more: --after ")[1].split()[0]
    older = _run("webhooks", "log", "--org", "CLEC001", "--after", more, "--db", sqlite_url)
    assert f"deliveries of CLEC001 older than {more}: 0 shown" in older and "more:" not in older
    refused = _run("webhooks", "log", "--org", "CLEC001", "--status", "lost", "--db", sqlite_url, code=2)
    assert "status 'lost': expected one of pending, delivered, failed" in refused
