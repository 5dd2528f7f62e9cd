"""`icaops terms show|explain|check`: an agreement's terms with their clauses and quotes."""

from __future__ import annotations

import datetime as dt

import typer
from rich.table import Table

from ..app.agreements import DEFAULT_AGREEMENT, open_agreement
from ..terms.display import display
from .options import AgreementOpt, OverrideOpt
from .output import console, fail

__all__ = ["terms_app"]

terms_app = typer.Typer(help="Show and explain an agreement's terms.", no_args_is_help=True)


@terms_app.command("show")
def terms_show(
    agreement: str = AgreementOpt,
    section: str | None = typer.Option(None, "--section", "-s", help="Only keys starting with this, e.g. billing."),
    on: str | None = typer.Option(None, "--on", help="Terms in force on this date (ISO)."),
    set_: list[str] | None = OverrideOpt,
) -> None:
    """A table of every term: key, value, clause."""
    loaded = open_agreement(agreement, set_ or ())
    try:
        terms = loaded.terms_at(dt.date.fromisoformat(on)) if on else loaded.terms
    except ValueError:
        fail(f"--on {on!r}: expected a date YYYY-MM-DD")
    keys = [key for key, _ in terms.flat()]
    if section and not any(key.startswith(section) for key in keys):
        sections = sorted({key.split(".")[0] for key in keys})
        fail(f"--section {section!r}: no term starts with it; sections: {', '.join(sections)}")
    table = Table(title=f"{loaded.id} (version {loaded.version})", show_lines=False)
    table.add_column("key", style="cyan", no_wrap=True)
    table.add_column("value")
    table.add_column("clause", style="green", no_wrap=True)
    for key, term in terms.flat():
        if section and not key.startswith(section):
            continue
        amends = "" if not term.supersedes else " (amends " + ", ".join(c.clause for c in term.supersedes) + ")"
        table.add_row(key, display(term.value), term.clause + amends)
    console.print(table)


@terms_app.command("explain")
def terms_explain(key: str, agreement: str = AgreementOpt, set_: list[str] | None = OverrideOpt) -> None:
    """A term's value, clause, quote, notes, origin and what it supersedes."""
    loaded = open_agreement(agreement, set_ or ())
    try:
        term = loaded.terms.get(key)
    except KeyError as exc:
        fail(exc.args[0])
    console.print(
        f"[bold cyan]{key}[/bold cyan] = [bold]{display(term.value)}[/bold]" + (f" ({term.unit})" if term.unit else "")
    )
    console.print(f"  clause  {term.clause}" + (f" (see also {', '.join(term.see_also)})" if term.see_also else ""))
    console.print(f'  quote   "{term.quote}"')
    if term.note:
        console.print(f"  note    {term.note}")
    if term.interpretation:
        console.print(f"  reading docs/interpretations.md#{term.interpretation}")
    if term.system_choice:
        console.print(
            f"  system choice (not stated by the agreement; {term.clause} is the clause it serves): {term.system_choice}"
        )
    if term.informational:
        console.print(
            "  informational: the agreement's text kept for people; no computation reads the value, and --set refuses it"
        )
    console.print(f"  source  {term.origin} (layer: {term.layer})")
    for c in term.supersedes:
        console.print(f'  amends  {display(c.value)} — {c.clause} "{c.quote}" ({c.origin}, layer {c.layer})')


@terms_app.command("check")
def terms_check(agreement: str = typer.Argument(DEFAULT_AGREEMENT)) -> None:
    """Load an agreement and report every error (file:line: key: expected ...)."""
    loaded = open_agreement(agreement)
    count = sum(1 for _ in loaded.terms.flat())
    console.print(f"{loaded.id}: {count} terms in {len(loaded.layers)} layers, all valid")
