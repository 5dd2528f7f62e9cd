"""The portal over the gateway's throw-away database (tests/gateway/conftest.py: the ILEC, two
CLECs and an auditor, a user per role, a Clock): a browser-like client per person, each with its
own cookie jar, that signs in through the sign-in form and posts forms with the page's CSRF token."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from icaops.app import identity
from tests.gateway.conftest import PASSWORD, ROLES, Gateway, make_gateway

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
NONCE = re.compile(r'name="nonce" value="([^"]+)"')
ONCE = re.compile(r'name="once" value="([^"]+)"')


def email_of(who: str) -> str:
    """The e-mail of a user of tests/gateway/conftest.py's ROLES."""
    org = ROLES[who][0]
    return f"{who}@{org.lower()}.example"


@dataclass
class Browser:
    """One person's client of the portal: its own cookies, the CSRF token of the last page."""

    client: TestClient
    csrf: str = ""

    def get(self, path: str, **params: Any) -> Any:
        r = self.client.get(f"/portal{path}", params=params, follow_redirects=False)
        found = CSRF.search(r.text)
        if found:
            self.csrf = found.group(1)
        return r

    def post(self, path: str, data: dict[str, Any], csrf: str | None = None, follow: bool = False) -> Any:
        """Post a form with the session's CSRF token (or `csrf`) and a fresh one-time key."""
        form = {"csrf": self.csrf if csrf is None else csrf, **data}
        return self.client.post(f"/portal{path}", data=form, follow_redirects=follow)

    def sign_in(self, email: str, password: str = PASSWORD) -> Any:
        page = self.client.get("/portal/login")
        nonce = NONCE.search(page.text)
        assert nonce is not None, page.text
        r = self.client.post(
            "/portal/login",
            data={"email": email, "password": password, "nonce": nonce.group(1), "next": "/portal/"},
            follow_redirects=False,
        )
        if r.status_code == 303:
            self.get("/")
        return r


@dataclass
class Portal:
    """The gateway, its database's URL, and a signed-in browser per person."""

    gateway: Gateway
    url: str

    def browser(self) -> Browser:
        """A new browser (no cookies yet)."""
        return Browser(TestClient(self.gateway.client.app, raise_server_exceptions=False))

    def as_(self, who: str) -> Browser:
        """A browser signed in as `who` (a key of ROLES)."""
        b = self.browser()
        r = b.sign_in(email_of(who))
        assert r.status_code == 303, r.text
        return b


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id with its smallest cost for these tests (each signs in many times): the portal is
    under test here, not the hasher's cost (tests/identity keeps the production profile)."""
    monkeypatch.setattr(identity, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[Portal]:
    """The portal on a fresh SQLite database."""
    url = f"sqlite:///{tmp_path / 'gw.sqlite'}"
    for gw in make_gateway(url, tmp_path):
        yield Portal(gw, url)
