"""schemathesis against the published /openapi.json of the in-process gateway (issue 12 §4): for
every operation, generated requests (valid and invalid paths, queries and bodies) sent as a CLEC's
user to a gateway where GRANITE has real objects of every kind. Checks: no 5xx
(`not_a_server_error`), every status code documented (`status_code_conformance`), the content
type and the body as declared (`content_type_conformance`, `response_schema_conformance`; the
errors' `Error` schema of icaops/api/errors.py).

Bounded: 25 examples per operation, derandomized (the same cases on every run), no deadline (two
cores shared by a team). OWASP API8 (security misconfiguration: a traceback, an undocumented
answer) and API9 (improper inventory: what is served is what is published)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import create_engine

from icaops.api.app import create_app
from icaops.api.deps import Gateway as Served
from icaops.app.agreements import DEFAULT_AGREEMENT, open_agreement

from .conftest import Gateway, make_gateway
from .test_break_in import KEY_OF, World, seed

pytestmark = pytest.mark.slow

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

# The schema is the app's own /openapi.json; the app is given its database when the tests run
# (a fresh one per module, below): building the app needs no database.
APP = create_app(create_engine("sqlite://"), open_agreement(DEFAULT_AGREEMENT))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


def ticking(start: dt.datetime, step: dt.timedelta) -> Callable[[], dt.datetime]:
    """A clock that moves `step` on every reading: requests spread over minutes, so that one
    token's limit per minute (VI.13.2) is not what the run measures."""
    counter = itertools.count()
    return lambda: start + step * next(counter)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Gateway, World]]:
    """A gateway with GRANITE's objects of every kind; APP answers from its database."""
    tmp = tmp_path_factory.mktemp("schemathesis")
    for gateway in make_gateway(f"sqlite:///{tmp / 'gw.sqlite'}", tmp):
        world = seed(gateway)
        agreement = gateway.workspace.agreement
        APP.state.gateway = Served(gateway.engine, agreement, ticking(gateway.clock.now, dt.timedelta(seconds=1)))
        yield gateway, world


CASES = itertools.count()


def aim_at_granite(case: Any, world: World) -> None:
    """Every other case, GRANITE's account and real objects in the path and the body: generated
    data then reaches the domain's rules (orders confirmed, tickets worked, refusals with their
    clause), not only the 404 of an account no one owns."""
    if next(CASES) % 2:
        return
    resource = case.operation.path.split("/")[1]
    for name in list(case.path_parameters or {}):
        key = KEY_OF.get(resource, name) if name == "key" else name
        if key in world.keys:
            case.path_parameters[name] = world.keys[key]
    if isinstance(case.body, dict) and "account" in case.body:
        case.body["account"] = world.keys["account"]


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_operation_answers_as_published(case: Any, served: tuple[Gateway, World]) -> None:
    """No 5xx; every answer's status, content type and body as /openapi.json declares them."""
    gateway, world = served
    aim_at_granite(case, world)
    response = case.call(headers=gateway.as_("granite"))
    case.validate_response(response, checks=CHECKS)
