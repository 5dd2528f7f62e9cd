"""`icaops bill …`, `icaops account status`, `icaops explain`, `icaops events load`: thin
commands over the relationship's event log in the store and the billing core.

State is computed from the log (DEVELOPERS: pure core, events at the edge): closing a cycle
appends a `billing.cycle_closed` event and the bill is computed from the log up to it; the
closed bill is saved and posted to the ledger once (its idempotency key is the bill id).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Optional

import typer
from rich.console import Console
from rich.table import Table

from ..billing.books import Books
from ..billing.cycle import cycle_for
from ..billing.model import CATEGORIES, Bill
from ..explain import Explained
from ..terms.display import display
if TYPE_CHECKING:  # the store (SQLAlchemy, Alembic) loads only when a command needs it
    from .workspace import Workspace

__all__ = ["account_app", "bill_app", "events_app", "explain_line", "print_bill", "print_status", "close_cycle", "write_outputs"]

bill_app = typer.Typer(help="Close billing cycles and show bills (III.9).", no_args_is_help=True)
account_app = typer.Typer(help="An account's standing: balance, late charges, deposit, treatment.", no_args_is_help=True)
events_app = typer.Typer(help="The relationship's event log.", no_args_is_help=True)

DbOpt = typer.Option(None, "--db", help="Database URL (default: $ICAOPS_DATABASE_URL, else ./.icaops/icaops.sqlite).")
AgreementOpt = typer.Option("centurylink-granite-id-2012", "--agreement", "-a", help="Agreement id or path.")


def _console() -> Console:
    from ..cli import console

    return console


def print_explained(console: Console, title: str, result: Explained[Any], indent: str = "   ") -> None:
    """A value and the steps that produced it, each with its clause."""
    console.print(f"[bold]{title}[/bold] → [bold yellow]{display(result.value)}[/bold yellow]")
    for step in result.steps:
        clause = f" [green]\\[{step.clause}][/green]" if step.clause else ""
        console.print(f"{indent}- {step.text}{clause}")


# --- closing a cycle --------------------------------------------------------------------------

def close_cycle(ws: Workspace, period: str, accounts: Iterable[str] | None = None) -> list[Bill]:
    """Close `period` for the accounts (all opened in the log if None): append the close
    events, compute each bill from the log, save and post it once (III.9.2)."""
    books = Books(ws.agreement, ws.events())
    chosen = list(accounts or books.accounts)
    unknown = [a for a in chosen if a not in books.accounts]
    if unknown:
        raise typer.BadParameter(f"--account: {', '.join(unknown)} not opened in the log (billing.account_opened); known: {', '.join(books.accounts) or 'none'}")
    closes = []
    for account_id in chosen:
        account = books.accounts[account_id]
        cycle = cycle_for(account_id, period, account.cycle_close_day, books.deadlines(None))
        closes.append({"id": f"close:{account_id}:{period}", "date": cycle.close, "type": "billing.cycle_closed",
                       "account": account_id, "period": period})
    ws.append(closes, source="bill run")
    books = Books(ws.agreement, ws.events())
    bills = []
    for close in closes:
        history = books.history(close["account"], close["date"])
        bill = history.full_bills[f"{close['account']}:{period}"]
        ws.save_bill(bill)
        ws.post_ledger(books, close["account"], close["date"])
        bills.append(bill)
    return bills


def write_outputs(ws: Workspace, bill: Bill, out: Path) -> dict[str, Path]:
    """The bill's invoice as HTML and PDF, its lines as CSV and an X12 811 (VI.10.1.2)."""
    from ..billing.outputs import Parties, render_html, render_pdf, write_811, write_csv

    out.mkdir(parents=True, exist_ok=True)
    parties = Parties.from_manifest(ws.agreement.manifest)
    stem = bill.id.replace(":", "_")
    paths = {kind: out / f"{stem}.{kind}" for kind in ("html", "pdf", "csv", "811")}
    paths["html"].write_text(render_html(bill, parties), encoding="utf-8")
    paths["pdf"].write_bytes(render_pdf(bill, parties))
    write_csv(bill, paths["csv"])
    with paths["811"].open("w", encoding="ascii", newline="") as fh:
        write_811(bill, fh, parties)
    return paths


def print_bill(console: Console, bill: Bill, lines: int = 20) -> None:
    """Bill header, totals by category, and the first `lines` non-recurring line items."""
    console.rule(f"[bold]Bill {bill.id}  {bill.account.name}")
    print_explained(console, "Bill Date", bill.cycle.bill_date)
    print_explained(console, "Bill Due Date", bill.cycle.due_date)
    totals = bill.totals()
    table = Table(title=f"Service {bill.cycle.start} to {bill.cycle.close}")
    for col, justify in (("category", "left"), ("lines", "right"), ("amount", "right")):
        table.add_column(col, justify=justify)
    counts = {c: sum(1 for l in bill.lines if l.category == c) for c in CATEGORIES}
    counts["mrc"] += bill.recurring.num_rows
    for category in CATEGORIES:
        if counts[category] or totals.get(category):
            table.add_row(category, f"{counts[category]:,}", f"{totals.get(category, 0):,}")
    table.add_row("[bold]total", "", f"[bold]{bill.total:,}")
    console.print(table)
    items = Table(title=f"Line items (first {lines} of {len(bill.lines):,}; resale lines summarised above)")
    for col in ("line id", "description", "amount", "clause"):
        items.add_column(col, overflow="fold")
    for line in bill.lines[:lines]:
        items.add_row(line.line_id, line.description + (" (interim: true-up)" if line.true_up else ""), f"{line.amount:,}", line.clause)
    console.print(items)
    for refused in bill.refused:
        console.print(f"[yellow]refused:[/yellow] {refused}")


def print_status(console: Console, books: Books, account_id: str, as_of: dt.date) -> None:
    """Each standing question with its answer and explanation."""
    console.rule(f"[bold]Account {account_id} as of {as_of}")
    for name, answer in books.status(account_id, as_of).items():
        print_explained(console, name.replace("_", " "), answer)


def explain_line(books: Books, line_id: str, as_of: dt.date | None = None) -> tuple[Bill, Explained]:
    """Find a bill line by id (`ACCOUNT:PERIOD:…`, or `ACCOUNT:PERIOD:WTN` for a resale line)
    and return its bill and explanation."""
    account_id, _, rest = line_id.partition(":")
    period, _, inner = rest.partition(":")
    bill_id = f"{account_id}:{period}"
    if account_id not in books.accounts or not inner:
        raise KeyError(f"{line_id}: expected ACCOUNT:YYYY-MM:LINE (an account opened in the log), e.g. {account_id or 'GRANITE'}:2012-09:surcharge:fusc")
    on = as_of or max(e.date for e in books.events)
    history = books.history(account_id, on)
    bill = history.full_bills.get(bill_id)
    if bill is None:
        raise KeyError(f"{line_id}: no closed bill {bill_id} as of {on} (closed: {', '.join(history.full_bills) or 'none'})")
    line = bill.line(line_id)
    if line is not None:
        return bill, line.explanation
    rec = bill.recurring
    hits = [i for i, v in enumerate(rec.column("line_id").to_pylist()) if v == inner]
    if not hits:
        raise KeyError(f"{line_id}: bill {bill_id} has no line {inner!r}")
    group = rec.column("price_group")[hits[0]].as_py()
    return bill, bill.recurring_groups[group]


# --- commands ------------------------------------------------------------------------------

def _workspace(db: Optional[str], agreement: str) -> Workspace:
    from ..cli import _load
    from .workspace import open_workspace

    return open_workspace(db, _load(agreement))


@events_app.command("load")
def events_load(files: list[Path] = typer.Argument(..., help="YAML/JSON files: a list of events, or a scenario file's `events:`."),
                db: Optional[str] = DbOpt, agreement: str = AgreementOpt) -> None:
    """Append events to the log; an event already in the log (same id) is not added twice."""
    ws = _workspace(db, agreement)
    console = _console()
    for f in files:
        added, rejected = ws.load_file(f)
        console.print(f"{f}: {added} events added" + (f", {len(rejected)} rejected" if rejected else ""))
        for err in rejected:
            console.print(f"   [red]{err}[/red]")


@bill_app.command("run")
def bill_run(period: str = typer.Option(..., "--period", help="YYYY-MM: the cycle closing in that month."),
             account: Optional[list[str]] = typer.Option(None, "--account", help="Only these accounts (repeatable)."),
             out: Path = typer.Option(Path("out/bills"), "--out", help="Folder for the invoice HTML/PDF, CSV and 811."),
             db: Optional[str] = DbOpt, agreement: str = AgreementOpt) -> None:
    """Close the billing cycle of `period`: compute, save and post each bill, write its outputs."""
    ws = _workspace(db, agreement)
    console = _console()
    for bill in close_cycle(ws, period, account):
        paths = write_outputs(ws, bill, out)
        console.print(f"{bill.id}: {bill.recurring.num_rows + len(bill.lines):,} lines, total ${bill.total:,}, "
                      f"due {bill.cycle.due_date.value} → {', '.join(str(p) for p in paths.values())}")


@bill_app.command("show")
def bill_show(bill_id: str = typer.Argument(..., help="ACCOUNT:YYYY-MM"), lines: int = typer.Option(20, "--lines"),
              db: Optional[str] = DbOpt, agreement: str = AgreementOpt) -> None:
    """A closed bill: dates with their clauses, totals by category, line items."""
    ws = _workspace(db, agreement)
    books = Books(ws.agreement, ws.events())
    account_id, _, period = bill_id.partition(":")
    closes = [e for e in books.events if e.type == "billing.cycle_closed" and e.get("account") == account_id and str(e.get("period")) == period]
    if not closes:
        _console().print(f"[red]{bill_id}: no closed cycle for account {account_id!r} period {period!r} (run `icaops bill run --period {period or 'YYYY-MM'}`)[/red]")
        raise typer.Exit(2)
    bill = books.history(account_id, closes[-1].date).full_bills[bill_id]
    print_bill(_console(), bill, lines)


@account_app.command("status")
def account_status(account_id: str = typer.Argument(...),
                   as_of: str = typer.Option(..., "--as-of", help="YYYY-MM-DD"),
                   db: Optional[str] = DbOpt, agreement: str = AgreementOpt) -> None:
    """Balance, past due, late charges, deposit, repeatedly delinquent, may orders be refused,
    earliest disconnection — each explained by its clauses."""
    try:
        on = dt.date.fromisoformat(as_of)
    except ValueError:
        raise typer.BadParameter(f"--as-of {as_of!r}: expected a date YYYY-MM-DD") from None
    ws = _workspace(db, agreement)
    books = Books(ws.agreement, ws.events())
    if account_id not in books.accounts:
        _console().print(f"[red]{account_id}: not opened in the log; known: {', '.join(books.accounts) or 'none'}[/red]")
        raise typer.Exit(2)
    print_status(_console(), books, account_id, on)


def explain_command(line_id: str = typer.Argument(..., help="ACCOUNT:YYYY-MM:LINE, e.g. GRANITE:2012-09:surcharge:fusc or GRANITE:2012-09:2082530001"),
                    db: Optional[str] = DbOpt, agreement: str = AgreementOpt) -> None:
    """How a bill line's amount was computed, step by step with clauses."""
    ws = _workspace(db, agreement)
    try:
        bill, explanation = explain_line(Books(ws.agreement, ws.events()), line_id)
    except KeyError as exc:
        _console().print(f"[red]{exc.args[0]}[/red]")
        raise typer.Exit(2)
    print_explained(_console(), f"{line_id} (bill {bill.id})", explanation)


@events_app.command("usage")
def events_usage(check_dir: Path = typer.Argument(..., help="Output folder of `icaops traffic check` (message_counts.parquet)."),
                 source: Optional[str] = typer.Option(None, "--source", help="Name of the usage file (default: the folder name)."),
                 db: Optional[str] = DbOpt, agreement: str = AgreementOpt) -> None:
    """Per-message usage into billing (VI.9, VIII): each day's message counts of the resold
    lines become `usage.messages` events of their account; other numbers are listed, not billed."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ..billing.books import inventory_from_log
    from ..billing.usage import usage_events

    path = check_dir / "message_counts.parquet"
    if not path.exists():
        _console().print(f"[red]{path}: not found; expected the output folder of `icaops traffic check`[/red]")
        raise typer.Exit(2)
    counts = pq.read_table(path)
    ws = _workspace(db, agreement)
    books = Books(ws.agreement, ws.events())
    until = max(counts.column("call_date").to_pylist(), default=None) or max((e.date for e in books.events), default=dt.date.min)
    inventory = pa.concat_tables([inventory_from_log(books.events, a, until) for a in books.accounts]) if books.accounts else None
    if inventory is None:
        _console().print("[red]no account opened in the log (billing.account_opened): nothing to bill usage to[/red]")
        raise typer.Exit(2)
    events, unmatched = usage_events(counts, inventory, source or check_dir.name)
    added, _ = ws.append(events, str(path))  # built here from a valid table: nothing to reject
    _console().print(f"{path}: {sum(e['count'] for e in events):,} messages on {len(events)} account-days, {added} events added; "
                     f"{unmatched.num_rows:,} counts not billed ({sum(unmatched.column('messages').to_pylist()):,} messages)")
    for row in unmatched.slice(0, 10).to_pylist():
        _console().print(f"   not billed: {row['billing_number']} on {row['call_date']}: {row['messages']} messages: {row['reason']}")
