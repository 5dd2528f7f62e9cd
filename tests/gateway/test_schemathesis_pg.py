"""The schemathesis property of test_schemathesis.py — no 5xx, every answer's status, content
type and body as /openapi.json declares them — on PostgreSQL (issue 12 §4: PostgreSQL in
production and in the tests): the same operations and checks, GRANITE's objects of every kind
seeded the same way, the gateway on the throw-away cluster (tests/support/pgtemp.py). Where the
engines differ (column types and bounds, a NUL byte in text, locking on the write path, time
zones) a generated request may meet an error SQLite never raises; this run makes sure that
PostgreSQL's answer too is a documented one, never a 5xx.

Bounded to stay within about a minute of `make test` on two shared cores: `MAX_EXAMPLES` per
operation (SQLite's run draws 25), derandomized, so a run is the same cases every time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from sqlalchemy import create_engine

from icaops.api.app import create_app
from icaops.api.deps import Gateway as Served
from icaops.app.agreements import DEFAULT_AGREEMENT, open_agreement
from tests.store.conftest import emptied
from tests.support.pgtemp import TempCluster

from .conftest import Gateway, make_gateway
from .test_break_in import World, seed
from .test_schemathesis import CHECKS, aim_at_granite, ticking

pytestmark = pytest.mark.slow

MAX_EXAMPLES = 5

APP = create_app(create_engine("sqlite://"), open_agreement(DEFAULT_AGREEMENT))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture(scope="module")
def served_pg(pg_cluster: TempCluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Gateway, World]]:
    """A gateway on the emptied cluster with GRANITE's objects of every kind; APP answers from it."""
    tmp = tmp_path_factory.mktemp("schemathesis_pg")
    for gateway in make_gateway(emptied(pg_cluster), tmp):
        world = seed(gateway)
        agreement = gateway.workspace.agreement
        APP.state.gateway = Served(gateway.engine, agreement, ticking(gateway.clock.now, dt.timedelta(seconds=1)))
        yield gateway, world


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_operation_answers_as_published_on_postgresql(case: Any, served_pg: tuple[Gateway, World]) -> None:
    """No 5xx; every answer's status, content type and body as /openapi.json declares them."""
    gateway, world = served_pg
    aim_at_granite(case, world)
    response = case.call(headers=gateway.as_("granite"))
    case.validate_response(response, checks=CHECKS)
