"""Statements both databases understand, spelled with each dialect's construct."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert

__all__ = ["insert_or_ignore", "upsert_adding", "upsert_replacing"]


def _insert(conn: Connection, table: Table):
    return (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(table)


def insert_or_ignore(conn: Connection, table: Table, keys: Sequence[str]) -> Insert:
    """INSERT ... ON CONFLICT (keys) DO NOTHING."""
    return _insert(conn, table).on_conflict_do_nothing(index_elements=list(keys))


def upsert_adding(conn: Connection, table: Table, keys: Sequence[str], columns: Sequence[str]) -> Insert:
    """INSERT ... ON CONFLICT (keys) DO UPDATE SET c = c + excluded.c for each of `columns`:
    one statement, so concurrent writers add rather than overwrite."""
    statement = _insert(conn, table)
    return statement.on_conflict_do_update(
        index_elements=list(keys), set_={c: table.c[c] + statement.excluded[c] for c in columns}
    )


def upsert_replacing(conn: Connection, table: Table, keys: Sequence[str], columns: Sequence[str]) -> Insert:
    """INSERT ... ON CONFLICT (keys) DO UPDATE SET c = excluded.c for each of `columns`."""
    statement = _insert(conn, table)
    return statement.on_conflict_do_update(index_elements=list(keys), set_={c: statement.excluded[c] for c in columns})
