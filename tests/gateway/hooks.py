"""Webhook steps of the gateway tests: a callback policy that knows the test organisations'
public hosts (no network), subscribing through the API, and a worker pass that sends to an
in-memory receiver (httpx.MockTransport) and returns what each host received."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import httpx
from standardwebhooks import Webhook

from icaops.app.webhook_urls import CallbackPolicy
from icaops.app.webhooks import deliver_due

from .conftest import Gateway

HOSTS = {"granite_admin": "hooks.granite.example", "other_admin": "hooks.other.example", "ops": "hooks.ctl.example"}
"""The callback host of each organisation's hook manager (a CLEC admin; CenturyLink's operations)."""


def _resolve(name: str, port: int) -> tuple[str, ...]:
    if name not in HOSTS.values():
        raise OSError(f"no such host {name}")
    return ("8.8.8.8",)  # a public address: the production rules apply (no loopback allowance)


POLICY = CallbackPolicy(allow_loopback=False, resolve=_resolve)


def use_policy(gateway: Gateway) -> None:
    """Make the API check callbacks with POLICY (the test hosts resolve to a public address)."""
    gateway.client.app.state.callback_policy = POLICY  # type: ignore[attr-defined]


def subscribe(gateway: Gateway, who: str, *event_types: str) -> dict[str, Any]:
    """`who` subscribes its organisation's callback through POST /hub; the answer (with the secret)."""
    use_policy(gateway)
    r = gateway.post(who, "/hub", {"callback": f"https://{HOSTS[who]}/events", "eventTypes": list(event_types)})
    assert r.status_code == 201, r.text
    return dict(r.json())


@dataclass
class Received:
    """What the receivers got: the requests, by callback host."""

    requests: list[httpx.Request] = field(default_factory=list)

    def at(self, who: str) -> list[httpx.Request]:
        """The requests that reached `who`'s callback."""
        return [r for r in self.requests if r.url.host == HOSTS[who]]

    def events(self, who: str, secret: str) -> list[dict[str, Any]]:
        """The bodies `who` received, each verified with its secret (Standard Webhooks 1.0.0)."""
        return [Webhook(secret).verify(r.content, dict(r.headers)) for r in self.at(who)]


def deliver(gateway: Gateway) -> Received:
    """One worker pass at the real time (receivers check the signed timestamp against theirs)."""
    received = Received()

    def answer(request: httpx.Request) -> httpx.Response:
        request.read()
        received.requests.append(request)
        return httpx.Response(204)

    with httpx.Client(transport=httpx.MockTransport(answer)) as client:
        deliver_due(gateway.engine, dt.datetime.now(dt.UTC), client, policy=POLICY)
    return received


def types_of(received: Received, who: str) -> list[str]:
    """The eventType of each body `who` received, in order sent."""
    return [json.loads(r.content)["eventType"] for r in received.at(who)]
