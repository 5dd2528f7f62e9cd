"""A gateway over a throw-away database: the ILEC, two CLECs and an auditor, a user and a token
per role, the reference agreement, and a clock the test moves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from icaops.api.app import create_app
from icaops.app.agreements import DEFAULT_AGREEMENT, open_agreement
from icaops.app.identity import create_organisation, create_user, issue_token
from icaops.app.workspace import Workspace, open_store
from icaops.terms.loader import Agreement

CENTRAL = ZoneInfo("America/Chicago")
PASSWORD = "correct horse battery staple"

ROLES = {
    "granite": ("GRN", "clec", "clec_user"),
    "granite_admin": ("GRN", "clec", "clec_admin"),
    "other": ("OTH", "clec", "clec_user"),
    "other_admin": ("OTH", "clec", "clec_admin"),
    "ops": ("CTL", "ilec", "ilec_operations"),
    "billing": ("CTL", "ilec", "ilec_billing"),
    "retail": ("CTL", "ilec", "ilec_retail_sales"),
    "auditor": ("AUD", "auditor", "auditor"),
}
ACCOUNTS = {"GRN": ("GRANITE",), "OTH": ("OTHERCO",)}


@dataclass
class Clock:
    """The gateway's clock: a Central-time moment a test sets."""

    now: dt.datetime = field(default_factory=lambda: dt.datetime(2013, 3, 4, 10, 0, tzinfo=CENTRAL))

    def __call__(self) -> dt.datetime:
        return self.now

    def day(self, day: dt.date, hour: int = 10) -> None:
        """Move to `hour` o'clock, Central time, on `day`."""
        self.now = dt.datetime(day.year, day.month, day.day, hour, tzinfo=CENTRAL)


@dataclass
class Gateway:
    """A running API (in process), its database, its clock, and a client per role."""

    engine: Engine
    workspace: Workspace
    clock: Clock
    client: TestClient
    tokens: dict[str, str]

    def as_(self, who: str) -> dict[str, str]:
        """The headers of a request by `who` (a key of ROLES)."""
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def post(self, who: str, path: str, body: dict[str, Any], key: str | None = None) -> Any:
        headers = self.as_(who) | ({"Idempotency-Key": key} if key else {})
        return self.client.post(path, json=body, headers=headers)

    def get(self, who: str, path: str, **params: Any) -> Any:
        return self.client.get(path, headers=self.as_(who), params=params)

    def load(self, events: list[dict[str, Any]]) -> None:
        """Record events as a file load would (set-up facts the API does not take)."""
        _, refused = self.workspace.append(events, "test")
        assert not refused, refused


BASE_EVENTS: list[dict[str, Any]] = [
    {"id": "setup", "date": "2012-07-02", "type": "account.setup_completed"},
    {"id": "open-g", "date": "2012-07-02", "type": "billing.account_opened", "account": "GRANITE", "ocn": "1234",
     "company_code": "GRNT", "ccna": "GRN", "certificate_on_file": True},
    {"id": "open-o", "date": "2012-07-02", "type": "billing.account_opened", "account": "OTHERCO", "ocn": "5678",
     "company_code": "OTHR", "ccna": "OTH", "certificate_on_file": True},
]  # fmt: skip


def make_gateway(url: str, tmp_path: Path, agreement: Agreement | None = None) -> Iterator[Gateway]:
    """A gateway on the database at `url` with the organisations, users and tokens of ROLES,
    under `agreement` (the reference agreement by default)."""
    engine = open_store(url)
    agreement = agreement or open_agreement(DEFAULT_AGREEMENT)
    clock = Clock()
    start = dt.datetime(2013, 1, 2, tzinfo=dt.UTC)
    for org, kind, name in {(o, k, o) for o, k, _ in ROLES.values()}:
        create_organisation(engine, org, kind, f"{name} organisation", accounts=ACCOUNTS.get(org, ()), now=start)
    tokens = {}
    for who, (org, _, role) in ROLES.items():
        user = create_user(engine, org, f"{who}@{org.lower()}.example", who, role, PASSWORD, now=start)
        tokens[who], _ = issue_token(engine, user.id, "test", None, None, start)
    workspace = Workspace(agreement, engine)
    app = create_app(engine, agreement, clock)
    with TestClient(app, raise_server_exceptions=False) as client:
        gw = Gateway(engine, workspace, clock, client, tokens)
        gw.load(BASE_EVENTS)
        yield gw
    engine.dispose()


@pytest.fixture
def gateway(tmp_path: Path) -> Iterator[Gateway]:
    """A gateway on a fresh SQLite database."""
    yield from make_gateway(f"sqlite:///{tmp_path / 'gw.sqlite'}", tmp_path)


LSR: dict[str, Any] = {
    "account": "GRANITE",
    "pon": "N-100",
    "ccna": "GRN",
    "act": "N",
    "entity": "centurytel_of_idaho",
    "end_user": "Acme Hardware",
    "address": "12 Main St, Boise ID",
    "ddd": "2013-03-08",
    "class_of_service": "business",
    "end_user_class": "business",
    "usoc": "1FB",
    "retail_mrc": "40.00",
}


def lsr(**changes: Any) -> dict[str, Any]:
    """The reference new-connect LSR with `changes`."""
    return {**LSR, **changes}


Poster = Callable[..., Any]


from tests.store.conftest import pg_cluster, pg_url  # noqa: E402,F401  (the store tests' PostgreSQL cluster)


@pytest.fixture
def pg_gateway(pg_url: str, tmp_path: Path) -> Iterator[Gateway]:  # noqa: F811
    """A gateway on the throw-away PostgreSQL cluster (emptied for the test)."""
    yield from make_gateway(pg_url, tmp_path)


@contextmanager
def second_client(gw: Gateway, url: str) -> Iterator[TestClient]:
    """Another API process's client on the same database: its own engine, no shared memory."""
    engine = open_store(url)
    app = create_app(engine, gw.workspace.agreement, gw.clock)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
    engine.dispose()
