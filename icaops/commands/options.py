"""Options shared by several commands, declared once."""

from __future__ import annotations

import typer

from ..app.agreements import DEFAULT_AGREEMENT

__all__ = ["AgreementOpt", "DbOpt", "OverrideOpt"]

AgreementOpt = typer.Option(
    DEFAULT_AGREEMENT, "--agreement", "-a", help="Agreement id (folder under agreements/) or path."
)
OverrideOpt = typer.Option(None, "--set", help="Override a term: KEY=VALUE (repeatable).")
DbOpt = typer.Option(None, "--db", help="Database URL (default: $ICAOPS_DATABASE_URL, else ./.icaops/icaops.sqlite).")
