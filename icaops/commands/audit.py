"""`icaops audit list`: who loaded or read customer data, and what the store refused (docs/cpni.md)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import typer
from rich.table import Table

from ..app.errors import UserError
from .options import DbOpt, DbPasswordFileOpt, open_db
from .output import console

__all__ = ["audit_app"]

audit_app = typer.Typer(help="The audit log: loads, reads of customer data, refusals.", no_args_is_help=True)


@audit_app.command("list")
def audit_list(
    since: str | None = typer.Option(None, "--since", help="From this day on (YYYY-MM-DD, UTC)."),
    actor: str | None = typer.Option(None, "--actor", help="Only what this actor did."),
    db: str | None = DbOpt,
    db_password_file: Path | None = DbPasswordFileOpt,
) -> None:
    """The audit log in the order it was written: when, who, what, on what, and its details."""
    from ..app.audit import audit_entries

    try:
        start = dt.date.fromisoformat(since) if since else None
    except ValueError:
        raise UserError(f"--since {since!r}: expected a date YYYY-MM-DD", field="--since") from None
    entries = audit_entries(open_db(db, db_password_file), since=start, actor=actor)
    table = Table(title=f"audit log: {len(entries):,} entries")
    for col in ("at (UTC)", "actor", "action", "subject", "detail"):
        table.add_column(col, overflow="fold")
    for e in entries:
        detail = json.dumps(dict(e.detail), default=str, sort_keys=True)
        table.add_row(
            e.at.strftime("%Y-%m-%d %H:%M:%S"), e.actor, e.action, e.subject, (e.reason + " " + detail).strip()
        )
    console.print(table)
