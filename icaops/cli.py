"""The `icaops` command line: a thin layer over terms, deadlines and scenarios."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any, Optional

import typer
from rich.console import Console
from rich.table import Table

from .calendar.deadlines import Deadlines
from .explain import Explained
from .calendar.named import NAMED_DEADLINES as DEADLINE_KINDS, compute_named_deadline as compute_deadline
from .scenarios.runner import run_scenario
from .terms.errors import TermsLoadError
from .terms.display import display
from .terms.loader import Agreement, list_agreements, load_agreement, parse_override_value

DEFAULT_AGREEMENT = "centurylink-granite-id-2012"

app = typer.Typer(help="Run a telecom wholesale agreement as executable terms.", no_args_is_help=True)
terms_app = typer.Typer(help="Show and explain an agreement's terms.", no_args_is_help=True)
scenario_app = typer.Typer(help="Run scenario files (docs/scenarios.md).", no_args_is_help=True)
app.add_typer(terms_app, name="terms")
app.add_typer(scenario_app, name="scenario")


def _register_commands() -> None:
    """The billing (and later ordering and traffic) command groups, from icaops.commands."""
    from .commands.billing import account_app, bill_app, events_app, explain_command
    from .commands.traffic import traffic_app

    app.add_typer(bill_app, name="bill")
    app.add_typer(traffic_app, name="traffic")
    app.add_typer(account_app, name="account")
    app.add_typer(events_app, name="events")
    app.command("explain")(explain_command)


_register_commands()

# Wide enough for clause-by-clause explanations when output is piped (Rich assumes 80).
console = Console(highlight=False, width=None if sys.stdout.isatty() else 140)
AgreementOpt = typer.Option(DEFAULT_AGREEMENT, "--agreement", "-a", help="Agreement id (folder under agreements/) or path.")
OverrideOpt = typer.Option(None, "--set", help="Override a term: KEY=VALUE (repeatable).")


def _load(agreement: str, overrides: Optional[list[str]] = None) -> Agreement:
    try:
        loaded = load_agreement(agreement)
        if overrides:
            pairs = {}
            for item in overrides:
                key, sep, value = item.partition("=")
                if not sep:
                    raise typer.BadParameter(f"--set {item!r}: expected KEY=VALUE")
                pairs[key.strip()] = parse_override_value(value)
            loaded = loaded.with_overrides(pairs, source="--set")
            loaded.terms
        return loaded
    except TermsLoadError as exc:
        for err in exc.errors:
            console.print(f"[red]{err}[/red]")
        raise typer.Exit(2)
    except FileNotFoundError:
        console.print(f"[red]no agreement {agreement!r}; known: {', '.join(list_agreements())}[/red]")
        raise typer.Exit(2)


def _show(value: Any) -> str:
    return display(value)


@terms_app.command("show")
def terms_show(
    agreement: str = AgreementOpt,
    section: Optional[str] = typer.Option(None, "--section", "-s", help="Only keys starting with this, e.g. billing."),
    on: Optional[str] = typer.Option(None, "--on", help="Terms in force on this date (ISO)."),
    set_: Optional[list[str]] = OverrideOpt,
) -> None:
    """A table of every term: key, value, clause."""
    loaded = _load(agreement, set_)
    terms = loaded.terms_at(dt.date.fromisoformat(on)) if on else loaded.terms
    table = Table(title=f"{loaded.id} (version {loaded.version})", show_lines=False)
    table.add_column("key", style="cyan", no_wrap=True)
    table.add_column("value")
    table.add_column("clause", style="green", no_wrap=True)
    for key, term in terms.flat():
        if section and not key.startswith(section):
            continue
        clause = term.clause + ("" if not term.supersedes else " (amends " + ", ".join(c.clause for c in term.supersedes) + ")")
        table.add_row(key, _show(term.value), clause)
    console.print(table)


@terms_app.command("explain")
def terms_explain(key: str, agreement: str = AgreementOpt, set_: Optional[list[str]] = OverrideOpt) -> None:
    """A term's value, clause, quote, notes, origin and what it supersedes."""
    loaded = _load(agreement, set_)
    try:
        term = loaded.terms.get(key)
    except KeyError as exc:
        console.print(f"[red]{exc.args[0]}[/red]")
        raise typer.Exit(2)
    console.print(f"[bold cyan]{key}[/bold cyan] = [bold]{_show(term.value)}[/bold]" + (f" ({term.unit})" if term.unit else ""))
    console.print(f"  clause  {term.clause}" + (f" (see also {', '.join(term.see_also)})" if term.see_also else ""))
    console.print(f"  quote   \"{term.quote}\"")
    if term.note:
        console.print(f"  note    {term.note}")
    if term.interpretation:
        console.print(f"  reading docs/interpretations.md#{term.interpretation}")
    console.print(f"  source  {term.origin} (layer: {term.layer})")
    for c in term.supersedes:
        console.print(f"  amends  {_show(c.value)} — {c.clause} \"{c.quote}\" ({c.origin}, layer {c.layer})")


@terms_app.command("check")
def terms_check(agreement: str = typer.Argument(DEFAULT_AGREEMENT)) -> None:
    """Load an agreement and report every error (file:line: key: expected ...)."""
    loaded = _load(agreement)
    count = sum(1 for _ in loaded.terms.flat())
    console.print(f"{loaded.id}: {count} terms in {len(loaded.layers)} layers, all valid")


def _print_explained(title: str, result: Explained[Any]) -> None:
    console.print(f"[bold]{title}: {_show(result.value)}[/bold]")
    for i, step in enumerate(result.steps, 1):
        clause = f" [green]\\[{step.clause}][/green]" if step.clause else ""
        console.print(f"   {i}. {step.text}{clause}")


@app.command("deadline")
def deadline(
    kind: str = typer.Argument(..., help="A deadline name (see `icaops deadline list`)."),
    from_: Optional[str] = typer.Option(None, "--from", help="The trigger date (ISO)."),
    anchor: Optional[str] = typer.Option(None, help="dispute_credit: any Bill Date of the account; audit_scope_start: end of the last audited period."),
    method: Optional[str] = typer.Option(None, help="notice_received: personal, first_class_mail, certified_mail, registered_mail, overnight_courier."),
    receipt: Optional[str] = typer.Option(None, help="notice_received: the date on the receipt."),
    notice: Optional[str] = typer.Option(None, help="order_suspension / disconnection: notice date."),
    finding: Optional[str] = typer.Option(None, help="next_audit: the last audit's net finding as a ratio, e.g. 0.02."),
    year: Optional[int] = typer.Option(None, help="usf_certification: the calendar year."),
    setup: Optional[str] = typer.Option(None, help="ordering_allowed: account set-up completion date."),
    agreement: str = AgreementOpt,
    set_: Optional[list[str]] = OverrideOpt,
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Compute a deadline and explain it clause by clause."""
    loaded = _load(agreement, set_)
    if kind == "list":
        table = Table(title="deadlines")
        table.add_column("name", style="cyan")
        table.add_column("what it is")
        table.add_column("clause", style="green")
        for name, term in sorted(loaded.terms.deadlines.items()):
            table.add_row(name, f"{term.value.label} ({term.value.offset} {term.value.direction.value} {term.value.trigger})", term.clause)
        for name, fn in sorted(DEADLINE_KINDS.items()):
            table.add_row(name, "composite (see docs/scenarios.md)", "")
        console.print(table)
        return
    spec = {k: v for k, v in dict(from_=from_, anchor=anchor, method=method, receipt=receipt, notice=notice, finding=finding, year=year, setup=setup).items() if v is not None}
    if "from_" in spec:
        spec["from"] = spec.pop("from_")
    on = dt.date.fromisoformat(spec["from"]) if "from" in spec else None
    dl = Deadlines(loaded.terms_at(on) if on else loaded.terms)
    try:
        result = compute_deadline(dl, kind, spec)
    except KeyError as exc:
        console.print(f"[red]{exc.args[0] if exc.args else exc}: give the options this deadline needs (icaops deadline --help)[/red]")
        raise typer.Exit(2)
    except ValueError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2)
    if as_json:
        print(json.dumps({"deadline": kind, **result.as_dict()}, indent=2))
    else:
        _print_explained(kind, result)


@scenario_app.command("run")
def scenario_run(
    files: list[Path] = typer.Argument(..., help="Scenario files or folders."),
    as_json: bool = typer.Option(False, "--json", help="One JSON document with every result."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Only failures and the summary."),
) -> None:
    """Run scenarios: PASS/FAIL per expectation with its explanation; exit 1 on any failure."""
    paths: list[Path] = []
    for f in files:
        paths += sorted(f.rglob("*.yaml")) if f.is_dir() else [f]
    results = [run_scenario(p) for p in paths]
    if as_json:
        print(json.dumps([r.as_dict() for r in results], indent=2))
    else:
        for r in results:
            _print_scenario(r, quiet)
        total = sum(len(r.results) for r in results)
        failed = sum(1 for r in results for e in r.results if not e.passed)
        broken = sum(1 for r in results if r.errors)
        console.print(f"\n{len(results)} scenarios, {total - failed} passed, {failed} failed" + (f", {broken} with errors" if broken else ""))
    if any(not e.passed for r in results for e in r.results):
        raise typer.Exit(1)
    if any(r.errors for r in results):
        raise typer.Exit(2)


def _print_scenario(r, quiet: bool) -> None:
    mark = "[green]PASS[/green]" if r.passed else "[red]FAIL[/red]"
    if quiet and r.passed:
        return
    console.print(f"{mark} {r.file}: {r.title}")
    for err in r.errors:
        console.print(f"   [red]error: {err}[/red]")
    for res in r.results:
        if quiet and res.passed:
            continue
        ok = "[green]ok[/green]  " if res.passed else "[red]FAIL[/red]"
        console.print(f"   {ok} {res.expectation.label()}: expected {_show(res.expected)}, got {_show(res.actual)}")
        if res.error:
            console.print(f"        [red]{res.error}[/red]")
        if res.explanation and not quiet:
            for step in res.explanation.steps:
                clause = f" [green]\\[{step.clause}][/green]" if step.clause else ""
                console.print(f"        - {step.text}{clause}")


@app.command("demo")
def demo(agreement: str = AgreementOpt,
         out: Path = typer.Option(Path("out/demo"), "--out", help="Folder for the demo's database and files."),
         lines: int = typer.Option(3000, "--lines", help="Resold lines of the reference CLEC.")) -> None:
    """The main job on embedded defaults: terms and deadlines, a month of billing for the
    reference CLEC (SQLite state) with its invoice, 811 and account status, then a day of
    VoIP traffic checked against the Carrier Partner rules (DuckDB) with its report."""
    from .commands.traffic import demo_traffic
    from .demo import run_billing_demo, run_demo

    loaded = _load(agreement)
    run_demo(loaded, console)
    run_billing_demo(loaded, console, out, lines)
    demo_traffic(out / "traffic", console)


def main() -> None:  # pragma: no cover - console entry
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
