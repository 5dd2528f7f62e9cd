"""Organisations and users (issue 12 §3): passwords kept as argon2 hashes and nowhere in
plaintext, a role fitting its organisation's kind, one owner per billing account, logins that
do not tell an unknown e-mail from a wrong password, and every change audited with its actor.
On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from icaops.app import identity
from icaops.app.audit import audit_entries
from icaops.app.errors import UserError
from icaops.app.identity import (
    assign_account,
    authenticate,
    create_organisation,
    create_user,
    disable_user,
    find_user,
    list_organisations,
    list_users,
    login,
)
from icaops.store.models import UserRow

from .helpers import NOW, PASSWORD, database_text, organisations, people, token, user


def _hash_of(engine, user_id: str) -> str:
    with engine.connect() as conn:
        return conn.execute(select(UserRow.password_hash).where(UserRow.id == user_id)).scalar_one()


def test_a_password_is_stored_as_an_argon2id_hash_and_nowhere_in_plaintext(engine, real_hasher):
    organisations(engine)
    created = user(engine, "granite", "Admin@Granite.example", "clec_admin")
    stored = _hash_of(engine, created.id)
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert real_hasher.verify(stored, PASSWORD)
    assert PASSWORD not in database_text(engine)
    assert created.email == "admin@granite.example"  # kept lower-cased


def test_a_weak_password_is_refused(engine):
    organisations(engine)
    with pytest.raises(UserError, match="at least 12 characters") as weak:
        user(engine, "granite", "a@granite.example", "clec_user", password="elevenchars")
    assert weak.value.field == "password"
    assert list_users(engine) == ()


@pytest.mark.parametrize(
    ("org", "role"),
    [
        ("granite", "ilec_operations"),
        ("granite", "auditor"),
        ("centurylink", "clec_admin"),
        ("centurylink", "auditor"),
        ("audit-firm", "ilec_billing"),
        ("audit-firm", "clec_user"),
    ],
)
def test_a_role_is_refused_to_a_user_of_the_wrong_kind_of_organisation(engine, org, role):
    organisations(engine)
    with pytest.raises(UserError, match=f"role {role}") as refused:
        user(engine, org, "x@example.com", role)
    assert refused.value.field == "role"
    assert list_users(engine) == ()


def test_an_unknown_role_or_organisation_or_a_taken_email_is_refused(engine):
    organisations(engine)
    user(engine, "granite", "a@granite.example", "clec_user")
    with pytest.raises(UserError, match="role 'root'"):
        user(engine, "granite", "b@granite.example", "root")  # type: ignore[arg-type]
    with pytest.raises(UserError) as missing:
        user(engine, "nowhere", "b@granite.example", "clec_user")
    assert missing.value.code == "not_found"
    with pytest.raises(UserError) as taken:
        user(engine, "granite", "A@GRANITE.example", "clec_admin")
    assert taken.value.code == "conflict"
    with pytest.raises(UserError, match="e-mail"):
        user(engine, "granite", "not an address", "clec_user")


def test_a_billing_account_belongs_to_one_clec_organisation(engine):
    organisations(engine)
    with pytest.raises(UserError, match="CLEC001 belongs to organisation granite") as taken:
        assign_account(engine, "acme", "CLEC001", now=NOW)
    assert taken.value.code == "conflict"
    with pytest.raises(UserError, match="only a CLEC owns billing accounts"):
        assign_account(engine, "centurylink", "CLEC009", now=NOW)
    with pytest.raises(UserError, match="only a CLEC owns billing accounts"):
        create_organisation(engine, "audit2", "auditor", "Another", accounts=("X1",), now=NOW)
    assert assign_account(engine, "acme", "ACME02", now=NOW).accounts == {"ACME01", "ACME02"}
    with pytest.raises(UserError) as again:
        create_organisation(engine, "granite", "clec", "Granite again", now=NOW)
    assert again.value.code == "conflict"
    assert {o.id: o.accounts for o in list_organisations(engine)} == {
        "acme": {"ACME01", "ACME02"},
        "audit-firm": frozenset(),
        "centurylink": frozenset(),
        "granite": {"CLEC001", "CLEC002"},
    }


def test_login_gives_the_users_actor_without_a_token(engine):
    p = people(engine)
    actor = login(engine, " ADMIN@granite.example", PASSWORD, NOW)
    assert (actor.user_id, actor.role, actor.accounts, actor.token_id, actor.scopes) == (
        p.granite_admin.id,
        "clec_admin",
        {"CLEC001", "CLEC002"},
        None,
        None,
    )


def test_an_unknown_email_and_a_wrong_password_are_one_error_with_the_same_work(engine, monkeypatch):
    people(engine)
    verified: list[str] = []
    real_verify = identity._verify
    monkeypatch.setattr(identity, "_verify", lambda h, p: verified.append(h) or real_verify(h, p))
    errors = []
    for email, password in (("nobody@granite.example", PASSWORD), ("admin@granite.example", PASSWORD + "!")):
        with pytest.raises(UserError) as refused:
            login(engine, email, password, NOW)
        errors.append((refused.value.code, refused.value.message, refused.value.field))
    assert errors[0] == errors[1] == ("unauthorized", "e-mail or password not accepted", None)
    assert len(verified) == 2 and all(h.startswith("$argon2id$") for h in verified)
    assert verified[0] == identity._dummy_hash()
    refusals = [(e.actor, e.action, e.detail["email"]) for e in audit_entries(engine) if "login" in e.action]
    assert [(action, email) for _, action, email in refusals] == [
        ("user.login_refused", "nobody@granite.example"),
        ("user.login_refused", "admin@granite.example"),
    ]  # recorded alike: the same work whether the e-mail is known or not


def test_a_disabled_user_cannot_log_in(engine):
    p = people(engine)
    disable_user(engine, p.granite_user.id, now=NOW)
    with pytest.raises(UserError) as refused:
        login(engine, "clerk@granite.example", PASSWORD, NOW)
    assert refused.value.code == "unauthorized"
    assert [u.disabled for u in list_users(engine, "granite")] == [False, True]


def test_a_hash_made_under_older_parameters_is_replaced_at_login(engine, monkeypatch):
    organisations(engine)
    monkeypatch.setattr(identity, "_HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    created = user(engine, "granite", "a@granite.example", "clec_user")
    old = _hash_of(engine, created.id)
    monkeypatch.setattr(identity, "_HASHER", PasswordHasher(time_cost=2, memory_cost=16, parallelism=1))
    login(engine, "a@granite.example", PASSWORD, NOW)
    new = _hash_of(engine, created.id)
    assert old != new and "m=16,t=2,p=1" in new
    login(engine, "a@granite.example", PASSWORD, NOW)
    assert _hash_of(engine, created.id) == new  # current: kept


def test_every_change_is_audited_with_the_acting_user(engine):
    p = people(engine)
    admin = authenticate(engine, f"Bearer {token(engine, p.granite_admin.id)[0]}", NOW)
    clerk = create_user(engine, "granite", "new@granite.example", "New", "clec_user", PASSWORD, by=admin, now=NOW)
    disable_user(engine, clerk.id, by=admin, now=NOW + dt.timedelta(minutes=5))
    login(engine, "admin@granite.example", PASSWORD, NOW)
    mine = [e for e in audit_entries(engine) if e.actor == "admin@granite.example"]
    assert [(e.action, e.subject) for e in mine] == [
        ("user.created", clerk.id),
        ("user.disabled", clerk.id),
        ("user.login", p.granite_admin.id),
    ]
    assert mine[0].detail["org"] == "granite" and mine[0].detail["token"] == admin.token_id
    assert PASSWORD not in str([e.detail for e in audit_entries(engine)])


def test_a_clec_admin_adds_users_to_its_own_organisation_only(engine):
    p = people(engine)
    granite = authenticate(engine, f"Bearer {token(engine, p.granite_admin.id)[0]}", NOW)
    clerk = authenticate(engine, f"Bearer {token(engine, p.granite_user.id)[0]}", NOW)
    ops = authenticate(engine, f"Bearer {token(engine, p.operations.id)[0]}", NOW)
    with pytest.raises(UserError) as elsewhere:
        create_user(engine, "acme", "spy@acme.example", "Spy", "clec_admin", PASSWORD, by=granite)
    assert elsewhere.value.code == "not_found"
    with pytest.raises(UserError) as not_admin:
        create_user(engine, "granite", "b@granite.example", "B", "clec_admin", PASSWORD, by=clerk)
    assert not_admin.value.code == "forbidden" and "users.manage" in not_admin.value.message
    with pytest.raises(UserError) as not_ilec:
        create_organisation(engine, "rival", "clec", "Rival", by=granite)
    assert not_ilec.value.code == "forbidden"
    onboarded = create_user(engine, "acme", "second@acme.example", "Second", "clec_user", PASSWORD, by=ops)
    assert find_user(engine, "SECOND@acme.example") == onboarded
