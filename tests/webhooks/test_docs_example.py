"""The receiver-side verification example of docs/webhooks.md works on a real delivery."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import httpx

from icaops.app.webhooks import deliver_due, subscribe
from tests.webhooks.helpers import ORDER_STATE, add_event, public_policy

DOC = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"


def test_the_documented_handler_accepts_a_real_delivery_and_refuses_a_tampered_one(sqlite_url):
    from icaops.store import make_engine

    [example] = [block for block in re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S) if "def handle" in block]
    engine = make_engine(sqlite_url)
    now = dt.datetime.now(dt.UTC)
    _, secret = subscribe(
        engine, "CLEC001", "https://hooks.granite.example/h", [ORDER_STATE], "a", now, public_policy()
    )
    add_event(engine, ["CLEC001"], "evt-1", now)
    seen: list[httpx.Request] = []
    client = httpx.Client(transport=httpx.MockTransport(lambda r: seen.append(r) or httpx.Response(204)))
    assert deliver_due(engine, now, client, policy=public_policy()).delivered == 1
    engine.dispose()
    namespace: dict = {}
    exec(example.replace('"whsec_..."', repr(secret)), namespace)
    [request] = seen
    headers = dict(request.headers)
    assert namespace["handle"](request.content, headers)["eventId"] == "evt-1"
    assert namespace["handle"](request.content.replace(b"evt-1", b"evt-2"), headers) is None
