"""`icaops bill …`, `icaops account status`, `icaops explain`, `icaops events load|usage`: thin
commands over the billing operations of icaops.app."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import JustifyMethod
from rich.table import Table

from ..app.agreements import open_agreement
from ..app.errors import UserError
from ..billing.model import CATEGORIES, Bill
from ..money import money_text
from .options import AgreementOpt, DbOpt, DbPasswordFileOpt, open_db
from .output import console, print_explained

if TYPE_CHECKING:  # the store (SQLAlchemy, Alembic) loads only when a command needs it
    from ..app.workspace import Workspace

__all__ = ["account_app", "bill_app", "events_app", "explain_command", "print_bill", "print_status"]

bill_app = typer.Typer(help="Close billing cycles and show bills (III.9).", no_args_is_help=True)
account_app = typer.Typer(
    help="An account's standing: balance, late charges, deposit, treatment.", no_args_is_help=True
)
events_app = typer.Typer(help="The relationship's event log.", no_args_is_help=True)


def print_bill(bill: Bill, lines: int = 20) -> None:
    """Bill header, totals by category, and the first `lines` non-recurring line items."""
    console.rule(f"[bold]Bill {bill.id}  {bill.account.name}")
    print_explained("Bill Date", bill.cycle.bill_date)
    print_explained("Bill Due Date", bill.cycle.due_date)
    totals = bill.totals()
    table = Table(title=f"Service {bill.cycle.start} to {bill.cycle.close}")
    columns: tuple[tuple[str, JustifyMethod], ...] = (("category", "left"), ("lines", "right"), ("amount", "right"))
    for col, justify in columns:
        table.add_column(col, justify=justify)
    counts = {c: sum(1 for line in bill.lines if line.category == c) for c in CATEGORIES}
    counts["mrc"] += bill.recurring.num_rows
    for category in CATEGORIES:
        if counts[category] or totals.get(category):
            table.add_row(category, f"{counts[category]:,}", f"{totals.get(category, 0):,}")
    table.add_row("[bold]total", "", f"[bold]{bill.total:,}")
    console.print(table)
    items = Table(
        title=f"Line items (first {min(lines, len(bill.lines)):,} of {len(bill.lines):,}; resale lines summarised above)"
    )
    for col in ("line id", "description", "amount", "clause"):
        items.add_column(col, overflow="fold")
    for line in bill.lines[:lines]:
        items.add_row(
            line.line_id,
            line.description + (" (interim: true-up)" if line.true_up else ""),
            f"{line.amount:,}",
            line.clause,
        )
    console.print(items)
    for refused in bill.refused:
        console.print(f"[yellow]refused:[/yellow] {refused}")


def print_status(ws: Workspace, account_id: str, as_of: dt.date) -> None:
    """Each standing question with its answer and explanation (the read is audited)."""
    from ..app.billing import read_account_status

    status = read_account_status(ws, account_id, as_of)
    console.rule(f"[bold]Account {account_id} as of {as_of}")
    money = ws.agreement.terms.money
    for name, answer in status.items():
        shown = money_text(answer.value, money) if isinstance(answer.value, Decimal) else None
        print_explained(name.replace("_", " "), answer, value_text=shown)


def _workspace(db: str | None, password_file: Path | None, agreement: str) -> Workspace:
    from ..app.workspace import Workspace

    return Workspace(open_agreement(agreement), open_db(db, password_file))


@events_app.command("load")
def events_load(
    files: list[Path] = typer.Argument(..., help="YAML/JSON files: a list of events, or a scenario file's `events:`."),
    db: str | None = DbOpt,
    db_password_file: Path | None = DbPasswordFileOpt,
    agreement: str = AgreementOpt,
) -> None:
    """Append events to the log, each file all or nothing: a file with a refused event (file,
    line, field and what was expected are printed) stores none of its events, and the command
    exits 2. An event already in the log (same id) is not added twice."""
    from ..app.billing import load_event_files, read_event_files

    read = read_event_files(files)
    refused = 0
    for loaded in load_event_files(_workspace(db, db_password_file, agreement), read):
        if not loaded.rejected:
            console.print(f"{loaded.path}: {loaded.added} events added")
            continue
        refused += 1
        console.print(f"{loaded.path}: {len(loaded.rejected)} refused, nothing of this file stored:", soft_wrap=True)
        for err in loaded.rejected:
            console.print(f"   {err}", style="red", soft_wrap=True, markup=False, highlight=False)
    if refused:
        raise UserError(
            f"{refused} of {len(read)} files refused (nothing of them stored); fix the events named above "
            "and load those files again",
            field="FILES",
        )


class X12Usage(str, Enum):
    """ISA15 of the 811 interchange."""

    production = "production"
    test = "test"


@bill_app.command("run")
def bill_run(
    period: str = typer.Option(..., "--period", help="YYYY-MM: the cycle closing in that month."),
    account: list[str] | None = typer.Option(None, "--account", help="Only these accounts (repeatable)."),
    out: Path = typer.Option(Path("out/bills"), "--out", help="Folder for the invoice HTML/PDF, CSV and 811."),
    x12_usage: X12Usage = typer.Option(
        X12Usage.test, "--x12-usage", help="The 811's ISA15: production (P) or test (T) data."
    ),
    db: str | None = DbOpt,
    db_password_file: Path | None = DbPasswordFileOpt,
    agreement: str = AgreementOpt,
) -> None:
    """Close the billing cycle of `period`: compute, save and post each bill, write its outputs."""
    from ..app.billing import close_cycle, write_outputs

    ws = _workspace(db, db_password_file, agreement)
    for bill in close_cycle(ws, period, account):
        paths = write_outputs(ws, bill, out, "P" if x12_usage is X12Usage.production else "T")
        console.print(
            f"{bill.id}: {bill.recurring.num_rows + len(bill.lines):,} lines, total ${bill.total:,}, "
            f"due {bill.cycle.due_date.value} → {', '.join(str(p) for p in paths.values())}"
        )


@bill_app.command("show")
def bill_show(
    bill_id: str = typer.Argument(..., help="ACCOUNT:YYYY-MM"),
    lines: int = typer.Option(20, "--lines"),
    db: str | None = DbOpt,
    db_password_file: Path | None = DbPasswordFileOpt,
    agreement: str = AgreementOpt,
) -> None:
    """A closed bill: dates with their clauses, totals by category, line items."""
    from ..app.billing import read_bill

    print_bill(read_bill(_workspace(db, db_password_file, agreement), bill_id), lines)


@account_app.command("status")
def account_status(
    account_id: str = typer.Argument(...),
    as_of: str | None = typer.Option(None, "--as-of", help="YYYY-MM-DD (default: today, Central time)."),
    db: str | None = DbOpt,
    db_password_file: Path | None = DbPasswordFileOpt,
    agreement: str = AgreementOpt,
) -> None:
    """Balance, past due, late charges, deposit, repeatedly delinquent, may orders be refused,
    earliest disconnection — each explained by its clauses."""
    from ..app.clock import today

    try:
        on = dt.date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise UserError(f"--as-of {as_of!r}: expected a date YYYY-MM-DD", field="--as-of") from None
    ws = _workspace(db, db_password_file, agreement)
    print_status(ws, account_id, on or today(ws.agreement))


def explain_command(
    line_id: str = typer.Argument(
        ..., help="ACCOUNT:YYYY-MM:LINE, e.g. GRANITE:2012-09:surcharge:fusc or GRANITE:2012-09:2082530001"
    ),
    db: str | None = DbOpt,
    db_password_file: Path | None = DbPasswordFileOpt,
    agreement: str = AgreementOpt,
) -> None:
    """How a bill line's amount was computed, step by step with clauses."""
    from ..app.billing import read_line

    bill, explanation = read_line(_workspace(db, db_password_file, agreement), line_id)
    print_explained(f"{line_id} (bill {bill.id})", explanation)


@events_app.command("usage")
def events_usage(
    check_dir: Path = typer.Argument(..., help="Output folder of `icaops traffic check` (message_counts.parquet)."),
    source: str | None = typer.Option(None, "--source", help="Name of the usage file (default: the folder name)."),
    db: str | None = DbOpt,
    db_password_file: Path | None = DbPasswordFileOpt,
    agreement: str = AgreementOpt,
) -> None:
    """Per-message usage into billing (VI.9, VIII): each day's message counts of the resold
    lines become `usage.messages` events of their account; other numbers are listed, not billed."""
    from ..app.billing import usage_from_check

    done = usage_from_check(_workspace(db, db_password_file, agreement), check_dir, source)
    console.print(
        f"{done.path}: {done.messages:,} messages on {done.account_days} account-days, {done.added} events added; "
        f"{done.unbilled_counts:,} counts not billed ({done.unbilled_messages:,} messages)"
    )
    for row in done.unbilled_examples:
        console.print(
            f"   not billed: {row['billing_number']} on {row['call_date']}: {row['messages']} messages: {row['reason']}"
        )
