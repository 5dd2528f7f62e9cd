"""The application's PostgreSQL role (docs/store.md, icaops/store/guards.py) can subscribe, queue
and deliver webhooks, and cannot rewrite the attempt log."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from icaops.app.webhooks import deliver_due, delivery_log, subscribe, unsubscribe
from icaops.store import make_engine
from icaops.store.db import writing
from icaops.store.guards import grant_app_role
from tests.webhooks.helpers import ORDER_STATE, add_event, public_policy

ROLE = "icaops_app"
T0 = dt.datetime(2026, 12, 6, 18, 0, tzinfo=dt.UTC)
pytestmark = pytest.mark.slow


@pytest.fixture
def app_engine(pg_url: str):
    owner = make_engine(pg_url)
    try:
        with writing(owner) as conn:
            conn.execute(
                text(
                    f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{ROLE}') "
                    f"THEN CREATE ROLE {ROLE} LOGIN; END IF; END $$"
                )
            )
            grant_app_role(conn, ROLE)
    finally:
        owner.dispose()
    engine = make_engine(make_url(pg_url).set(username=ROLE).render_as_string(hide_password=False))
    yield engine
    engine.dispose()


def test_the_app_role_runs_webhooks_and_cannot_rewrite_the_log(app_engine):
    policy = public_policy()
    subscription, _ = subscribe(
        app_engine, "CLEC001", "https://hooks.granite.example/h", [ORDER_STATE], "a", T0, policy
    )
    add_event(app_engine, ["CLEC001"], "evt-1", T0)
    client = httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(500)))
    assert deliver_due(app_engine, T0, client, policy=policy).retrying == 1
    unsubscribe(app_engine, "CLEC001", subscription.id, "a", T0)
    for statement in ("UPDATE webhook_attempts SET status_code = 200", "TRUNCATE webhook_attempts"):
        with pytest.raises(DBAPIError), app_engine.begin() as conn:
            conn.execute(text(statement))
    [delivery] = delivery_log(app_engine, "CLEC001").items
    assert [a.status_code for a in delivery.log] == [500]
