"""Alembic, driven from Python: `migrate(url)` brings a database to the newest schema.

The Alembic scripts live in icaops/store/migrations; no alembic.ini is needed. From a
shell: `python -m icaops.store [URL]` (URL defaults as in `database_url`).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from .db import database_url, make_engine

__all__ = ["MIGRATIONS", "alembic_config", "migrate"]

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    """An Alembic configuration for this project's migrations, on `database_url(url)`."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", database_url(url).replace("%", "%%"))
    return config


def migrate(target: str | Engine | None = None, revision: str = "head") -> None:
    """Upgrade the database at `target` (a URL or an engine) to `revision` (the newest)."""
    engine = target if isinstance(target, Engine) else make_engine(target)
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    try:
        with engine.connect() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            connection.commit()
    finally:
        if engine is not target:
            engine.dispose()
