"""Fixtures for the webhook tests: the store's databases (SQLite and the throw-away PostgreSQL
cluster, tests/store/conftest.py) and a real HTTP receiver on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.store.conftest import (  # noqa: F401  (fixtures and the slow marker, shared with tests/store)
    db_url,
    engine,
    pg_cluster,
    pg_url,
    pytest_collection_modifyitems,
    sqlite_url,
)
from tests.webhooks.receiver import Receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """An HTTP server on 127.0.0.1 that records every request and answers the statuses it is told."""
    with Receiver() as running:
        yield running
