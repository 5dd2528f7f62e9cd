"""What stops a writer from rewriting the record: the triggers the migrations create, and the
privileges of the application's database role (PostgreSQL).

The triggers refuse UPDATE and DELETE on the append-only tables and on closed bills, and
(PostgreSQL) TRUNCATE; `missing_triggers` names any that was dropped or disabled. The
application role (`grant_app_role`) owns nothing: it may read, and append to the append-only
tables, and update only the tables that are kept up to date (bills not yet closed, balances,
counters); migrations run as the owner. SQLite cannot stop the owner of its file: there, the
hash chains and `icaops verify` detect what was changed.
"""

from __future__ import annotations

import re

from sqlalchemy import Connection, text

__all__ = [
    "APPEND_ONLY",
    "EXPIRING",
    "NO_TRUNCATE",
    "app_role_grants",
    "expected_triggers",
    "grant_app_role",
    "missing_triggers",
]

APPEND_ONLY = (
    "events",
    "audit_log",
    "ledger_transfers",
    "ledger_legs",
    "ledger_refs",
    "ledger_entries",
    "ledger_periods",
    "webhook_attempts",
)
NO_TRUNCATE = (*APPEND_ONLY, "bills", "bill_lines", "bill_price_groups")
# A bill not yet closed is replaced (deleted and written again); the closed-bill triggers guard the rest.
REPLACED = ("bills", "bill_lines", "bill_price_groups", "billing_rejections")
# Master data, running totals and counters: inserted, then updated.
KEPT_UP_TO_DATE = (
    "agreements",
    "accounts",
    "ledger_balances",
    "ledger_books",
    "ledger_sequences",
    "x12_control_numbers",
    "chain_heads",
    "organisations",
    "organisation_accounts",
    "users",
    "api_tokens",
    "webhook_subscriptions",
    "webhook_deliveries",
    "reference_files",
)
# Counters that expire: a token's request windows, deleted once past (VI.13.2); derived rows the
# gateway rewrites or rebuilds from the log (projections), and the responses kept under Idempotency-Keys.
EXPIRING = ("rate_windows", "projections", "projection_heads", "idempotency_keys")
ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def expected_triggers(dialect: str) -> tuple[tuple[str, str], ...]:
    """(table, trigger) for every guard the migrations create on this database."""
    if dialect == "postgresql":
        return (
            *((t, f"{t}_append_only") for t in APPEND_ONLY),
            ("bills", "bills_closed"),
            ("bill_lines", "bill_lines_closed"),
            *((t, f"{t}_no_truncate") for t in NO_TRUNCATE),
        )
    return tuple(
        (table, f"{table}_{rule}_{verb}")
        for table, rule in (*((t, "no") for t in APPEND_ONLY), ("bills", "closed_no"), ("bill_lines", "closed_no"))
        for verb in ("update", "delete")
    )


def missing_triggers(conn: Connection) -> list[tuple[str, str, str]]:
    """(table, trigger, "missing" or "disabled") for each guard that no longer holds."""
    dialect = conn.dialect.name
    if dialect == "postgresql":
        rows = conn.execute(
            text(
                "SELECT c.relname, t.tgname, t.tgenabled FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE NOT t.tgisinternal AND c.relnamespace = to_regnamespace(current_schema())"
            )
        )
        found = {(r[0], r[1]): r[2] != "D" for r in rows}
    else:
        rows = conn.execute(text("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'"))
        found = {(r[0], r[1]): True for r in rows}
    out = []
    for table, trigger in expected_triggers(dialect):
        state = found.get((table, trigger))
        if state is None:
            out.append((table, trigger, "missing"))
        elif not state:
            out.append((table, trigger, "disabled"))
    return out


def app_role_grants(role: str) -> list[str]:
    """The SQL giving `role` what the application needs and nothing more (PostgreSQL)."""
    if not ROLE_NAME.fullmatch(role):
        raise ValueError(f"role {role!r}: expected a lower-case SQL name (letters, digits, _)")
    return [
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {role}",
        f"REVOKE CREATE ON SCHEMA public FROM {role}",
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT ON alembic_version TO {role}",
        f"GRANT SELECT, INSERT ON {', '.join(APPEND_ONLY)} TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON {', '.join(REPLACED)} TO {role}",
        f"GRANT SELECT, INSERT, UPDATE ON {', '.join(KEPT_UP_TO_DATE)} TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON {', '.join(EXPIRING)} TO {role}",
        f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role}",
    ]


def grant_app_role(conn: Connection, role: str) -> list[str]:
    """Give the application's role its privileges (run as the tables' owner, after `migrate`).

    The role must exist, log in, and be neither a superuser nor the owner of anything here:
    those could drop the guards. Returns the statements run."""
    if conn.dialect.name != "postgresql":
        raise ValueError("an application role is a PostgreSQL setting; SQLite has no roles")
    statements = app_role_grants(role)
    found = conn.execute(
        text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = :role"), {"role": role}
    ).first()
    if found is None:
        raise ValueError(f"role {role}: no such role; create it first: CREATE ROLE {role} LOGIN PASSWORD '...'")
    if found.rolsuper or found.rolbypassrls:
        raise ValueError(f"role {role}: a superuser (or BYPASSRLS) role can drop the guards; use a plain role")
    owned = conn.execute(
        text("SELECT relname FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = :role)"),
        {"role": role},
    ).scalars()
    if names := sorted(owned):
        raise ValueError(f"role {role} owns {', '.join(names[:5])}: the application's role must own nothing")
    for statement in statements:
        conn.execute(text(statement))
    return statements
