"""Persistence: SQLAlchemy 2 models, Alembic migrations, SQLite by default, PostgreSQL for real.

The store is thin and sits at the edge: domain code (icaops.billing, icaops.relationship...)
never imports it; it imports the domain and keeps what the domain computes. See docs/store.md.
"""

from .db import URL_VARIABLE, database_url, make_engine, make_sessionmaker, writing
from .migrate import migrate

__all__ = ["URL_VARIABLE", "database_url", "make_engine", "make_sessionmaker", "migrate", "writing"]
