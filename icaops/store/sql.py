"""Statements both databases understand, spelled with each dialect's construct."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert

__all__ = ["insert_or_ignore", "upsert_adding", "upsert_replacing"]


def _insert(dialect: str, table: Table):
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


# Each statement is built once per dialect, table and columns (they are immutable: a caller's
# `.returning(...)` makes a new one), not on every write of the gateway's hot path.


def insert_or_ignore(conn: Connection, table: Table, keys: Sequence[str]) -> Insert:
    """INSERT ... ON CONFLICT (keys) DO NOTHING."""
    return _ignoring(conn.dialect.name, table, tuple(keys))


def upsert_adding(conn: Connection, table: Table, keys: Sequence[str], columns: Sequence[str]) -> Insert:
    """INSERT ... ON CONFLICT (keys) DO UPDATE SET c = c + excluded.c for each of `columns`:
    one statement, so concurrent writers add rather than overwrite."""
    return _upsert(conn.dialect.name, table, tuple(keys), tuple(columns), adding=True)


def upsert_replacing(conn: Connection, table: Table, keys: Sequence[str], columns: Sequence[str]) -> Insert:
    """INSERT ... ON CONFLICT (keys) DO UPDATE SET c = excluded.c for each of `columns`."""
    return _upsert(conn.dialect.name, table, tuple(keys), tuple(columns), adding=False)


@cache
def _ignoring(dialect: str, table: Table, keys: tuple[str, ...]) -> Insert:
    return _insert(dialect, table).on_conflict_do_nothing(index_elements=list(keys))


@cache
def _upsert(dialect: str, table: Table, keys: tuple[str, ...], columns: tuple[str, ...], adding: bool) -> Insert:
    statement = _insert(dialect, table)
    new = {c: (table.c[c] + statement.excluded[c]) if adding else statement.excluded[c] for c in columns}
    return statement.on_conflict_do_update(index_elements=list(keys), set_=new)
