"""Callbacks go to public HTTPS hosts only (server-side request forgery, OWASP API7:2023;
Standard Webhooks 1.0.0 "Server side request forgery" and "Enforcing HTTPS"): plain http, private,
link-local and loopback hosts, and URLs with credentials are refused, whether the address is
written in the URL or comes from resolving its name."""

from __future__ import annotations

import datetime as dt

import pytest

from icaops.app.errors import UserError
from icaops.app.webhook_urls import (
    ALLOW_LOOPBACK_VARIABLE,
    CallbackPolicy,
    callback_policy,
    check_callback,
    system_resolver,
)
from icaops.app.webhooks import list_subscriptions, subscribe

NOW = dt.datetime(2026, 12, 6, 18, 0, tzinfo=dt.UTC)
PUBLIC = "8.8.8.8"


def _resolver(table: dict[str, tuple[str, ...]]):
    def resolve(host: str, port: int) -> tuple[str, ...]:
        if host not in table:
            raise OSError(f"no such host {host}")
        return table[host]

    return resolve


NAMES = {"hooks.granite.example": (PUBLIC,), "inside.granite.example": (PUBLIC, "10.1.2.3")}
PRODUCTION = CallbackPolicy(allow_loopback=False, resolve=_resolver(NAMES))
TESTING = CallbackPolicy(allow_loopback=True, resolve=_resolver(NAMES))


@pytest.mark.parametrize(
    ("url", "code", "words"),
    [
        ("http://hooks.granite.example/events", "scheme", "https"),
        ("ftp://hooks.granite.example/events", "scheme", "https"),
        ("https://10.0.0.1/events", "address", "10.0.0.1, a private address"),
        ("https://169.254.169.254/latest/meta-data/", "address", "link-local"),
        ("https://127.0.0.1:8443/events", "address", "loopback"),
        ("https://[::1]/events", "address", "loopback"),
        ("https://[::ffff:10.0.0.1]/events", "address", "10.0.0.1, a private address"),
        ("https://100.64.0.1/events", "address", "non-public"),
        ("https://0.0.0.0/events", "address", "private"),
        ("https://user:pass@hooks.granite.example/events", "credentials", "user name or password"),
        ("https://token@hooks.granite.example/events", "credentials", "user name or password"),
        ("https://inside.granite.example/events", "address", "10.1.2.3"),
        ("https://nowhere.granite.example/events", "unresolved", "does not resolve"),
        ("https://hooks.granite.example:99999/events", "malformed", "not a URL"),
        ("https://hooks.granite.example/a b", "malformed", "without spaces"),
        ("https:///events", "scheme", "with a host"),
    ],
)
def test_refused_callbacks(url, code, words):
    refusal = check_callback(url, PRODUCTION)
    assert refusal is not None and refusal.code == code and words in refusal.message


def test_localhost_is_refused_without_the_loopback_setting():
    """`localhost` resolves (by the system's resolver) to a loopback address."""
    for url in ("http://localhost:8000/hook", "https://localhost:8443/hook"):
        refusal = check_callback(url, CallbackPolicy(allow_loopback=False))
        assert refusal is not None and refusal.code == "address" and "loopback" in refusal.message
    assert check_callback("http://localhost:8000/hook", CallbackPolicy(allow_loopback=True)) is None
    assert "127.0.0.1" in system_resolver("localhost", 80) or "::1" in system_resolver("localhost", 80)


def test_public_https_is_accepted():
    assert check_callback("https://hooks.granite.example/events?topic=orders", PRODUCTION) is None
    assert check_callback(f"https://{PUBLIC}:8443/events", PRODUCTION) is None


def test_the_loopback_setting_allows_loopback_and_nothing_else():
    assert check_callback("http://127.0.0.1:8000/hook", TESTING) is None
    assert check_callback("https://[::1]:8443/hook", TESTING) is None
    still = {
        "http://hooks.granite.example/events": "scheme",  # plain http only to loopback
        "https://10.0.0.1/events": "address",
        "https://169.254.169.254/": "address",
        "http://user:pass@127.0.0.1:8000/": "credentials",
    }
    for url, code in still.items():
        refusal = check_callback(url, TESTING)
        assert refusal is not None and refusal.code == code, url


def test_the_setting_is_read_from_the_environment(monkeypatch):
    monkeypatch.delenv(ALLOW_LOOPBACK_VARIABLE, raising=False)
    assert callback_policy().allow_loopback is False
    monkeypatch.setenv(ALLOW_LOOPBACK_VARIABLE, "1")
    assert callback_policy().allow_loopback is True
    monkeypatch.setenv(ALLOW_LOOPBACK_VARIABLE, "yes")
    assert callback_policy().allow_loopback is False


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.granite.example/events",
        "https://10.0.0.1/events",
        "https://169.254.169.254/latest/meta-data/",
        "https://localhost:8443/events",
        "https://user:pass@hooks.granite.example/events",
    ],
)
def test_subscribe_refuses_them_and_stores_nothing(sqlite_url, url):
    from icaops.store import make_engine

    engine = make_engine(sqlite_url)
    policy = CallbackPolicy(allow_loopback=False, resolve=_resolver({**NAMES, "localhost": ("127.0.0.1",)}))
    with pytest.raises(UserError) as refused:
        subscribe(engine, "CLEC001", url, ["ProductOrderStateChangeEvent"], "alice", NOW, policy)
    assert refused.value.field == "callback" and refused.value.code == "invalid"
    assert list_subscriptions(engine, "CLEC001") == ()
    engine.dispose()
