"""`icaops projections rebuild`: recompute the gateway's projections from the event log."""

from __future__ import annotations

from pathlib import Path

import typer

from .options import AgreementOpt, DbOpt, DbPasswordFileOpt, open_db
from .output import console

__all__ = ["projections_app"]

projections_app = typer.Typer(help="The gateway's projections (derived from the event log).", no_args_is_help=True)


@projections_app.command("rebuild")
def rebuild_command(
    agreement: str = AgreementOpt,
    db: str | None = DbOpt,
    db_password_file: Path | None = DbPasswordFileOpt,
) -> None:
    """Rebuild every projection of every account from the event log (writers wait meanwhile)."""
    from ..app.agreements import open_agreement
    from ..app.clock import today
    from ..app.gateway.rebuild import rebuild_projections

    opened = open_agreement(agreement)
    engine = open_db(db, db_password_file)
    counts = rebuild_projections(engine, opened, today(opened))
    for domain, tenants in counts.items():
        console.print(f"{domain}: {tenants} account{'s' if tenants != 1 else ''} rebuilt")
