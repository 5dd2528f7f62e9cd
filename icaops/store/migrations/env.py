"""Alembic environment: runs on the connection `icaops.store.migrate` hands in, or on
an engine built from the configured URL (`sqlalchemy.url`, else $ICAOPS_DATABASE_URL)."""

from __future__ import annotations

from alembic import context

from icaops.store.db import make_engine
from icaops.store.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or None)
    try:
        with engine.connect() as connection:
            _run(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("icaops migrations run online only: give a database URL")
run_migrations_online()
