"""The store tests' databases for the identity tests: a fresh migrated SQLite file, and the
session's PostgreSQL cluster emptied per test (`db_url`, `engine`; PostgreSQL cases are slow)."""

import pytest
from argon2 import PasswordHasher

from icaops.app import identity
from tests.store.conftest import db_url, engine, pg_cluster, pg_url, pytest_collection_modifyitems, sqlite_url

__all__ = [
    "db_url",
    "engine",
    "pg_cluster",
    "pg_url",
    "pytest_collection_modifyitems",
    "quick_password_hashes",
    "real_hasher",
    "sqlite_url",
]


PRODUCTION_HASHER = identity._HASHER


@pytest.fixture(autouse=True)
def quick_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at its lowest cost, so that tests adding users run in milliseconds (the
    `real_hasher` fixture puts the production parameters back)."""
    monkeypatch.setattr(identity, "_HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture
def real_hasher(quick_password_hashes: None, monkeypatch: pytest.MonkeyPatch) -> PasswordHasher:
    """The production hasher (argon2id, RFC 9106 low-memory profile)."""
    monkeypatch.setattr(identity, "_HASHER", PRODUCTION_HASHER)
    return PRODUCTION_HASHER
