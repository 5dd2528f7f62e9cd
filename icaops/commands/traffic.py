"""`icaops traffic …`: ingest call records, check them against the Carrier Partner Amendment, report.

A thin layer: reading is icaops.traffic.ingest, checking icaops.traffic.pipeline, outputs
icaops.traffic.report, the generated day icaops.traffic.samples.day.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Optional

import duckdb
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from icaops.commands.traffic_steps import (
    DEFAULT_DB, check_from_db, check_parquet, export_quarantine, load_registry, prepare, print_findings)
from icaops.terms.errors import TermsLoadError
from icaops.terms.loader import load_agreement
from icaops.traffic.samples.day_spec import DEMO_DAY_SPEC, SpecError, load_day_spec

# Reading, checking and drawing (numpy, Ibis, matplotlib) load inside the commands that use them,
# so that `icaops` starts quickly for every other command.

__all__ = ["demo_traffic", "traffic_app"]

DEFAULT_AGREEMENT = "centurylink-granite-id-2012"
traffic_app = typer.Typer(help="Carrier Partner traffic: ingest call records, check them (CPA.1-11), report.",
                          no_args_is_help=True)
console = Console(highlight=False, width=None if sys.stdout.isatty() else 140)
AgreementOpt = typer.Option(DEFAULT_AGREEMENT, "--agreement", "-a", help="Agreement id (folder under agreements/) or path.")
ProvidersOpt = typer.Option(DEMO_DAY_SPEC, "--providers", help="YAML with the provider registry `facts:` (and `clec: ocn`).")
DbOpt = typer.Option(DEFAULT_DB, "--db", help="DuckDB file holding ingested call records.")


def _fail(message: str, code: int = 2) -> None:
    console.print(f"[red]{message}[/red]")
    raise typer.Exit(code)


def _agreement(agreement: str):
    try:
        return load_agreement(agreement)
    except (TermsLoadError, FileNotFoundError) as exc:
        _fail(f"agreement {agreement!r}: {exc}")


def _progress() -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console, transient=True)


@traffic_app.command("ingest")
def ingest(files: list[Path] = typer.Argument(..., help="EMI (.emi/.dat/.duf), CSV or Parquet call-record files."),
           db: Path = DbOpt) -> None:
    """Load call-record files into DuckDB; a file or call already loaded is not loaded twice."""
    from icaops.traffic.ingest import SourceError, ensure_schema, ingest_file

    db.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db))
    con.execute("SET enable_progress_bar = false")  # ours is drawn by Rich
    ensure_schema(con)
    table = Table(title=f"ingest into {db}")
    for col in ("file", "format", "read", "accepted", "duplicates", "quarantined", "note"):
        table.add_column(col, justify="right" if col in ("read", "accepted", "duplicates", "quarantined") else "left")
    failed: list[str] = []
    quarantines: list[tuple[Path, Path]] = []
    with _progress() as progress:
        task = progress.add_task("ingesting", total=len(files))
        for path in files:
            progress.update(task, description=f"ingesting {path.name}")
            try:
                r = ingest_file(con, path)
            except (SourceError, OSError, ValueError) as exc:
                failed.append(str(exc))
                table.add_row(str(path), "", "", "", "", "", "[red]not read: see below[/red]")
                progress.advance(task)
                continue
            note = "already ingested (same sha256)" if r.already_ingested else f"{r.seconds:.2f} s"
            if r.quarantined:
                quarantines.append((path, export_quarantine(con, r.sha256, path, db.parent / "quarantine")))
                note = "quarantined records: see below"
            table.add_row(str(path), r.format, f"{r.records_read:,}", f"{r.accepted:,}", f"{r.duplicates:,}",
                          f"{r.quarantined:,}", note)
            progress.advance(task)
    total = con.execute("SELECT count(*) FROM call_records").fetchone()[0]
    con.close()
    console.print(table)
    for source, quarantine in quarantines:
        console.print(f"quarantined records of {source} (record, field, expected, found): {quarantine}", soft_wrap=True)
    console.print(f"{total:,} calls in {db}", soft_wrap=True)
    for message in failed:
        console.print(f"[red]not read: {message}[/red]", soft_wrap=True)
    if failed:
        raise typer.Exit(1)


@traffic_app.command("check")
def check(out: Path = typer.Option(..., "--out", help="Directory for findings (Parquet/CSV) and summaries."),
          db: Optional[Path] = typer.Option(None, "--db", help=f"DuckDB file from `icaops traffic ingest` (default: {DEFAULT_DB})."),
          parquet: Optional[str] = typer.Option(None, "--parquet", help="Parquet file or glob of CALL_RECORD_SCHEMA rows."),
          backend: str = typer.Option("duckdb", "--backend", help="duckdb or pyspark."),
          agreement: str = AgreementOpt, providers: Path = ProvidersOpt,
          clec_ocn: Optional[str] = typer.Option(None, "--clec-ocn", help="Attribute every call to this CLEC OCN (default: the providers file's clec.ocn)."),
          as_of: Optional[str] = typer.Option(None, "--as-of", help="Registry facts known on this date (ISO).")) -> None:
    """Check every call (CPA.1.1, 7, 8, 9, 10), write findings with clause ids, print a summary."""
    from icaops.traffic.reference import load_shipped_reference
    from icaops.traffic.report import write_check

    if db is not None and parquet is not None:
        _fail("give one of --db PATH or --parquet GLOB, not both")
    if parquet is None:
        db = db or DEFAULT_DB  # the store `icaops traffic ingest` writes by default
    if backend not in ("duckdb", "pyspark"):
        _fail(f"--backend: expected duckdb or pyspark, got {backend!r}")
    loaded = _agreement(agreement)
    try:
        registry, spec_ocn = load_registry(providers)
        on = dt.date.fromisoformat(as_of) if as_of else None
    except (SpecError, ValueError) as exc:
        _fail(str(exc))
    with console.status(f"checking calls on {backend}…"):
        reference = load_shipped_reference()
        if db is not None and not db.exists():
            _fail(f"--db {db}: no such file (run `icaops traffic ingest` first)")
        checks = prepare(loaded, reference, registry, backend=backend, as_of=on, clec_ocn=clec_ocn or spec_ocn)
        result = check_from_db(db, checks) if db is not None else check_parquet(parquet, checks)
        written = write_check(result, out)
    print_findings(console, result)
    console.print(f"wrote {', '.join(sorted(p.name for p in written.values()))} to {out}")


@traffic_app.command("report")
def report(out: Path = typer.Option(..., "--out", help="Directory for report.html and its PNG charts."),
           source: Optional[Path] = typer.Option(None, "--from", help="Output of `icaops traffic check` (default: --out)."),
           agreement: str = AgreementOpt,
           inline: bool = typer.Option(False, "--inline", help="Embed the charts in the HTML as well."),
           first: int = typer.Option(50, "--first", help="How many findings to list in detail.")) -> None:
    """Write the HTML report: calls per minute with DoS windows, findings by kind with clauses, compensation."""
    from icaops.traffic.report import read_check, write_report

    try:
        result = read_check(source or out)
    except (FileNotFoundError, ValueError) as exc:
        _fail(str(exc))
    with console.status("drawing charts…"):
        path = write_report(result, _agreement(agreement).terms, out, inline=inline, first_findings=first)
    console.print(f"wrote {path}")


@traffic_app.command("generate")
def generate(out: Path = typer.Option(..., "--out", help="Output file: .parquet, .emi/.dat or .csv."),
             date: Optional[str] = typer.Option(None, "--date", help="The day (ISO); default: the spec's date."),
             calls: int = typer.Option(200_000, "--calls", min=1, help="About how many call records."),
             seed: int = typer.Option(0, "--seed"),
             spec: Path = typer.Option(DEMO_DAY_SPEC, "--spec", help="Day description (see icaops/traffic/samples/demo_day.yaml)."),
             agreement: str = AgreementOpt) -> None:
    """Generate a day of traffic: diurnal mix, a DoS burst, altered CPNs, VoIP 911, an unnotified provider."""
    from icaops.traffic.reference import load_shipped_reference
    from icaops.traffic.samples.day import generate_day, write_day

    try:
        day_spec = load_day_spec(spec)
        day = dt.date.fromisoformat(date) if date else None
    except (SpecError, ValueError) as exc:
        _fail(str(exc))
    with console.status(f"generating {calls:,} calls…"):
        try:
            generated = generate_day(day_spec, load_shipped_reference(), _agreement(agreement).terms, calls=calls,
                                     seed=seed, day=day, source_file=out.name)
            write_day(generated, out)
        except (SpecError, ValueError) as exc:
            _fail(str(exc))
    planted = ", ".join(f"{k} {v:,}" for k, v in generated.planted.items())
    console.print(f"wrote {generated.calls.num_rows:,} calls for {generated.date} to {out} (planted: {planted})")


def demo_traffic(out_dir: Path, console: Console) -> None:
    """Generate a day, ingest it, check it, print findings by kind with clauses and the DoS event, write the report."""
    from icaops.commands.traffic_steps import demo_steps

    demo_steps(out_dir, console)
