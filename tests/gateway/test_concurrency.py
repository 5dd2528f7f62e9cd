"""Two API workers on one PostgreSQL behave as one (the brief; issue 12 §4): the same PON
submitted twice at once is one order; a cancel racing a confirmation ends in one consistent
state; nothing is lost. Each worker has its own engine and app: they share only the database."""

from __future__ import annotations

import threading
from functools import partial
from typing import Any

import pytest
from fastapi.testclient import TestClient

from icaops.app.gateway.domains import SPECS
from icaops.app.gateway.projection import assemble
from icaops.app.workspace import Workspace
from icaops.billing.books import Books
from icaops.calendar.deadlines import Deadlines
from icaops.orders import lifecycle
from icaops.orders.standing import standing_of
from icaops.relationship import lifecycle as relationship
from tests.support.race import race

from .conftest import Gateway, lsr, second_client


def _fold_equals_projection(gw: Gateway) -> None:
    """The orders the projection keeps are the fold of the log as stored."""
    events = Workspace(gw.workspace.agreement, gw.engine).events()
    terms = gw.workspace.agreement.terms
    rel, _ = relationship.fold(events, Deadlines(terms))
    books = Books(gw.workspace.agreement, events)
    inputs = lifecycle.Inputs(terms, rel, lambda a, d: standing_of(books, a, d, Deadlines(terms), rel))
    own = tuple(e for e in events if e.get("account", "GRANITE") == "GRANITE")
    folded, _ = lifecycle.fold(own, inputs)
    with gw.engine.connect() as conn:
        kept = assemble(conn, SPECS["orders"], "GRANITE")
    assert dict(kept.orders) == dict(folded.orders)


@pytest.mark.parametrize("rounds", [5])
def test_the_same_pon_submitted_twice_at_once_is_one_order(pg_gateway: Gateway, pg_url: str, rounds: int) -> None:
    """IV.7.2: one PON, one order — whichever worker commits first; the other is refused."""
    gw = pg_gateway
    with second_client(gw, pg_url) as other:
        _submit_twice(gw, [gw.client, other], rounds)


def _submit_twice(gw: Gateway, clients: list[TestClient], rounds: int) -> None:
    for n in range(rounds):
        body = lsr(pon=f"RACE-{n}")
        results = race(*(partial(c.post, "/productOrder", json=body, headers=gw.as_("granite")) for c in clients))
        codes = sorted(r.status_code for r in results)
        assert codes == [201, 422], [r.text for r in results]
        refused = next(r for r in results if r.status_code == 422).json()
        assert refused["errors"][0]["code"] == "pon_duplicate"
    events = Workspace(gw.workspace.agreement, gw.engine).events()
    assert sum(e.type == "lsr.submitted" for e in events) == rounds
    _fold_equals_projection(gw)


def test_the_same_idempotency_key_sent_to_two_workers_at_once_records_once(pg_gateway: Gateway, pg_url: str) -> None:
    """IV.7.2: a request retried on another worker while the first runs: one order, one event;
    both answers are the first's (the second a replay), never an error."""
    gw = pg_gateway
    with second_client(gw, pg_url) as other:
        for n in range(3):
            post = partial(post_keyed, gw, lsr(pon=f"KEY-{n}"), f"key-{n}")
            results = race(partial(post, gw.client), partial(post, other))
            assert [r.status_code for r in results] == [201, 201], [r.text for r in results]
            assert results[0].json() == results[1].json()
            assert sorted(r.headers.get("Idempotent-Replayed", "") for r in results) == ["", "true"]
    events = Workspace(gw.workspace.agreement, gw.engine).events()
    assert sum(e.type == "lsr.submitted" for e in events) == 3


def post_keyed(gw: Gateway, body: dict[str, Any], key: str, client: TestClient) -> Any:
    return client.post("/productOrder", json=body, headers={**gw.as_("granite"), "Idempotency-Key": key})


def test_a_cancel_racing_a_confirmation_ends_in_one_consistent_state(pg_gateway: Gateway, pg_url: str) -> None:
    """VI.16 / IV.9.1: a cancel supplement and a confirmation at once — either order is valid, but
    the log, the projection and the answers agree, and nothing is lost."""
    with second_client(pg_gateway, pg_url) as other:
        _cancel_against_confirm(pg_gateway, other)


def _cancel_against_confirm(gw: Gateway, other: TestClient) -> None:
    for n in range(4):
        pon = f"C-{n}"
        assert gw.post("granite", "/productOrder", lsr(pon=pon)).status_code == 201
        cancel = partial(
            gw.client.post,
            f"/productOrder/GRANITE/{pon}/supplement",
            json={"ver": 2, "sup": "cancel"},
            headers=gw.as_("granite"),
        )
        confirm = partial(other.post, f"/productOrder/GRANITE/{pon}/confirm", json={}, headers=gw.as_("ops"))
        got_cancel, got_confirm = race(cancel, confirm)
        assert got_cancel.status_code == 200, got_cancel.text  # a supplement is accepted in either order
        final = gw.get("granite", f"/productOrder/GRANITE/{pon}").json()
        if got_confirm.status_code == 200:  # confirmed first: the cancel supplement then stands
            assert final["state"] == "pendingCancellation" and final["committedDueDate"] is not None
        else:  # the cancel first: a pending cancellation cannot be confirmed
            assert got_confirm.status_code == 422 and got_confirm.json()["errors"][0]["code"] == "order_closed"
            assert final["state"] == "pendingCancellation" and final["committedDueDate"] is None
    _fold_equals_projection(gw)


def test_a_second_worker_sees_what_the_first_recorded(gateway: Gateway, tmp_path: Any) -> None:
    """Stateless workers: an order submitted through one app is read through another at once."""
    with second_client(gateway, gateway.engine.url.render_as_string(hide_password=False)) as other:
        assert gateway.post("granite", "/productOrder", lsr(pon="SEEN-1")).status_code == 201
        r = other.get("/productOrder/GRANITE/SEEN-1", headers=gateway.as_("granite"))
    assert r.status_code == 200 and r.json()["state"] == "acknowledged"


def test_a_decision_taken_before_the_lock_is_taken_again_when_the_log_moved(
    pg_gateway: Gateway, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """IV.7.2: a writer decides on the log as committed, then locks it. If an event of the same
    account lands in between (here the same PON, from another worker), the decision is taken
    again under the lock: one order, the other refused as a duplicate — never two."""
    from icaops.app.gateway import actions

    gw = pg_gateway
    real_lock = actions.lock_head
    raced: list[Any] = []
    racing = threading.Event()

    def lock_after_another_worker_commits(conn: Any, chain: str) -> Any:
        if not racing.is_set():  # once: the other worker's order commits between our decision and our lock
            racing.set()
            with second_client(gw, pg_url) as other:
                raced.append(other.post("/productOrder", json=lsr(pon="MOVED-1"), headers=gw.as_("granite")))
        return real_lock(conn, chain)

    assert gw.post("granite", "/productOrder", lsr(pon="WARM-1")).status_code == 201  # projections built
    monkeypatch.setattr(actions, "lock_head", lock_after_another_worker_commits)
    ours = gw.post("granite", "/productOrder", lsr(pon="MOVED-1"))
    assert raced[0].status_code == 201, raced[0].text
    assert ours.status_code == 422 and ours.json()["errors"][0]["code"] == "pon_duplicate", ours.text
    events = Workspace(gw.workspace.agreement, gw.engine).events()
    assert sum(e.type == "lsr.submitted" and e.get("pon") == "MOVED-1" for e in events) == 1
    _fold_equals_projection(gw)


def test_a_decision_on_a_log_that_did_not_move_is_recorded_as_taken(
    pg_gateway: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The common case: nothing of the account moved between the decision and the lock, so the
    step is decided once, without the lock, and recorded as decided."""
    from icaops.app.gateway import actions

    decided: list[bool] = []
    real_decide = actions._decide

    def counting(*args: Any, **kwargs: Any) -> Any:
        decided.append(kwargs["locked"])
        return real_decide(*args, **kwargs)

    assert pg_gateway.post("granite", "/productOrder", lsr(pon="WARM-1")).status_code == 201  # projections built
    monkeypatch.setattr(actions, "_decide", counting)
    assert pg_gateway.post("granite", "/productOrder", lsr(pon="ONCE-1")).status_code == 201
    assert decided == [False]
    _fold_equals_projection(pg_gateway)
