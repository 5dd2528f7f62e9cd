"""Options shared by several commands, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from ..app.agreements import DEFAULT_AGREEMENT
from .output import warn

if TYPE_CHECKING:  # the store (SQLAlchemy, Alembic) loads only when a command needs it
    from sqlalchemy import Engine

__all__ = ["AgreementOpt", "DbOpt", "DbPasswordFileOpt", "OverrideOpt", "open_db"]

AgreementOpt = typer.Option(
    DEFAULT_AGREEMENT, "--agreement", "-a", help="Agreement id (folder under agreements/) or path."
)
OverrideOpt = typer.Option(None, "--set", help="Override a term: KEY=VALUE (repeatable).")
DbOpt = typer.Option(
    None,
    "--db",
    help="Database URL without a password (default: $ICAOPS_DATABASE_URL, else ./.icaops/icaops.sqlite).",
)
DbPasswordFileOpt = typer.Option(
    None,
    "--db-password-file",
    help="File holding the PostgreSQL password (default: $ICAOPS_DATABASE_PASSWORD_FILE, else PGPASSWORD or ~/.pgpass).",
)


def open_db(db: str | None, password_file: Path | None) -> Engine:
    """The database of `--db` (migrated), warning on stderr when the URL given on the command
    line carries a password: every user of the machine can read it with `ps`."""
    from ..app.workspace import open_store, url_has_password

    if url_has_password(db):
        warn(
            "--db carries a password, which other users can see with `ps`; give the URL without it and "
            "the password in a file (--db-password-file, $ICAOPS_DATABASE_PASSWORD_FILE) or in $PGPASSWORD"
        )
    return open_store(db, password_file)
