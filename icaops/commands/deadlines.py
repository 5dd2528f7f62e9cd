"""`icaops deadline NAME --from DATE …`: a deadline of the agreement, explained clause by clause."""

from __future__ import annotations

import json

import typer
from rich.table import Table

from ..app.agreements import open_agreement
from ..app.deadlines import compute_named, deadline_names
from .options import AgreementOpt, OverrideOpt
from .output import console, print_explained

__all__ = ["deadline"]


def deadline(
    kind: str = typer.Argument(..., help="A deadline name (see `icaops deadline list`)."),
    from_: str | None = typer.Option(None, "--from", help="The trigger date (ISO)."),
    anchor: str | None = typer.Option(
        None, help="dispute_credit: any Bill Date of the account; audit_scope_start: end of the last audited period."
    ),
    method: str | None = typer.Option(
        None, help="notice_received: personal, first_class_mail, certified_mail, registered_mail, overnight_courier."
    ),
    receipt: str | None = typer.Option(None, help="notice_received: the date on the receipt."),
    notice: str | None = typer.Option(None, help="order_suspension / disconnection: notice date."),
    finding: str | None = typer.Option(None, help="next_audit: the last audit's net finding as a ratio, e.g. 0.02."),
    audits: int | None = typer.Option(
        None, help="next_audit: audits commenced in the Contract Year of --from, that one included (default 1)."
    ),
    share: str | None = typer.Option(
        None, help="galley_corrections_by: the share of Granite's listings needing corrections, e.g. 0.12."
    ),
    year: int | None = typer.Option(None, help="usf_certification: the calendar year."),
    setup: str | None = typer.Option(None, help="ordering_allowed: account set-up completion date."),
    agreement: str = AgreementOpt,
    set_: list[str] | None = OverrideOpt,
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Compute a deadline and explain it clause by clause."""
    loaded = open_agreement(agreement, set_ or ())
    if kind == "list":
        table = Table(title="deadlines")
        table.add_column("name", style="cyan")
        table.add_column("what it is")
        table.add_column("clause", style="green")
        for row in deadline_names(loaded):
            table.add_row(row.name, row.description, row.clause)
        console.print(table)
        return
    given = {
        "from": from_,
        "anchor": anchor,
        "method": method,
        "receipt": receipt,
        "notice": notice,
        "finding": finding,
        "audits": audits,
        "share": share,
        "year": year,
        "setup": setup,
    }
    result = compute_named(loaded, kind, {k: v for k, v in given.items() if v is not None})
    if as_json:
        print(json.dumps({"deadline": kind, **result.as_dict()}, indent=2))
    else:
        print_explained(kind, result)
