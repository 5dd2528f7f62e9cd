"""`icaops verify`: re-check the event log and the ledger; print the damage, or the day heads."""

from __future__ import annotations

from pathlib import Path

import typer

from .options import DbOpt
from .output import console

__all__ = ["verify_command"]

DAMAGED = 1  # the exit code when damage is found (2 stays a usage error)


def verify_command(
    db: str | None = DbOpt,
    heads: bool = typer.Option(
        False, "--heads", help="Print, per day, each chain's last record and hash: keep a copy to compare later."
    ),
    compare: Path | None = typer.Option(
        None, "--compare", help="A file of heads kept from an earlier `icaops verify --heads`: are they still there?"
    ),
) -> None:
    """Re-check the hash chains of the event log and the ledger, the balances and counters
    rebuilt from them, and the guard triggers. Exit 0 when intact, 1 when damage is found (each
    finding printed: table, record, what was expected), 2 for a usage error. With `--heads` the
    output is the per-day heads (other lines start with `#`), so it can be kept and given back
    to `--compare`."""
    from ..app.verify import open_store, read_kept_heads, verify_store

    kept = read_kept_heads(compare) if compare is not None else ()
    engine = open_store(db)
    try:
        report = verify_store(engine, kept)
    finally:
        engine.dispose()
    note = "# " if heads else ""
    for walk in report.chains:
        console.print(
            f"{note}{walk.chain}: {walk.records:,} records, last seq {walk.last[0]} hash {walk.last[1]}",
            soft_wrap=True,
            markup=False,
            highlight=False,
        )
    if heads:
        for head in report.heads:
            console.print(str(head), soft_wrap=True, markup=False, highlight=False)
    if compare is not None:
        console.print(f"{note}{len(kept)} kept heads compared ({compare})", soft_wrap=True, markup=False)
    if report.intact:
        console.print(f"{note}intact: no edit, deletion, reordering or forged record found", markup=False)
        return
    for finding in report.findings:
        console.print(f"{note}{finding}", style="red", soft_wrap=True, markup=False, highlight=False)
    console.print(f"{note}{len(report.findings)} findings: the record was changed outside icaops", style="red")
    raise typer.Exit(DAMAGED)
