"""`icaops obligations [ical|digest]`: who owes what to whom, by when, under which clause (docs/obligations.md)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, cast

import typer
from rich.table import Table

from ..app.agreements import open_agreement
from ..app.errors import UserError
from ..app.obligations import Role
from ..obligations import Obligation
from .options import AgreementOpt, DbOpt, DbPasswordFileOpt, open_db
from .output import console, print_explained, print_steps

if TYPE_CHECKING:  # the store (SQLAlchemy, Alembic) loads only when a command needs it
    from ..app.workspace import Workspace

__all__ = ["obligations_app"]

obligations_app = typer.Typer(
    help="Obligations of the relationship: who owes what to whom, by when, under which clause.",
    invoke_without_command=True,
)

PartyOpt = typer.Option(None, "--party", help="ilec or clec: the party whose obligations are shown.")
AsOfOpt = typer.Option(None, "--as-of", help="YYYY-MM-DD (default: today, Central time).")
RoleOpt = typer.Option("owes", "--role", help="owes (the party is the debtor), owed (the creditor) or both.")


def _workspace(db: str | None, password_file: Path | None, agreement: str) -> Workspace:
    from ..app.workspace import Workspace

    return Workspace(open_agreement(agreement), open_db(db, password_file))


def _as_of(ws: Workspace, as_of: str | None) -> dt.date:
    from ..app.clock import today

    try:
        return dt.date.fromisoformat(as_of) if as_of else today(ws.agreement)
    except ValueError:
        raise UserError(f"--as-of {as_of!r}: expected a date YYYY-MM-DD", field="--as-of") from None


def _party(party: str | None) -> str:
    if party is None:
        raise UserError("--party: expected ilec or clec (whose obligations to show)", field="--party")
    return party


def _role(role: str) -> Role:
    if role not in ("owes", "owed", "both"):
        raise UserError(f"--role {role!r}: expected owes, owed or both", field="--role")
    return cast(Role, role)


def _state_text(o: Obligation) -> str:
    color = {"violated": "red", "due_soon": "yellow", "suspended": "magenta", "fulfilled": "green"}.get(o.state, "")
    text = o.state.replace("_", " ")
    if o.violated_since and o.state == "violated":
        text += f" since {o.violated_since}"
    elif o.fulfilled_by:
        text += f" by {o.fulfilled_by} {o.fulfilled_on}" + (" (late)" if o.violated_since else "")
    elif o.waived_by:
        text += f" ({o.waived_by})"
    elif o.suspended_by:
        text += f" by {o.suspended_by}"
    return f"[{color}]{text}[/{color}]" if color else text


def print_obligations(title: str, found: tuple[Obligation, ...], explain: bool = False) -> None:
    """A table of obligations (id, who owes whom, what, clause, due date, state); with `explain`, each due date's steps."""
    if not found:
        console.print(f"[bold]{title}[/bold]: none")
        return
    table = Table(title=title)
    for col in ("id", "owes", "to", "what", "clause", "due", "state"):
        table.add_column(col, overflow="fold")
    for o in found:
        table.add_row(o.id, str(o.debtor), str(o.creditor), o.owed, o.clause, o.due.value.isoformat(), _state_text(o))
    console.print(table)
    if not explain:
        return
    for o in found:
        print_explained(f"{o.id} due", o.due)
        for c in o.consequences:
            when = f" from {c.available_from.value}" if c.available_from else ""
            console.print(f"   if violated: {c.text}{when} [green]\\[{c.clause}][/green]")
        if o.why is not None:
            print_steps(o.why.steps[-1:], numbered=False)


@obligations_app.callback()
def obligations_list(
    ctx: typer.Context,
    party: str | None = PartyOpt,
    as_of: str | None = AsOfOpt,
    state: list[str] | None = typer.Option(
        None, "--state", help="pending, due_soon, fulfilled, violated, waived, suspended, open (default) or all."
    ),
    account: str | None = typer.Option(None, "--account", help="Only obligations about this billing account."),
    role: str = RoleOpt,
    explain: bool = typer.Option(False, "--explain", help="Show how each due date was computed, and the consequences."),
    db: str | None = DbOpt,
    db_password_file: Path | None = DbPasswordFileOpt,
    agreement: str = AgreementOpt,
) -> None:
    """List a party's obligations as of a date (open ones unless --state says otherwise)."""
    if ctx.invoked_subcommand is not None:
        return
    from ..app.obligations import obligations_for

    who = _party(party)
    ws = _workspace(db, db_password_file, agreement)
    on = _as_of(ws, as_of)
    found = obligations_for(ws, who, on, state or "open", account, role=_role(role))
    verb = {"owes": "owes", "owed": "is owed", "both": "owes or is owed"}[role]
    print_obligations(f"What the {who} {verb} as of {on}", found, explain)


@obligations_app.command("ical")
def obligations_ical(
    party: str | None = PartyOpt,
    as_of: str | None = AsOfOpt,
    role: str = RoleOpt,
    out: Path | None = typer.Option(None, "--out", help="Write the .ics file here (default: standard output)."),
    db: str | None = DbOpt,
    db_password_file: Path | None = DbPasswordFileOpt,
    agreement: str = AgreementOpt,
) -> None:
    """An RFC 5545 calendar of the party's obligations (one all-day event each on its due date)."""
    from ..app.clock import now
    from ..app.obligations import ical_feed

    who = _party(party)
    ws = _workspace(db, db_password_file, agreement)
    feed = ical_feed(ws, who, _as_of(ws, as_of), stamp=now(), role=_role(role))
    if out is None:
        sys.stdout.buffer.write(feed)
        sys.stdout.buffer.flush()
    else:
        out.write_bytes(feed)
        console.print(f"{out}: calendar written", soft_wrap=True)


@obligations_app.command("digest")
def obligations_digest(
    party: str | None = PartyOpt,
    as_of: str | None = AsOfOpt,
    days: int | None = typer.Option(None, "--days", help="Look ahead this many days (default: the due-soon window)."),
    db: str | None = DbOpt,
    db_password_file: Path | None = DbPasswordFileOpt,
    agreement: str = AgreementOpt,
) -> None:
    """The day's digest: what falls due today, what is due next, what was violated since yesterday."""
    from ..app.obligations import digest

    who = _party(party)
    ws = _workspace(db, db_password_file, agreement)
    d = digest(ws, who, _as_of(ws, as_of), days)
    console.rule(f"[bold]Obligations of the {who}: digest of {d.as_of}")
    print_obligations(f"Due today, {d.as_of}", d.fell_due)
    print_obligations(f"Due after today, through {d.until}", d.due_next)
    print_obligations(f"Violated since yesterday (due {d.as_of - dt.timedelta(days=1)})", d.newly_violated)
