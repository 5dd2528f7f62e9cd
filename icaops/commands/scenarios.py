"""`icaops scenario run FILES…`: PASS/FAIL per expectation with its explanation."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from ..app.scenarios import run_scenarios
from ..scenarios.runner import ScenarioResult
from ..terms.display import display
from .output import console, print_steps

__all__ = ["scenario_app"]

scenario_app = typer.Typer(help="Run scenario files (docs/scenarios.md).", no_args_is_help=True)


@scenario_app.command("run")
def scenario_run(
    files: list[Path] = typer.Argument(..., help="Scenario files or folders."),
    as_json: bool = typer.Option(False, "--json", help="One JSON document with every result."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Only failures and the summary."),
) -> None:
    """Run scenarios: PASS/FAIL per expectation with its explanation; exit 1 on any failure."""
    results = run_scenarios(files)
    if as_json:
        print(json.dumps([r.as_dict() for r in results], indent=2))
    else:
        for r in results:
            _print_scenario(r, quiet)
        total = sum(len(r.results) for r in results)
        failed = sum(1 for r in results for e in r.results if not e.passed)
        broken = sum(1 for r in results if r.errors)
        console.print(f"\n{len(results)} scenarios, {total - failed} passed, {failed} failed"
                      + (f", {broken} with errors" if broken else ""))
    if any(not e.passed for r in results for e in r.results):
        raise typer.Exit(1)
    if any(r.errors for r in results):
        raise typer.Exit(2)


def _print_scenario(r: ScenarioResult, quiet: bool) -> None:
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
        console.print(f"   {ok} {res.expectation.label()}: expected {display(res.expected)}, got {display(res.actual)}")
        if res.error:
            console.print(f"        [red]{res.error}[/red]")
        if res.explanation and not quiet:
            print_steps(res.explanation.steps, indent="        ", numbered=False)
