"""The steps behind `icaops traffic …` and the demo: registry from a file, check from DuckDB, printing."""

from __future__ import annotations

import csv
import datetime as dt
import time
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
from rich.console import Console
from rich.table import Table

from icaops.terms.loader import Agreement
from icaops.terms.yamlsource import read_yaml
from icaops.traffic.providers import ProviderRegistry
from icaops.traffic.reference import ReferenceData
from icaops.traffic.samples.day_spec import SpecError, provider_fact

if TYPE_CHECKING:  # the pipeline (Ibis) loads only when a command needs it
    from icaops.traffic.pipeline import TrafficCheck, TrafficChecks

__all__ = ["DEFAULT_DB", "check_from_db", "check_parquet", "demo_steps", "export_quarantine", "load_registry",
           "prepare", "print_findings"]

DEFAULT_DB = Path("out/traffic/traffic.duckdb")


def load_registry(path: Path) -> tuple[ProviderRegistry, str | None]:
    """The provider registry from a YAML file's `facts:` list, and its `clec: ocn` if any."""
    doc, errors = read_yaml(Path(path))
    if doc is None or errors:
        raise SpecError("; ".join(str(e) for e in errors) or f"{path}: expected a YAML mapping")
    data = doc.data if isinstance(doc.data, dict) else {}
    if not isinstance(data.get("facts"), list):
        raise SpecError(f"{doc.file}: facts: expected a list of provider facts (see icaops/traffic/samples/demo_day.yaml)")
    facts = [provider_fact(f, doc.where(("facts", i))) for i, f in enumerate(data["facts"])]
    clec = data.get("clec") if isinstance(data.get("clec"), dict) else {}
    return ProviderRegistry.from_facts(facts), (str(clec["ocn"]) if clec.get("ocn") else None)


def prepare(agreement: Agreement, reference: ReferenceData, registry: ProviderRegistry, *, backend: str = "duckdb",
            as_of: dt.date | None = None, clec_ocn: str | None = None) -> TrafficChecks:
    """The checks under the terms in force on `as_of` (else the latest), on a new connection to `backend`."""
    from icaops.traffic.pipeline import connect, prepare_checks

    terms = agreement.terms_at(as_of) if as_of else agreement.terms
    return prepare_checks(terms, reference, registry, connect(backend), as_of=as_of, clec_ocn=clec_ocn)


def check_parquet(glob: str, checks: TrafficChecks) -> TrafficCheck:
    """Check the calls in a Parquet file or glob of CALL_RECORD_SCHEMA rows."""
    from icaops.traffic.pipeline import calls_from_parquet, check_traffic

    return check_traffic(calls_from_parquet(checks.con, glob), checks)


def check_from_db(db: Path, checks: TrafficChecks) -> TrafficCheck:
    """Check the calls stored by `icaops traffic ingest` (read through Arrow, in the canonical schema)."""
    import pyarrow as pa

    from icaops.traffic.pipeline import calls_from_arrow, check_traffic
    from icaops.traffic.records import CALL_RECORD_SCHEMA

    con = duckdb.connect(str(db), read_only=True)
    try:
        con.execute("SET TimeZone = 'UTC'")
        calls = con.sql(f"SELECT {', '.join(CALL_RECORD_SCHEMA.names)} FROM call_records").to_arrow_table()
    finally:
        con.close()
    calls = pa.table([calls.column(f.name).cast(f.type) for f in CALL_RECORD_SCHEMA], schema=CALL_RECORD_SCHEMA)
    return check_traffic(calls_from_arrow(calls), checks)


def export_quarantine(con: duckdb.DuckDBPyConnection, sha256: str, source: Path, folder: Path) -> Path:
    """Write the quarantined records of one ingested file to CSV (file, record, field, expected, found, raw)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{source.name}.{sha256[:12]}.quarantine.csv"
    rows = con.execute("SELECT source_file, record_no, byte_offset, field, expected, found, raw FROM quarantine "
                       "WHERE file_sha256 = ? ORDER BY record_no", [sha256]).fetchall()
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["source_file", "record_no", "byte_offset", "field", "expected", "found", "raw"])
        writer.writerows(rows)
    return path


def print_findings(console: Console, result: TrafficCheck) -> None:
    """Findings by kind with their clauses, then the DoS events (CPA.8) with the remedy."""
    import pyarrow.compute as pc

    table = Table(title=f"{result.records:,} calls checked on {result.backend}: findings by kind")
    for col, justify in (("kind", "left"), ("clause", "left"), ("findings", "right"), ("example", "left")):
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
        console.print(f"[bold red]{event.type}[/bold red] {event.date} {data.get('scope', '')} {data.get('key', '')}: "
                      f"breached {data.get('breached', '')} [green]\\[{data.get('clause', '')}][/green]")
        if data.get("remedy"):
            console.print(f"   remedy: {data['remedy']}")


def demo_steps(out_dir: Path, console: Console, calls: int = 200_000) -> None:
    """Generate a day (`calls` records), ingest it, check it, print the findings, write the report."""
    from icaops.terms.loader import load_agreement
    from icaops.traffic.ingest import ingest_file
    from icaops.traffic.reference import load_shipped_reference
    from icaops.traffic.report import write_check, write_report
    from icaops.traffic.samples.day import generate_day, write_day
    from icaops.traffic.samples.day_spec import demo_registry, load_day_spec

    out_dir = Path(out_dir)
    agreement = load_agreement("centurylink-granite-id-2012")
    spec, reference = load_day_spec(), load_shipped_reference()
    console.rule("[bold]A day of Carrier Partner traffic (CPA.1-11)")
    started = time.perf_counter()
    day = generate_day(spec, reference, agreement.terms, calls=calls, source_file=f"day-{spec.date}.parquet")
    path = write_day(day, out_dir / f"day-{day.date}.parquet")
    console.print(f"generated {day.calls.num_rows:,} calls for {day.date} → {path} "
                  f"({time.perf_counter() - started:.1f} s); planted: "
                  + ", ".join(f"{k} {v:,}" for k, v in day.planted.items()))
    db = out_dir / "traffic.duckdb"
    con = duckdb.connect(str(db))
    con.execute("SET enable_progress_bar = false")
    r = ingest_file(con, path)
    con.close()
    console.print(f"ingested {path.name} into {db}: " + ("already ingested (same sha256)" if r.already_ingested else
                  f"{r.accepted:,} accepted, {r.duplicates:,} duplicates, {r.quarantined:,} quarantined ({r.seconds:.1f} s)"))
    started = time.perf_counter()
    checks = prepare(agreement, reference, demo_registry(spec), as_of=day.date, clec_ocn=spec.clec_ocn)
    result = check_from_db(db, checks)
    console.print(f"checked in {time.perf_counter() - started:.1f} s")
    print_findings(console, result)
    write_check(result, out_dir / "check")
    report = write_report(result, agreement.terms_at(day.date), out_dir / "report")
    console.print(f"findings: {out_dir / 'check'} (Parquet, CSV); report: {report}")
