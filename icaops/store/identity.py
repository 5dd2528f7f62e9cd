"""Organisations, users, API tokens and rate windows (migration 0006): saved from and read back
as the records of icaops.identity. Passwords and token secrets arrive here already hashed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Connection, delete, insert, select, update

from ..identity import Organisation, OrgKind, Role, TokenInfo, User
from .models import ApiTokenRow, OrganisationAccountRow, OrganisationRow, RateWindowRow, UserRow
from .sql import upsert_adding

__all__ = [
    "StoredToken",
    "accounts_of",
    "add_accounts",
    "count_request",
    "insert_organisation",
    "insert_token",
    "insert_user",
    "load_organisation",
    "load_organisations",
    "load_token",
    "load_tokens",
    "load_user",
    "load_users",
    "org_ids_of_kind",
    "owners_of",
    "password_hash_of",
    "revoke_token_row",
    "set_password_hash",
    "set_user_disabled",
    "touch_token",
    "user_by_email",
]


@dataclass(frozen=True, slots=True)
class StoredToken:
    """A token as authentication needs it: the token, the sha256 of its secret, and its user."""

    token: TokenInfo
    secret_hash: str
    user: User
    org_kind: OrgKind
    accounts: frozenset[str] = frozenset()  # the billing accounts of the user's organisation


def insert_organisation(
    conn: Connection, org_id: str, kind: OrgKind, name: str, ocn: str | None, ccna: str | None, at: dt.datetime
) -> None:
    """Add an organisation (IntegrityError if the id is taken)."""
    conn.execute(
        insert(OrganisationRow),
        {"id": org_id, "kind": kind, "name": name, "ocn": ocn, "ccna": ccna, "created_at": at},
    )


def add_accounts(conn: Connection, org_id: str, accounts: Iterable[str]) -> None:
    """Give billing accounts to a CLEC organisation (IntegrityError if one already belongs to an
    organisation, or the organisation is not a CLEC)."""
    rows = [{"account_id": a, "org_id": org_id, "org_kind": "clec"} for a in accounts]
    if rows:
        conn.execute(insert(OrganisationAccountRow), rows)


def accounts_of(conn: Connection, org_id: str) -> frozenset[str]:
    """The billing accounts of an organisation."""
    query = select(OrganisationAccountRow.account_id).where(OrganisationAccountRow.org_id == org_id)
    return frozenset(conn.execute(query).scalars())


def owners_of(conn: Connection, accounts: Iterable[str]) -> dict[str, str]:
    """account -> the organisation owning it, for those of `accounts` that have one."""
    query = select(OrganisationAccountRow.account_id, OrganisationAccountRow.org_id).where(
        OrganisationAccountRow.account_id.in_(list(accounts))
    )
    return {row.account_id: row.org_id for row in conn.execute(query)}


def org_ids_of_kind(conn: Connection, kind: str) -> tuple[str, ...]:
    """The ids of the organisations of a kind (ilec, clec, auditor), in order."""
    query = select(OrganisationRow.id).where(OrganisationRow.kind == kind).order_by(OrganisationRow.id)
    return tuple(conn.execute(query).scalars())


def load_organisation(conn: Connection, org_id: str) -> Organisation | None:
    """The organisation with its accounts, or None."""
    row = conn.execute(select(OrganisationRow).where(OrganisationRow.id == org_id)).first()
    if row is None:
        return None
    return Organisation(row.id, cast(OrgKind, row.kind), row.name, row.ocn, row.ccna, accounts_of(conn, org_id))


def load_organisations(conn: Connection) -> tuple[Organisation, ...]:
    """Every organisation with its accounts, by id."""
    owned: dict[str, set[str]] = {}
    for org_id, account in conn.execute(select(OrganisationAccountRow.org_id, OrganisationAccountRow.account_id)):
        owned.setdefault(org_id, set()).add(account)
    rows = conn.execute(select(OrganisationRow).order_by(OrganisationRow.id))
    return tuple(
        Organisation(r.id, cast(OrgKind, r.kind), r.name, r.ocn, r.ccna, frozenset(owned.get(r.id, ()))) for r in rows
    )


def _user(row) -> User:
    return User(row.id, row.org_id, row.email, row.name, cast(Role, row.role), row.disabled_at is not None)


def insert_user(
    conn: Connection,
    user_id: str,
    org_id: str,
    org_kind: OrgKind,
    email: str,
    name: str,
    role: Role,
    password_hash: str,
    at: dt.datetime,
) -> None:
    """Add a user (IntegrityError if the e-mail is taken or the role does not fit the kind)."""
    conn.execute(
        insert(UserRow),
        {
            "id": user_id,
            "org_id": org_id,
            "org_kind": org_kind,
            "email": email,
            "name": name,
            "role": role,
            "password_hash": password_hash,
            "created_at": at,
        },
    )


def load_user(conn: Connection, user_id: str) -> User | None:
    """The user, or None."""
    row = conn.execute(select(UserRow).where(UserRow.id == user_id)).first()
    return None if row is None else _user(row)


def user_by_email(conn: Connection, email: str) -> User | None:
    """The user with this (lower-cased) e-mail, or None."""
    row = conn.execute(select(UserRow).where(UserRow.email == email)).first()
    return None if row is None else _user(row)


def password_hash_of(conn: Connection, user_id: str) -> str | None:
    """The stored password hash of a user."""
    return conn.execute(select(UserRow.password_hash).where(UserRow.id == user_id)).scalar_one_or_none()


def set_password_hash(conn: Connection, user_id: str, password_hash: str) -> None:
    """Replace a user's password hash (a rehash under new parameters)."""
    conn.execute(update(UserRow).where(UserRow.id == user_id).values(password_hash=password_hash))


def set_user_disabled(conn: Connection, user_id: str, at: dt.datetime) -> None:
    """Disable a user from `at` (a user already disabled keeps its first time)."""
    conn.execute(update(UserRow).where(UserRow.id == user_id, UserRow.disabled_at.is_(None)).values(disabled_at=at))


def load_users(conn: Connection, org_id: str | None = None) -> tuple[User, ...]:
    """The users (of one organisation), by e-mail."""
    query = select(UserRow).order_by(UserRow.email)
    if org_id is not None:
        query = query.where(UserRow.org_id == org_id)
    return tuple(_user(r) for r in conn.execute(query))


def _token(row) -> TokenInfo:
    scopes = None if row.scopes is None else frozenset(row.scopes)
    return TokenInfo(
        row.id, row.user_id, row.name, scopes, row.created_at, row.expires_at, row.revoked_at, row.last_used_at
    )


def insert_token(conn: Connection, token: TokenInfo, secret_hash: str) -> None:
    """Add a token with the sha256 of its secret."""
    conn.execute(
        insert(ApiTokenRow),
        {
            "id": token.id,
            "user_id": token.user_id,
            "name": token.name,
            "secret_hash": secret_hash,
            "scopes": None if token.scopes is None else sorted(token.scopes),
            "created_at": token.created_at,
            "expires_at": token.expires_at,
            "revoked_at": token.revoked_at,
            "last_used_at": token.last_used_at,
        },
    )


def load_token(conn: Connection, token_id: str) -> StoredToken | None:
    """The token, its secret's hash, its user, the user's organisation kind and its accounts, or
    None (one statement: a row per account of the organisation)."""
    users = UserRow.__table__.c
    query = (
        select(
            *ApiTokenRow.__table__.c,
            *(c.label(f"u_{c.name}") for c in users),
            OrganisationAccountRow.account_id.label("account_id"),
        )
        .join(UserRow, users.id == ApiTokenRow.user_id)
        .outerjoin(OrganisationAccountRow, OrganisationAccountRow.org_id == users.org_id)
        .where(ApiTokenRow.id == token_id)
    )
    rows = conn.execute(query).all()
    if not rows:
        return None
    row = rows[0]
    user = User(
        row.u_id,
        row.u_org_id,
        row.u_email,
        row.u_name,
        cast(Role, row.u_role),
        row.u_disabled_at is not None,
    )
    accounts = frozenset(r.account_id for r in rows if r.account_id is not None)
    return StoredToken(_token(row), row.secret_hash, user, cast(OrgKind, row.u_org_kind), accounts)


def load_tokens(conn: Connection, user_id: str) -> tuple[TokenInfo, ...]:
    """A user's tokens, oldest first."""
    query = select(ApiTokenRow).where(ApiTokenRow.user_id == user_id).order_by(ApiTokenRow.created_at, ApiTokenRow.id)
    return tuple(_token(r) for r in conn.execute(query))


def revoke_token_row(conn: Connection, token_id: str, at: dt.datetime) -> None:
    """Revoke a token from `at` (a token already revoked keeps its first time)."""
    conn.execute(
        update(ApiTokenRow).where(ApiTokenRow.id == token_id, ApiTokenRow.revoked_at.is_(None)).values(revoked_at=at)
    )


def touch_token(conn: Connection, token_id: str, at: dt.datetime, not_since: dt.datetime) -> None:
    """Set a token's last use to `at` unless it was already set after `not_since`."""
    conn.execute(
        update(ApiTokenRow)
        .where(
            ApiTokenRow.id == token_id,
            (ApiTokenRow.last_used_at.is_(None)) | (ApiTokenRow.last_used_at <= not_since),
        )
        .values(last_used_at=at)
    )


def count_request(conn: Connection, token_id: str, window_start: dt.datetime) -> int:
    """Count one request of a token in the window starting at `window_start` and return the
    window's count, in one statement (INSERT ... ON CONFLICT DO UPDATE), so that concurrent
    workers add up; the token's earlier windows are deleted when a window opens."""
    table = RateWindowRow.__table__
    statement = upsert_adding(conn, table, ("token_id", "window_start"), ("count",)).returning(table.c["count"])
    count = int(conn.execute(statement, {"token_id": token_id, "window_start": window_start, "count": 1}).scalar_one())
    if count == 1:
        conn.execute(
            delete(RateWindowRow).where(RateWindowRow.token_id == token_id, RateWindowRow.window_start < window_start)
        )
    return count
