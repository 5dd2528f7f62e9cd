"""Per-token rate limits (issue 12 §3; VI.13.2, term gateway.rate_limit_per_minute): the
(limit+1)th request of a minute is refused with the seconds to wait, the next minute allows
again, and the count lives in the database, so two engines (two workers) share it."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from icaops.app.errors import UserError
from icaops.app.identity import check_rate
from icaops.store import make_engine
from icaops.store.models import RateWindowRow
from icaops.terms.loader import load_agreement

from .helpers import NOW, people, token

AGREEMENT = load_agreement("centurylink-granite-id-2012")
THREE = AGREEMENT.with_overrides({"gateway.rate_limit_per_minute": 3}, source="test").terms


def _token_id(engine) -> str:
    return token(engine, people(engine).granite_user.id)[1].id


def test_the_limit_plus_first_request_of_a_minute_is_refused_and_the_next_minute_allows(engine):
    token_id = _token_id(engine)
    start = NOW.replace(second=0)  # 15:00:00
    remaining = [
        check_rate(engine, token_id, start + dt.timedelta(seconds=s), terms=THREE).remaining for s in (1, 2, 3)
    ]
    assert remaining == [2, 1, 0]
    with pytest.raises(UserError) as refused:
        check_rate(engine, token_id, start + dt.timedelta(seconds=45), terms=THREE)
    assert refused.value.code == "rate_limited"
    assert refused.value.details == {"retry_after": 15, "limit": 3, "reset_at": "2026-12-07T15:01:00+00:00"}
    assert "VI.13.2" in refused.value.message
    allowed = check_rate(engine, token_id, start + dt.timedelta(minutes=1), terms=THREE)
    assert (allowed.limit, allowed.remaining, allowed.reset_at) == (3, 2, start + dt.timedelta(minutes=2))


def test_the_limit_is_the_agreements_term_unless_given(engine):
    token_id = _token_id(engine)
    decision = check_rate(engine, token_id, NOW)
    assert decision.limit == AGREEMENT.terms.gateway.rate_limit_per_minute.value == 1200
    assert decision.remaining == 1199


def test_tokens_are_counted_apart(engine):
    p = people(engine)
    first, second = token(engine, p.granite_user.id)[1].id, token(engine, p.acme_admin.id)[1].id
    for _ in range(3):
        check_rate(engine, first, NOW, terms=THREE)
    assert check_rate(engine, second, NOW, terms=THREE).remaining == 2


def test_a_past_window_is_deleted_when_the_next_opens(engine):
    token_id = _token_id(engine)
    for minute in range(5):
        check_rate(engine, token_id, NOW + dt.timedelta(minutes=minute), terms=THREE)
        check_rate(engine, token_id, NOW + dt.timedelta(minutes=minute, seconds=1), terms=THREE)
    with engine.connect() as conn:
        rows = conn.execute(select(RateWindowRow.window_start, RateWindowRow.count)).all()
    assert rows == [(NOW.replace(second=0) + dt.timedelta(minutes=4), 2)]


def test_an_unknown_token_is_refused(engine):
    people(engine)
    with pytest.raises(UserError) as refused:
        check_rate(engine, "0" * 16, NOW, terms=THREE)
    assert refused.value.code == "unauthorized"


@pytest.mark.slow
def test_two_engines_on_one_postgresql_share_the_count(pg_url):
    """Two workers, each with its own engine and eight threads, make 40 requests in one minute
    against a limit of 25: exactly 25 are allowed, whichever worker served them."""
    first, second = make_engine(pg_url, pool_size=8), make_engine(pg_url, pool_size=8)
    try:
        token_id = _token_id(first)
        limit = AGREEMENT.with_overrides({"gateway.rate_limit_per_minute": 25}, source="test").terms

        def one(i: int) -> bool:
            try:
                check_rate(first if i % 2 else second, token_id, NOW, terms=limit)
                return True
            except UserError as exc:
                assert exc.code == "rate_limited"
                return False

        with ThreadPoolExecutor(16) as pool:
            outcomes = list(pool.map(one, range(40)))
        assert outcomes.count(True) == 25
        with second.connect() as conn:
            assert conn.execute(select(func.sum(RateWindowRow.count))).scalar_one() == 40
        with pytest.raises(UserError):
            check_rate(second, token_id, NOW + dt.timedelta(seconds=30), terms=limit)
        assert check_rate(first, token_id, NOW + dt.timedelta(minutes=1), terms=limit).remaining == 24
    finally:
        first.dispose()
        second.dispose()
