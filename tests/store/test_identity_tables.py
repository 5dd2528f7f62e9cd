"""The identity tables hold their rules themselves (migration 0006; issue 12 §3): a user's role
fits its organisation's kind, a billing account belongs to one CLEC organisation, e-mails are
unique and lower-cased, and the rate-window counter adds up in one statement. On SQLite and
PostgreSQL, whoever writes the rows."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from icaops.identity import ROLE_ORG_KIND, ROLES
from icaops.store.identity import add_accounts, count_request, insert_organisation, insert_user, load_organisation
from icaops.store.models import ROLE_FITS_KIND, ApiTokenRow, RateWindowRow, UserRow

AT = dt.datetime(2026, 12, 7, 15, 0, tzinfo=dt.UTC)


def _organisations(conn) -> None:
    insert_organisation(conn, "granite", "clec", "Granite", "1234", "GTL", AT)
    insert_organisation(conn, "centurylink", "ilec", "CenturyLink", None, None, AT)
    insert_organisation(conn, "audit-firm", "auditor", "Audit Firm", None, None, AT)


def _user(conn, org: str, kind: str, role: str, email: str = "x@example.com") -> None:
    conn.execute(
        insert(UserRow),
        {
            "id": email[:32],
            "org_id": org,
            "org_kind": kind,
            "email": email,
            "name": "X",
            "role": role,
            "password_hash": "$argon2id$...",
            "created_at": AT,
        },
    )


def test_the_check_is_the_domains_table_of_role_kinds():
    for role in ROLES:
        assert f"'{role}'" in ROLE_FITS_KIND
    assert all(f"org_kind = '{kind}'" in ROLE_FITS_KIND for kind in set(ROLE_ORG_KIND.values()))


@pytest.mark.parametrize("role", ROLES)
def test_the_database_refuses_a_role_of_another_kind_of_organisation(engine, role):
    with engine.begin() as conn:
        _organisations(conn)
    fits = ROLE_ORG_KIND[role]
    org = {"clec": "granite", "ilec": "centurylink", "auditor": "audit-firm"}
    for kind, org_id in org.items():
        if kind == fits:
            continue
        with pytest.raises(IntegrityError), engine.begin() as conn:
            _user(conn, org_id, kind, role)  # the organisation's true kind: the role check refuses
        with pytest.raises(IntegrityError), engine.begin() as conn:
            _user(conn, org_id, fits, role)  # a kind the organisation does not have: the key refuses
    with engine.begin() as conn:
        insert_user(conn, "u1", org[fits], fits, "ok@example.com", "Ok", role, "$argon2id$...", AT)
    with engine.connect() as conn:
        assert conn.execute(select(UserRow.role)).scalars().all() == [role]


def test_an_email_is_unique_and_stored_lower_cased(engine):
    with engine.begin() as conn:
        _organisations(conn)
        _user(conn, "granite", "clec", "clec_user", "a@granite.example")
    with pytest.raises(IntegrityError), engine.begin() as conn:
        _user(conn, "granite", "clec", "clec_admin", "a@granite.example")
    with pytest.raises(IntegrityError), engine.begin() as conn:
        _user(conn, "granite", "clec", "clec_admin", "B@granite.example")


def test_an_account_belongs_to_one_clec_organisation(engine):
    with engine.begin() as conn:
        _organisations(conn)
        insert_organisation(conn, "acme", "clec", "Acme", None, None, AT)
        add_accounts(conn, "granite", ["CLEC001"])
    with pytest.raises(IntegrityError), engine.begin() as conn:
        add_accounts(conn, "acme", ["CLEC001"])
    for not_a_clec in ("centurylink", "audit-firm"):
        with pytest.raises(IntegrityError), engine.begin() as conn:
            add_accounts(conn, not_a_clec, ["X1"])
    with engine.connect() as conn:
        granite = load_organisation(conn, "granite")
    assert granite is not None and granite.accounts == {"CLEC001"}


def test_the_window_counter_adds_in_one_statement_and_drops_past_windows(engine):
    with engine.begin() as conn:
        _organisations(conn)
        insert_user(conn, "u1", "granite", "clec", "a@granite.example", "A", "clec_user", "$argon2id$...", AT)
        conn.execute(
            insert(ApiTokenRow),
            {"id": "t1", "user_id": "u1", "name": "t", "secret_hash": "0" * 64, "scopes": None, "created_at": AT},
        )
    with engine.begin() as conn:
        assert [count_request(conn, "t1", AT) for _ in range(3)] == [1, 2, 3]
        assert count_request(conn, "t1", AT + dt.timedelta(minutes=1)) == 1
        windows = conn.execute(select(RateWindowRow.window_start, RateWindowRow.count)).all()
        assert windows == [(AT + dt.timedelta(minutes=1), 1)]
        unscoped = select(func.count()).select_from(ApiTokenRow).where(ApiTokenRow.scopes.is_(None))
        assert conn.execute(unscoped).scalar_one() == 1  # SQL NULL (all of the role), not JSON 'null'
