"""API tokens (issue 12 §3: "scoped and revocable, stored hashed"): the plaintext is shown once
and never stored; a revoked, expired, malformed or forged token, or one of a disabled user, is
refused; scopes narrow the role; the actor carries its organisation's accounts. On SQLite and
PostgreSQL."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from sqlalchemy import select

from icaops.app.audit import audit_entries
from icaops.app.errors import UserError
from icaops.app.identity import (
    authenticate,
    disable_user,
    issue_token,
    list_tokens,
    revoke_token,
)
from icaops.store.models import ApiTokenRow

from .helpers import NOW, database_text, people, token


def _refused(engine, header, now=NOW) -> UserError:
    with pytest.raises(UserError) as refused:
        authenticate(engine, header, now)
    assert refused.value.code == "unauthorized"
    return refused.value


def test_a_token_authenticates_as_its_user_with_its_organisations_accounts(engine):
    p = people(engine)
    plaintext, info = token(engine, p.granite_user.id)
    actor = authenticate(engine, f"Bearer {plaintext}", NOW)
    assert (actor.user_id, actor.org_id, actor.org_kind, actor.role) == (
        p.granite_user.id,
        "granite",
        "clec",
        "clec_user",
    )
    assert actor.accounts == {"CLEC001", "CLEC002"}
    assert (actor.token_id, actor.scopes) == (info.id, None)
    assert authenticate(engine, f"bearer {plaintext}", NOW) == actor  # the scheme in any case (RFC 9110)


def test_the_token_has_the_documented_form_and_only_its_secrets_sha256_is_stored(engine):
    p = people(engine)
    plaintext, info = token(engine, p.granite_admin.id)
    prefix, token_id, secret = plaintext.split("_", 2)
    assert (prefix, token_id) == ("icaops", info.id)
    assert len(secret) >= 43
    stored = database_text(engine)
    assert plaintext not in stored and secret not in stored
    with engine.connect() as conn:
        kept = conn.execute(select(ApiTokenRow.secret_hash).where(ApiTokenRow.id == info.id)).scalar_one()
    assert kept == hashlib.sha256(secret.encode()).hexdigest()
    assert all(not hasattr(t, "secret") for t in list_tokens(engine, p.granite_admin.id))


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer",
        "Basic dXNlcjpwYXNz",
        "Token {token}",
        "Bearer {token}x y",
        "Bearer icaops_{id}",
        "Bearer icaops_{id}_short",
        "Bearer {id}_{secret}",
        "Bearer ICAOPS_{id}_{secret}",
    ],
)
def test_a_malformed_authorization_is_refused(engine, header):
    p = people(engine)
    plaintext, info = token(engine, p.granite_user.id)
    secret = plaintext.split("_", 2)[2]
    given = None if header is None else header.format(token=plaintext, id=info.id, secret=secret)
    assert "Bearer icaops_<id>_<secret>" in _refused(engine, given).message


def test_another_secret_or_an_unknown_token_id_is_refused(engine):
    p = people(engine)
    plaintext, info = token(engine, p.granite_user.id)
    other, _ = token(engine, p.acme_admin.id)
    forged = f"icaops_{info.id}_{other.split('_', 2)[2]}"  # a real secret, of another token
    _refused(engine, f"Bearer {forged}")
    _refused(engine, f"Bearer {plaintext[:-1]}{'A' if plaintext[-1] != 'A' else 'B'}")
    _refused(engine, f"Bearer icaops_{'0' * 16}_{plaintext.split('_', 2)[2]}")


def test_a_revoked_token_is_refused_from_its_revocation_on(engine):
    p = people(engine)
    plaintext, info = token(engine, p.granite_user.id)
    revoked = revoke_token(engine, info.id, None, now=NOW + dt.timedelta(hours=1))
    assert revoked.revoked_at == NOW + dt.timedelta(hours=1)
    _refused(engine, f"Bearer {plaintext}", NOW + dt.timedelta(hours=1))
    assert authenticate(engine, f"Bearer {plaintext}", NOW).token_id == info.id  # a request made before


def test_an_expired_token_is_refused_at_its_expiry(engine):
    p = people(engine)
    expiry = NOW + dt.timedelta(days=30)
    plaintext, _ = token(engine, p.granite_user.id, expires_at=expiry)
    assert authenticate(engine, f"Bearer {plaintext}", expiry - dt.timedelta(seconds=1))
    _refused(engine, f"Bearer {plaintext}", expiry)
    with pytest.raises(UserError, match="expires_at") as refused:
        token(engine, p.granite_user.id, expires_at=NOW)
    assert refused.value.field == "expires_at"


def test_a_disabled_users_token_is_refused_and_no_token_is_issued_to_it(engine):
    p = people(engine)
    plaintext, _ = token(engine, p.granite_user.id)
    disabled = disable_user(engine, p.granite_user.id, by=None, now=NOW)
    assert disabled.disabled
    _refused(engine, f"Bearer {plaintext}")
    with pytest.raises(UserError, match="disabled"):
        token(engine, p.granite_user.id)


def test_scopes_narrow_what_the_token_may_do(engine):
    p = people(engine)
    plaintext, info = token(engine, p.granite_admin.id, scopes=frozenset({"orders.read", "tickets.read"}))
    assert info.scopes == {"orders.read", "tickets.read"}
    actor = authenticate(engine, f"Bearer {plaintext}", NOW)
    assert actor.may("orders.read") and actor.may("tickets.read")
    assert not actor.may("orders.submit") and not actor.may("users.manage")  # the role has them, the token not


def test_scopes_beyond_the_role_or_unknown_are_refused(engine):
    p = people(engine)
    with pytest.raises(UserError, match=r"role clec_user has no permission orders\.work") as beyond:
        token(engine, p.granite_user.id, scopes=frozenset({"orders.read", "orders.work"}))
    with pytest.raises(UserError, match=r"no permission orders\.delete") as unknown:
        token(engine, p.granite_user.id, scopes=frozenset({"orders.delete"}))
    with pytest.raises(UserError, match="at least one permission"):
        token(engine, p.granite_user.id, scopes=frozenset())
    assert beyond.value.field == unknown.value.field == "scopes"
    with pytest.raises(UserError, match=r"has no permission orders\.read"):
        token(engine, p.retail_sales.id, scopes=frozenset({"orders.read"}))  # IV.8.5


def test_a_scoped_token_cannot_issue_a_broader_one(engine):
    p = people(engine)
    plaintext, _ = token(engine, p.granite_admin.id, scopes=frozenset({"orders.read", "users.manage"}))
    narrow = authenticate(engine, f"Bearer {plaintext}", NOW)
    issue_token(engine, p.granite_admin.id, "ok", frozenset({"orders.read"}), None, NOW, by=narrow)
    for scopes in (None, frozenset({"orders.submit"})):
        with pytest.raises(UserError, match="broader") as refused:
            issue_token(engine, p.granite_admin.id, "wider", scopes, None, NOW, by=narrow)
        assert refused.value.code == "forbidden"


def test_a_clec_admin_manages_its_own_organisations_tokens_and_no_one_elses(engine):
    p = people(engine)
    granite_admin = authenticate(engine, f"Bearer {token(engine, p.granite_admin.id)[0]}", NOW)
    acme_admin = authenticate(engine, f"Bearer {token(engine, p.acme_admin.id)[0]}", NOW)
    clerk = authenticate(engine, f"Bearer {token(engine, p.granite_user.id)[0]}", NOW)
    _, clerks = issue_token(engine, p.granite_user.id, "clerk's", None, None, NOW, by=granite_admin)
    with pytest.raises(UserError) as hidden:
        revoke_token(engine, clerks.id, acme_admin, now=NOW)
    assert hidden.value.code == "not_found"
    with pytest.raises(UserError) as other_org:
        issue_token(engine, p.granite_user.id, "x", None, None, NOW, by=acme_admin)
    assert other_org.value.code == "not_found"
    with pytest.raises(UserError) as colleague:
        issue_token(engine, p.granite_admin.id, "x", None, None, NOW, by=clerk)
    assert colleague.value.code == "forbidden"
    assert revoke_token(engine, clerks.id, clerk, now=NOW).revoked_at == NOW  # its own
    entries = [(e.actor, e.action, e.subject) for e in audit_entries(engine)]
    assert ("admin@granite.example", "token.issued", clerks.id) in entries
    assert ("clerk@granite.example", "token.revoked", clerks.id) in entries


def test_the_last_use_is_written_at_most_once_a_minute(engine):
    p = people(engine)
    plaintext, _ = token(engine, p.granite_user.id)

    def last_used():
        (found,) = list_tokens(engine, p.granite_user.id)
        return found.last_used_at

    assert last_used() is None
    authenticate(engine, f"Bearer {plaintext}", NOW)
    assert last_used() == NOW
    authenticate(engine, f"Bearer {plaintext}", NOW + dt.timedelta(seconds=59))
    assert last_used() == NOW
    authenticate(engine, f"Bearer {plaintext}", NOW + dt.timedelta(seconds=60))
    assert last_used() == NOW + dt.timedelta(seconds=60)
