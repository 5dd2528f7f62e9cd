"""The portal on PostgreSQL with two workers (two apps, each its own engine; they share only the
database): a session opened on one is good on the other and signing out on one ends it on both;
the same form sent twice at once, once to each worker, records its action once (its one-time key
is the Idempotency-Key) — the LSR is one order (IV.7.2)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from icaops.store.models import EventRow
from tests.gateway.conftest import lsr, make_gateway, second_client
from tests.store.conftest import pg_cluster, pg_url  # noqa: F401  (the store tests' PostgreSQL cluster)
from tests.support.race import race

from .conftest import CSRF, Portal

pytestmark = pytest.mark.slow


@pytest.fixture
def pg_portal(pg_url: str, tmp_path: Path) -> Iterator[Portal]:  # noqa: F811
    """The portal on the throw-away PostgreSQL cluster (emptied for the test)."""
    for gw in make_gateway(pg_url, tmp_path):
        yield Portal(gw, pg_url)


def test_a_session_opened_on_one_worker_is_good_on_the_other(pg_portal: Portal) -> None:
    """Stateless workers: the session is the database's; signing out on the second ends it on the first."""
    g = pg_portal.as_("granite")
    cookie = g.client.cookies.get("icaops_session")
    assert cookie and g.get("/orders").status_code == 200
    with second_client(pg_portal.gateway, pg_portal.url) as worker:
        worker.cookies.set("icaops_session", cookie, path="/portal")
        page = worker.get("/portal/orders", follow_redirects=False)
        assert page.status_code == 200 and "granite@grn.example" in page.text
        found = CSRF.search(page.text)
        assert found is not None
        assert worker.post("/portal/logout", data={"csrf": found.group(1)}, follow_redirects=False).status_code == 303
    assert g.get("/orders").status_code == 303  # sent to sign in


def test_a_form_sent_twice_at_once_to_two_workers_records_once(pg_portal: Portal) -> None:
    """A double submit racing on two workers: the same one-time key, one `lsr.submitted` event,
    one order; each answer is the order's page (the second a replay of the first)."""
    g = pg_portal.as_("granite")
    g.get("/orders/new")
    cookie = g.client.cookies.get("icaops_session")
    form = {"csrf": g.csrf, "once": "double-click", **{k: str(v) for k, v in lsr().items()}}
    engine = pg_portal.gateway.engine
    with second_client(pg_portal.gateway, pg_portal.url) as worker:
        worker.cookies.set("icaops_session", cookie, path="/portal")
        first: TestClient = g.client
        answers = race(
            lambda: first.post("/portal/orders", data=form, follow_redirects=False),
            lambda: worker.post("/portal/orders", data=form, follow_redirects=False),
        )
    assert [a.status_code for a in answers] == [303, 303], [a.text[-500:] for a in answers]
    assert {a.headers["location"] for a in answers} == {"/portal/orders/GRANITE/N-100?done=submitted"}
    with engine.connect() as conn:
        submitted = conn.execute(
            select(func.count()).select_from(EventRow).where(EventRow.type == "lsr.submitted")
        ).scalar_one()
    assert submitted == 1
    page = g.get("/orders/GRANITE/N-100")
    assert page.status_code == 200 and "acknowledged" in page.text
