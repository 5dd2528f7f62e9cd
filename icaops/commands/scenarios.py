"""`icaops scenario run FILES…`: PASS/FAIL per expectation with its explanation."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from ..app.scenarios import run_scenario, scenario_paths
from ..scenarios.runner import ScenarioResult
from ..terms.display import display
from .output import console, fail, print_steps

__all__ = ["scenario_app"]

scenario_app = typer.Typer(help="Run scenario files (docs/scenarios.md).", no_args_is_help=True)


@scenario_app.command("run")
def scenario_run(
    files: list[Path] = typer.Argument(..., help="Scenario files or folders."),
    as_json: bool = typer.Option(False, "--json", help="One JSON document with every result."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Only failures and the summary."),
) -> None:
    """Run scenarios: PASS/FAIL per expectation with its explanation; exit 1 on any failure."""
    paths = scenario_paths(files)
    missing = [p for p in paths if not p.exists()]
    if missing:
        fail(f"{missing[0]}: no such file or folder")
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        transient=True,
        disable=as_json,
    ) as progress:
        task = progress.add_task("running scenarios", total=len(paths))
        results = []
        for path in paths:
            progress.update(task, description=f"running {path.name}")
            results.append(run_scenario(path))
            progress.advance(task)
    if as_json:
        print(json.dumps([r.as_dict() for r in results], indent=2))
    else:
        for r in results:
            _print_scenario(r, quiet)
        console.print("\n" + _summary(results))
    if any(not e.passed for r in results for e in r.results):
        raise typer.Exit(1)
    if any(r.errors for r in results):
        raise typer.Exit(2)


def _summary(results: list[ScenarioResult]) -> str:
    """Scenarios and their expectations counted apart."""
    expectations = [e for r in results for e in r.results]
    failed = sum(1 for e in expectations if not e.passed)
    broken = sum(1 for r in results if r.errors)
    passed_files = sum(1 for r in results if r.passed)
    return (
        f"{len(results)} scenario files: {passed_files} passed, {len(results) - passed_files} failed"
        + (f" ({broken} could not be run)" if broken else "")
        + f"; {len(expectations)} expectations: {len(expectations) - failed} passed, {failed} failed"
    )


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
