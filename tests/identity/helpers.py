"""Organisations, users and tokens the identity tests start from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, text

from icaops.app.identity import create_organisation, create_user, issue_token
from icaops.identity import Role, TokenInfo, User
from icaops.store.models import Base

NOW = dt.datetime(2026, 12, 7, 15, 0, 20, tzinfo=dt.UTC)
PASSWORD = "tr0ub4dor-and-3-horses"


@dataclass(frozen=True)
class People:
    """Two CLECs (Granite owning CLEC001 and CLEC002, Acme owning ACME01), CenturyLink and an auditor."""

    granite_admin: User
    granite_user: User
    acme_admin: User
    operations: User
    retail_sales: User
    auditor: User


def organisations(engine: Engine) -> None:
    create_organisation(engine, "granite", "clec", "Granite", "1234", "GTL", ("CLEC001", "CLEC002"), now=NOW)
    create_organisation(engine, "acme", "clec", "Acme Telecom", "5678", "ACM", ("ACME01",), now=NOW)
    create_organisation(engine, "centurylink", "ilec", "CenturyLink", now=NOW)
    create_organisation(engine, "audit-firm", "auditor", "Audit Firm", now=NOW)


def user(engine: Engine, org: str, email: str, role: Role, password: str = PASSWORD) -> User:
    return create_user(engine, org, email, email.split("@")[0], role, password, now=NOW)


def people(engine: Engine) -> People:
    organisations(engine)
    return People(
        user(engine, "granite", "admin@granite.example", "clec_admin"),
        user(engine, "granite", "clerk@granite.example", "clec_user"),
        user(engine, "acme", "admin@acme.example", "clec_admin"),
        user(engine, "centurylink", "ops@centurylink.example", "ilec_operations"),
        user(engine, "centurylink", "sales@centurylink.example", "ilec_retail_sales"),
        user(engine, "audit-firm", "auditor@audit.example", "auditor"),
    )


def token(
    engine: Engine,
    user_id: str,
    scopes: frozenset[str] | None = None,
    expires_at: dt.datetime | None = None,
    now: dt.datetime = NOW,
) -> tuple[str, TokenInfo]:
    return issue_token(engine, user_id, "test", scopes, expires_at, now)


def database_text(engine: Engine) -> str:
    """Every value of every table, as one text: what someone reading the database would see."""
    parts = []
    with engine.connect() as conn:
        for table in Base.metadata.tables:
            for row in conn.execute(text(f"SELECT * FROM {table}")):
                parts.append(" ".join(str(v) for v in row))
    return "\n".join(parts)
