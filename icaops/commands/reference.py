"""`icaops reference …`: load a carrier's numbering data (LERG 6, NANPA and Pooling reports, serving
areas, the ILEC's OCNs), list what is loaded, and report what each traffic check can decide with it.

A thin layer over icaops.app.reference; layouts in docs/traffic-reference.md.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.table import Table

from ..app.agreements import open_agreement
from ..app.errors import UserError
from ..traffic.reference import COVERAGE_CHECKS, KINDS
from .options import AgreementOpt, DbOpt, DbPasswordFileOpt, open_db
from .output import console

__all__ = ["reference_app"]

reference_app = typer.Typer(
    help="Numbering reference data for the traffic checks: load files, list them, report coverage.",
    no_args_is_help=True,
)


def _date(value: str | None, option: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        raise UserError(f"{option} {value!r}: expected a date YYYY-MM-DD", field=option) from None


@reference_app.command("load")
def load(
    files: list[Path] = typer.Argument(..., help="Files of one kind, as published (CSV or tab-separated)."),
    kind: str = typer.Option(..., "--kind", help=f"One of {', '.join(KINDS)} (docs/traffic-reference.md)."),
    effective: str | None = typer.Option(
        None, "--effective", help="Date from which checks use these files (ISO; default: today)."
    ),
    agreement: str = AgreementOpt,
    db: str | None = DbOpt,
    db_password_file: Path | None = DbPasswordFileOpt,
) -> None:
    """Read the files as --kind and store them, with name, sha256, rows and effective date, as one load.
    A file with a row that cannot be read is refused, and then nothing is stored."""
    from ..app.clock import today
    from ..app.reference import load_reference_files

    engine = open_db(db, db_password_file)
    on = _date(effective, "--effective") or today(open_agreement(agreement))
    done = load_reference_files(engine, files, kind, on)
    table = Table(title=f"load {done.load_seq}: {kind}, effective {done.effective}")
    for col in ("file", "rows", "sha256", "warnings"):
        table.add_column(col, justify="right" if col == "rows" else "left", overflow="fold")
    for f in done.files:
        table.add_row(f.name, f"{f.rows:,}", f.sha256[:16] + "…", str(len(f.issues)))
    console.print(table)
    for f in done.files:
        for issue in f.issues[:10]:
            console.print(f"[yellow]warning[/yellow] {issue}", soft_wrap=True)


@reference_app.command("list")
def list_command(db: str | None = DbOpt, db_password_file: Path | None = DbPasswordFileOpt) -> None:
    """Every stored reference file: load, kind, effective date, name, rows, sha256, who loaded it and when."""
    from ..app.reference import list_reference

    rows = list_reference(open_db(db, db_password_file))
    if not rows:
        console.print("no reference data loaded (checks use the shipped files); see `icaops reference load`")
        return
    table = Table(title="reference files in the store")
    for col in ("load", "kind", "effective", "file", "rows", "sha256", "loaded"):
        table.add_column(col, justify="right" if col in ("load", "rows") else "left", overflow="fold")
    for r in rows:
        table.add_row(
            str(r.load_seq),
            r.kind,
            str(r.effective_on),
            r.name,
            f"{r.rows:,}",
            r.sha256[:16] + "…",
            f"{r.loaded_at:%Y-%m-%d %H:%M} UTC by {r.loaded_by}",
        )
    console.print(table)


@reference_app.command("coverage")
def coverage_command(
    reference: Path | None = typer.Option(None, "--reference", help="Folder with reference.yaml (default: loaded)."),
    on: str | None = typer.Option(None, "--on", help="The data in effect on this date (ISO; default: today)."),
    check: str | None = typer.Option(
        None, "--check", help=f"Only this check: {', '.join(c for c, _, _ in COVERAGE_CHECKS)}."
    ),
    npa: str | None = typer.Option(None, "--npa", help="Only this NPA."),
    agreement: str = AgreementOpt,
    db: str | None = DbOpt,
    db_password_file: Path | None = DbPasswordFileOpt,
) -> None:
    """Which NPA-NXX ranges each check (CPA.7, CPA.9, CPA.1.4) can decide with the numbering data;
    a call outside them is reported undetermined, never as a breach."""
    from ..app.clock import today
    from ..app.reference import reference_coverage

    names = [c for c, _, _ in COVERAGE_CHECKS]
    if check is not None and check not in names:
        raise UserError(f"--check {check!r}: expected one of {', '.join(names)}", field="--check")
    day = _date(on, "--on") or today(open_agreement(agreement))
    used, ranges = reference_coverage(open_db(db, db_password_file), reference, day)
    console.print(f"numbering data: {used.origin}", soft_wrap=True)
    for name, clause, what in COVERAGE_CHECKS:
        if check is not None and name != check:
            continue
        mine = [r for r in ranges if r.check == name and (npa is None or r.npa == npa)]
        table = Table(title=f"{name} [{clause}]: {what}")
        for col in ("NPA-NXX from", "to", "blocks", "basis"):
            table.add_column(col)
        for r in mine:
            table.add_row(f"{r.npa}-{r.nxx_from}", f"{r.npa}-{r.nxx_to}", r.blocks, r.basis)
        console.print(table if mine else f"{name} [{clause}]: no NPA-NXX can be decided")
