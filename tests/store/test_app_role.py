"""The application's PostgreSQL role (docs/store.md): it owns nothing, runs every operation
(load events, close a cycle, post the ledger, verify), and cannot UPDATE, DELETE, TRUNCATE or
DROP what it appended, nor switch a guard off. Migrations run as the owner."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from icaops.app.agreements import DEFAULT_AGREEMENT, open_agreement
from icaops.app.billing import close_cycle, load_event_files, read_event_files
from icaops.app.verify import verify_store
from icaops.app.workspace import open_workspace
from icaops.store import make_engine
from icaops.store.db import writing
from icaops.store.guards import grant_app_role

ROLE = "icaops_app"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "granite-2012-09.yaml"
pytestmark = pytest.mark.slow


@pytest.fixture
def app_url(pg_url: str) -> str:
    """The session database's URL for the application role, granted by the owner."""
    owner = make_engine(pg_url)
    try:
        with writing(owner) as conn:
            conn.execute(
                text(
                    f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{ROLE}') "
                    f"THEN CREATE ROLE {ROLE} LOGIN; END IF; END $$"
                )
            )
            grant_app_role(conn, ROLE)
    finally:
        owner.dispose()
    return make_url(pg_url).set(username=ROLE).render_as_string(hide_password=False)


def test_the_app_role_runs_the_operations_and_cannot_rewrite_them(app_url):
    ws = open_workspace(app_url, open_agreement(DEFAULT_AGREEMENT))  # at head: migrate only reads
    try:
        [loaded] = load_event_files(ws, read_event_files([EXAMPLE]))
        assert loaded.added == 7 and not loaded.rejected
        [bill] = close_cycle(ws, "2012-09")
        assert bill.id == "GRANITE:2012-09"
        assert verify_store(ws.engine).intact
        for statement in (
            "UPDATE events SET payload = '{}'",
            "DELETE FROM events",
            "TRUNCATE events, ledger_transfers, audit_log, bills CASCADE",
            "TRUNCATE ledger_entries",
            "UPDATE ledger_transfers SET memo = 'x'",
            "DELETE FROM ledger_legs",
            "DROP TABLE events CASCADE",
            "DROP TRIGGER events_append_only ON events",
            "ALTER TABLE events DISABLE TRIGGER events_append_only",
            "SET session_replication_role = replica",
            "CREATE TABLE forged (x int)",
            "UPDATE bills SET total = 0",  # a closed bill: its trigger refuses it
            "DELETE FROM alembic_version",
        ):
            with pytest.raises(DBAPIError, match=r"permission denied|must be owner|closed"), ws.engine.begin() as conn:
                conn.exec_driver_sql(statement)
        assert verify_store(ws.engine).intact
    finally:
        ws.engine.dispose()


def test_a_superuser_is_not_an_application_role(pg_url):
    owner = make_engine(pg_url)
    try:
        with pytest.raises(ValueError, match="superuser"), writing(owner) as conn:
            grant_app_role(conn, make_url(pg_url).username or "")
        with pytest.raises(ValueError, match="no such role"), writing(owner) as conn:
            grant_app_role(conn, "nobody_here")
        with pytest.raises(ValueError, match="lower-case SQL name"), writing(owner) as conn:
            grant_app_role(conn, "x; DROP TABLE events")
    finally:
        owner.dispose()
