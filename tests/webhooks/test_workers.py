"""Several workers on one database send each message exactly once (issue 12 §4: no in-process
state; PostgreSQL: `FOR UPDATE SKIP LOCKED`; SQLite: the one writer), to a real receiver."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

import httpx

from icaops.app.webhooks import DeliveryReport, deliver_due, delivery_log, subscribe
from icaops.store import make_engine
from tests.webhooks.helpers import LOOPBACK, ORDER_STATE, add_event
from tests.webhooks.receiver import Receiver

EVENTS = 60
WORKERS = 2


def test_two_workers_deliver_each_message_exactly_once(db_url, engine):
    with Receiver(delay_s=0.005) as receiver:
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        _, secret = subscribe(engine, "CLEC001", receiver.url + "/hooks", [ORDER_STATE], "alice", now, LOOPBACK)
        for n in range(EVENTS):
            add_event(engine, ["CLEC001"], f"evt-{n}", now)
        reports: list[DeliveryReport] = []
        errors: list[BaseException] = []
        start = threading.Barrier(WORKERS)

        def work() -> None:
            own = make_engine(db_url)  # each worker its own engine, as separate processes would have
            try:
                with httpx.Client(timeout=5.0, follow_redirects=False, trust_env=False) as client:
                    start.wait()
                    reports.append(deliver_due(own, now, client, limit=EVENTS * 2, policy=LOOPBACK))
            except BaseException as exc:  # reported to the test below
                errors.append(exc)
            finally:
                own.dispose()

        threads = [threading.Thread(target=work) for _ in range(WORKERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not errors, errors
        sent = Counter(r.headers["webhook-id"] for r in receiver.requests)
        assert len(sent) == EVENTS and set(sent.values()) == {1}
        assert sum(r.attempted for r in reports) == sum(r.delivered for r in reports) == EVENTS
        for request in receiver.requests:
            request.verify(secret)
    log = delivery_log(engine, "CLEC001", limit=EVENTS)
    assert len(log.items) == EVENTS and log.next_before == log.items[-1].id
    assert all(d.status == "delivered" and d.attempts == 1 and len(d.log) == 1 for d in log.items)
