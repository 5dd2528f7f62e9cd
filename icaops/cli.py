"""The `icaops` command line: Typer commands (icaops.commands) over the operations of icaops.app."""

from __future__ import annotations

import sys
from importlib.metadata import PackageNotFoundError, version

import typer

from .commands.audit import audit_app
from .commands.billing import account_app, bill_app, events_app, explain_command
from .commands.deadlines import deadline
from .commands.demo import demo
from .commands.identity import orgs_app, tokens_app, users_app
from .commands.notices import notice_app
from .commands.obligations import obligations_app
from .commands.output import ErrorHandlingGroup, console
from .commands.projections import projections_app
from .commands.reference import reference_app
from .commands.scenarios import scenario_app
from .commands.serve import serve
from .commands.terms import terms_app
from .commands.traffic import traffic_app
from .commands.verify import verify_command
from .commands.webhooks import webhooks_app

__all__ = ["app", "main"]

app = typer.Typer(
    help="Run a telecom wholesale agreement as executable terms.",
    no_args_is_help=True,
    cls=ErrorHandlingGroup,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    if value:
        try:
            console.print(f"icaops {version('icaops')}")
        except PackageNotFoundError:  # run from a source tree that was never installed
            console.print("icaops (not installed)")
        raise typer.Exit()


@app.callback()
def root(
    debug: bool = typer.Option(False, "--debug", help="Show the traceback of an error."),
    show_version: bool = typer.Option(
        False, "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Run a telecom wholesale agreement as executable terms."""


app.add_typer(terms_app, name="terms")
app.add_typer(scenario_app, name="scenario")
app.add_typer(bill_app, name="bill")
app.add_typer(traffic_app, name="traffic")
app.add_typer(account_app, name="account")
app.add_typer(events_app, name="events")
app.add_typer(audit_app, name="audit")
app.add_typer(orgs_app, name="orgs")
app.add_typer(users_app, name="users")
app.add_typer(tokens_app, name="tokens")
app.add_typer(webhooks_app, name="webhooks")
app.add_typer(notice_app, name="notice")
app.add_typer(obligations_app, name="obligations")
app.add_typer(reference_app, name="reference")
app.command("deadline")(deadline)
app.command("explain")(explain_command)
app.command("demo")(demo)
app.command("serve")(serve)
app.add_typer(projections_app, name="projections")
app.command("verify")(verify_command)


def main() -> None:  # pragma: no cover - console entry
    """Run the command line."""
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
