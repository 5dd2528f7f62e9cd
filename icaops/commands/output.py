"""The command line's one console, its one way of printing explanations and user errors."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from typing import Any, NoReturn

import click
import typer
from rich.console import Console
from rich.markup import escape
from typer._click import Context as ClickContext
from typer._click.exceptions import ClickException as TyperClickException
from typer.core import TyperGroup

from ..app.errors import UserError
from ..explain import Explained, Step
from ..terms.display import display

__all__ = ["ErrorHandlingGroup", "console", "fail", "print_error", "print_explained", "print_steps", "warn"]

# Wide enough for clause-by-clause explanations when output is piped (Rich assumes 80).
console = Console(highlight=False, width=None if sys.stdout.isatty() else 140)
_errors = Console(stderr=True, highlight=False, soft_wrap=True)


def warn(message: str) -> None:
    """One line of warning on stderr (stdout stays the command's output)."""
    _errors.print(f"[yellow]warning:[/yellow] {escape(message)}")


def print_steps(steps: Iterable[Step], indent: str = "   ", numbered: bool = True) -> None:
    """The steps of an explanation, one a line, each with its clause in brackets."""
    for i, step in enumerate(steps, 1):
        clause = f" [green]\\[{step.clause}][/green]" if step.clause else ""
        mark = f"{i}." if numbered else "-"
        console.print(f"{indent}{mark} {step.text}{clause}")


def print_explained(title: str, result: Explained[Any], indent: str = "   ", value_text: str | None = None) -> None:
    """A value (or `value_text` for it) and the numbered steps that produced it, each with its clause."""
    shown = display(result.value) if value_text is None else value_text
    console.print(f"[bold]{title}[/bold] → [bold yellow]{shown}[/bold yellow]")
    print_steps(result.steps, indent)


def print_error(error: UserError) -> None:
    """A user error: its message, then its details, in red; never a traceback."""
    console.print(f"[red]{error.message}[/red]", soft_wrap=True)
    details = error.details
    lines = [f"{k}: {v}" for k, v in details.items()] if isinstance(details, Mapping) else list(details)
    for line in lines:
        console.print(f"   [red]{line}[/red]", soft_wrap=True)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print `message` as an error and leave with exit `code` (2: a usage error)."""
    console.print(f"[red]{message}[/red]", soft_wrap=True)
    raise typer.Exit(code)


class ErrorHandlingGroup(TyperGroup):
    """The command line's one error handler: a user error prints its message and exits 2; any
    other error is a bug, printed in one line with exit 1. `--debug` shows the traceback."""

    # The context is typer's vendored click's: typer exports no public name for that class.
    def invoke(self, ctx: ClickContext) -> Any:
        """Run the command, turning errors into messages and exit codes."""
        try:
            return super().invoke(ctx)
        # A usage error (unknown option, bad value) is typer's vendored click's: click prints it, exit 2.
        except (typer.Exit, typer.Abort, click.exceptions.Exit, click.ClickException, click.Abort, TyperClickException):
            raise
        except UserError as exc:
            if ctx.params.get("debug"):
                raise
            print_error(exc)
            raise typer.Exit(2) from None
        except Exception as exc:
            if ctx.params.get("debug"):
                raise
            console.print(
                f"[red]internal error: {type(exc).__name__}: {exc}[/red] (run with --debug for the traceback)",
                soft_wrap=True,
            )
            raise typer.Exit(1) from None
