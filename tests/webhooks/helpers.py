"""Shared steps of the webhook tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Engine

from icaops.app.webhook_urls import CallbackPolicy
from icaops.app.webhooks import enqueue
from icaops.store import writing

__all__ = ["LOOPBACK", "ORDER_STATE", "add_event", "public_policy"]

LOOPBACK = CallbackPolicy(allow_loopback=True)
ORDER_STATE = "ProductOrderStateChangeEvent"


def public_policy(host: str = "hooks.granite.example", address: str = "8.8.8.8") -> CallbackPolicy:
    """The production policy with a resolver that knows one public name (no network)."""

    def resolve(name: str, port: int) -> tuple[str, ...]:
        if name != host:
            raise OSError(f"no such host {name}")
        return (address,)

    return CallbackPolicy(allow_loopback=False, resolve=resolve)


def add_event(
    engine: Engine,
    org_ids: list[str],
    event_id: str,
    now: dt.datetime,
    event_type: str = ORDER_STATE,
    payload: Mapping[str, Any] | None = None,
) -> int:
    """Enqueue an event in its own write transaction, as the API's write path does in its own."""
    with writing(engine) as conn:
        return enqueue(conn, org_ids, event_type, payload or {"id": event_id, "state": "acknowledged"}, event_id, now)
