"""`icaops traffic …`: ingest call records, check them against the Carrier Partner Amendment, report.

A thin layer over icaops.app.traffic; reading, checking and drawing (numpy, Ibis, matplotlib) load
inside the operations that use them, so that `icaops` starts quickly for every other command.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import JustifyMethod
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..app.agreements import open_agreement
from ..app.errors import UserError
from ..app.traffic import DEFAULT_CALLS_DB
from ..traffic.samples.day_spec import DEMO_DAY_SPEC
from .options import AgreementOpt, DbOpt, DbPasswordFileOpt, open_db
from .output import console

if TYPE_CHECKING:
    from ..app.traffic import DemoDay, Ingested
    from ..traffic.pipeline import TrafficCheck

__all__ = ["print_demo_day", "print_findings", "print_undetermined", "traffic_app"]

traffic_app = typer.Typer(
    help="Carrier Partner traffic: ingest call records, check them (CPA.1-11), report.", no_args_is_help=True
)
ProvidersOpt = typer.Option(
    DEMO_DAY_SPEC, "--providers", help="YAML with the provider registry `facts:` (and `clec: ocn`)."
)
CallsDbOpt = typer.Option(DEFAULT_CALLS_DB, "--calls-db", help="DuckDB file holding ingested call records.")
ReferenceOpt = typer.Option(
    None,
    "--reference",
    help="Folder with reference.yaml naming numbering files and their kinds (default: what `icaops reference "
    "load` stored, in effect on the date; else the shipped files).",
)


def _date(value: str | None, option: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        raise UserError(f"{option} {value!r}: expected a date YYYY-MM-DD", field=option) from None


def print_findings(result: TrafficCheck) -> None:
    """Findings by kind with their clauses, then the DoS events (CPA.8) with the remedy."""
    import pyarrow.compute as pc

    table = Table(title=f"{result.records:,} calls checked on {result.backend}: findings by kind")
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("kind", "left"),
        ("clause", "left"),
        ("findings", "right"),
        ("example", "left"),
    )
    for col, justify in columns:
        table.add_column(col, justify=justify, overflow="fold")
    findings = result.findings
    if findings.num_rows:
        counts = findings.group_by(["kind", "clause"]).aggregate([("kind", "count")]).sort_by("kind")
        for row in counts.to_pylist():
            example = findings.filter(pc.equal(findings.column("kind"), row["kind"])).column("detail")[0].as_py()
            table.add_row(row["kind"], row["clause"], f"{row['kind_count']:,}", example)
    console.print(table if findings.num_rows else "no findings")
    for event in result.events:
        data = dict(event.data)
        console.print(
            f"[bold red]{event.type}[/bold red] {event.date} {data.get('scope', '')} {data.get('key', '')}: "
            f"breached {data.get('breached', '')} [green]\\[{data.get('clause', '')}][/green]"
        )
        if data.get("remedy"):
            console.print(f"   remedy: {data['remedy']}")


def print_undetermined(result: TrafficCheck) -> None:
    """What the numbering data could not decide (never a breach), by check and NPA-NXX, with the files used."""
    rows = result.undetermined.to_pylist()
    if rows:
        table = Table(title="undetermined: the numbering data cannot tell (not findings)")
        for col in ("check", "clause", "provider", "NPA-NXX", "calls", "reason"):
            table.add_column(col, justify="right" if col == "calls" else "left", overflow="fold")
        for r in rows[:20]:
            table.add_row(
                r["check"], r["clause"], r["provider_id"] or "", r["npanxx"] or "", f"{r['calls']:,}", r["reason"]
            )
        console.print(table)
        if len(rows) > 20:
            console.print(f"… and {len(rows) - 20:,} more in undetermined.csv")
    files = ", ".join(f"{r['name']} ({r['kind']}, {r['rows']:,} rows)" for r in result.reference_files.to_pylist())
    if files:
        console.print(f"numbering files used: {files}", soft_wrap=True)


def _print_ingested(done: Ingested) -> None:
    table = Table(title=f"ingest into {done.db}")
    for col in ("file", "format", "read", "accepted", "duplicates", "quarantined", "note"):
        table.add_column(col, justify="right" if col in ("read", "accepted", "duplicates", "quarantined") else "left")
    for f in done.files:
        r = f.report
        if r is None:
            table.add_row(str(f.path), "", "", "", "", "", "[red]not read: see below[/red]")
            continue
        note = "already ingested (same sha256)" if r.already_ingested else f"{r.seconds:.2f} s"
        if f.quarantine is not None:
            note = "quarantined records: see below"
        table.add_row(
            str(f.path),
            r.format,
            f"{r.records_read:,}",
            f"{r.accepted:,}",
            f"{r.duplicates:,}",
            f"{r.quarantined:,}",
            note,
        )
    console.print(table)
    for f in done.files:
        if f.quarantine is not None:
            console.print(
                f"quarantined records of {f.path} (record, field, expected, found): {f.quarantine}", soft_wrap=True
            )
    console.print(f"{done.total_calls:,} calls in {done.db}", soft_wrap=True)
    for f in done.failed:
        console.print(f"[red]not read: {f.failure}[/red]", soft_wrap=True)


@traffic_app.command("ingest")
def ingest(
    files: list[Path] = typer.Argument(..., help="EMI (.emi/.dat/.duf), CSV or Parquet call-record files."),
    calls_db: Path = CallsDbOpt,
    db: str | None = DbOpt,
    db_password_file: Path | None = DbPasswordFileOpt,
    wait: float = typer.Option(
        30.0, "--wait", min=0, help="Seconds to wait while another ingest holds the call store, then stop."
    ),
) -> None:
    """Load call-record files into DuckDB; a file or call already loaded is not loaded twice.
    Each file's load is recorded in the audit log of --db."""
    from ..app.traffic import ingest_files

    audit_log = open_db(db, db_password_file)

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("ingesting", total=len(files))

        def next_file(path: Path) -> None:
            progress.update(task, description=f"ingesting {path.name}", completed=files.index(path))

        done = ingest_files(calls_db, files, on_file=next_file, audit_log=audit_log, wait_s=wait)
    _print_ingested(done)
    if done.failed:
        raise typer.Exit(1)


@traffic_app.command("check")
def check(
    out: Path = typer.Option(..., "--out", help="Directory for findings (Parquet/CSV) and summaries."),
    calls_db: Path | None = typer.Option(
        None, "--calls-db", help=f"DuckDB file from `icaops traffic ingest` (default: {DEFAULT_CALLS_DB})."
    ),
    parquet: str | None = typer.Option(None, "--parquet", help="Parquet file or glob of CALL_RECORD_SCHEMA rows."),
    backend: str = typer.Option("duckdb", "--backend", help="duckdb or pyspark."),
    agreement: str = AgreementOpt,
    providers: Path = ProvidersOpt,
    clec_ocn: str | None = typer.Option(
        None, "--clec-ocn", help="Attribute every call to this CLEC OCN (default: the providers file's clec.ocn)."
    ),
    as_of: str | None = typer.Option(None, "--as-of", help="Registry facts known on this date (ISO)."),
    reference: Path | None = ReferenceOpt,
    db: str | None = DbOpt,
    db_password_file: Path | None = DbPasswordFileOpt,
) -> None:
    """Check every call (CPA.1.1, 1.4, 7, 8, 9, 10), write findings with clause ids, print a summary.
    Reading the call records is recorded in the audit log of --db."""
    from ..app.clock import today
    from ..app.reference import reference_for_check
    from ..app.traffic import check_calls, load_registry
    from ..traffic.report import write_check

    loaded = open_agreement(agreement)
    audit_log = open_db(db, db_password_file)
    registry, spec_ocn = load_registry(providers)
    on = _date(as_of, "--as-of")
    used = reference_for_check(audit_log, reference, on or today(loaded))
    console.print(f"numbering data: {used.origin}", soft_wrap=True)
    with console.status(f"checking calls on {backend}…"):
        result = check_calls(
            loaded,
            registry,
            db=calls_db,
            parquet=parquet,
            backend=backend,
            as_of=on,
            clec_ocn=clec_ocn or spec_ocn,
            audit_log=audit_log,
            reference=used.data,
        )
        written = write_check(result, out)
    print_findings(result)
    print_undetermined(result)
    console.print(f"wrote {', '.join(sorted(p.name for p in written.values()))} to {out}")


@traffic_app.command("report")
def report(
    out: Path = typer.Option(..., "--out", help="Directory for report.html and its PNG charts."),
    source: Path | None = typer.Option(None, "--from", help="Output of `icaops traffic check` (default: --out)."),
    agreement: str = AgreementOpt,
    inline: bool = typer.Option(False, "--inline", help="Embed the charts in the HTML as well."),
    first: int = typer.Option(50, "--first", help="How many findings to list in detail."),
    db: str | None = DbOpt,
    db_password_file: Path | None = DbPasswordFileOpt,
) -> None:
    """Write the HTML report: calls per minute with DoS windows, findings by kind with clauses, compensation.
    Reading the findings is recorded in the audit log of --db."""
    from ..app.traffic import write_report_from

    loaded = open_agreement(agreement)
    audit_log = open_db(db, db_password_file)
    with console.status("drawing charts…"):
        path = write_report_from(source or out, loaded, out, inline=inline, first_findings=first, audit_log=audit_log)
    console.print(f"wrote {path}")


@traffic_app.command("generate")
def generate(
    out: Path = typer.Option(..., "--out", help="Output file: .parquet, .emi/.dat or .csv."),
    date: str | None = typer.Option(None, "--date", help="The day (ISO); default: the spec's date."),
    calls: int = typer.Option(200_000, "--calls", min=1, help="About how many call records."),
    seed: int = typer.Option(0, "--seed"),
    spec: Path = typer.Option(
        DEMO_DAY_SPEC, "--spec", help="Day description (see icaops/traffic/samples/demo_day.yaml)."
    ),
    reference: Path | None = typer.Option(
        None, "--reference", help="Folder with reference.yaml naming the numbering files (default: the shipped ones)."
    ),
    agreement: str = AgreementOpt,
) -> None:
    """Generate a day of traffic: diurnal mix, a DoS burst, altered CPNs, VoIP 911, an unnotified provider."""
    from ..app.reference import reference_for_check
    from ..app.traffic import generate_sample_day

    loaded = open_agreement(agreement)
    day = _date(date, "--date")
    numbering = reference_for_check(None, reference, day or dt.date.min).data if reference is not None else None
    with console.status(f"generating {calls:,} calls…"):
        generated = generate_sample_day(loaded, spec, out, calls=calls, seed=seed, day=day, reference=numbering)
    planted = ", ".join(f"{k} {v:,}" for k, v in generated.planted.items())
    console.print(f"wrote {generated.calls.num_rows:,} calls for {generated.date} to {out} (planted: {planted})")


def print_demo_day(demo: DemoDay) -> None:
    """The demo's day of traffic: what was generated, ingested and found, with clauses."""
    day = demo.day
    console.rule("[bold]A day of Carrier Partner traffic (CPA.1-11)")
    console.print(
        f"generated {day.calls.num_rows:,} calls for {day.date} → {demo.day_file} "
        f"({demo.generate_s:.1f} s); planted: " + ", ".join(f"{k} {v:,}" for k, v in day.planted.items())
    )
    r = demo.ingested.files[0].report
    if r is not None:
        console.print(
            f"ingested {demo.day_file.name} into {demo.ingested.db}: "
            + (
                "already ingested (same sha256)"
                if r.already_ingested
                else f"{r.accepted:,} accepted, {r.duplicates:,} duplicates, {r.quarantined:,} quarantined ({r.seconds:.1f} s)"
            )
        )
    console.print(f"checked in {demo.check_s:.1f} s")
    print_findings(demo.check)
    print_undetermined(demo.check)
    console.print(f"findings: {demo.check_dir} (Parquet, CSV); report: {demo.report}")
