"""The command line's one console, its one way of printing explanations and user errors."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterable
from typing import Any, NoReturn, ParamSpec, TypeVar

import typer
from rich.console import Console

from ..app.errors import UserError
from ..explain import Explained, Step
from ..terms.display import display

__all__ = ["console", "fail", "guarded", "print_error", "print_explained", "print_steps"]

# Wide enough for clause-by-clause explanations when output is piped (Rich assumes 80).
console = Console(highlight=False, width=None if sys.stdout.isatty() else 140)

P = ParamSpec("P")
R = TypeVar("R")


def print_steps(steps: Iterable[Step], indent: str = "   ", numbered: bool = True) -> None:
    """The steps of an explanation, one a line, each with its clause in brackets."""
    for i, step in enumerate(steps, 1):
        clause = f" [green]\\[{step.clause}][/green]" if step.clause else ""
        mark = f"{i}." if numbered else "-"
        console.print(f"{indent}{mark} {step.text}{clause}")


def print_explained(title: str, result: Explained[Any], indent: str = "   ") -> None:
    """A value and the numbered steps that produced it, each with its clause."""
    console.print(f"[bold]{title}[/bold] → [bold yellow]{display(result.value)}[/bold yellow]")
    print_steps(result.steps, indent)


def print_error(error: UserError) -> None:
    """A user error: its message, then its details, in red; never a traceback."""
    console.print(f"[red]{error.message}[/red]", soft_wrap=True)
    for line in error.details:
        console.print(f"   [red]{line}[/red]", soft_wrap=True)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print `message` as an error and leave with exit `code` (2: a usage error)."""
    console.print(f"[red]{message}[/red]", soft_wrap=True)
    raise typer.Exit(code)


def guarded(command: Callable[P, R]) -> Callable[P, R]:
    """A command whose user errors print as a message with exit code 2."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except UserError as exc:
            print_error(exc)
            raise typer.Exit(2) from None

    return run
