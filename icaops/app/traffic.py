"""Traffic operations: ingest call records into the call store (DuckDB), check them against the
Carrier Partner Amendment (CPA.1-11), write findings and the report, generate a sample day."""

from __future__ import annotations

import csv
import datetime as dt
import glob as globbing
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from ..privatefiles import private_database_file, private_file, private_folder, private_umask
from ..terms.loader import Agreement
from ..terms.yamlsource import read_yaml
from ..traffic.providers import ProviderRegistry
from ..traffic.providers.parse import SpecError, provider_fact
from ..traffic.reference import ReferenceData
from .audit import audit, file_sha256
from .callstore import INGEST_WAIT_S, open_for_writing
from .errors import UserError

if TYPE_CHECKING:  # the pipeline (Ibis), the ingest and the store load only when an operation needs them
    from sqlalchemy import Engine

    from ..traffic.ingest import IngestReport
    from ..traffic.pipeline import TrafficCheck, TrafficChecks
    from ..traffic.samples.day import GeneratedDay

__all__ = [
    "BACKENDS",
    "DEFAULT_CALLS_DB",
    "DemoDay",
    "FileIngested",
    "Ingested",
    "check_calls",
    "check_from_db",
    "check_parquet",
    "demo_day",
    "export_quarantine",
    "generate_sample_day",
    "ingest_files",
    "load_registry",
    "prepare",
    "write_report_from",
]

DEFAULT_CALLS_DB = Path("out/traffic/traffic.duckdb")
BACKENDS = ("duckdb", "pyspark")


def load_registry(path: Path) -> tuple[ProviderRegistry, str | None]:
    """The provider registry from a YAML file's `facts:` list, and its `clec: ocn` if any."""
    doc, errors = read_yaml(Path(path))
    if doc is None or errors:
        raise UserError(
            f"--providers {path}: not a readable YAML file", field="--providers", details=tuple(str(e) for e in errors)
        )
    data = doc.data if isinstance(doc.data, dict) else {}
    if not isinstance(data.get("facts"), list):
        raise UserError(
            f"{doc.file}: facts: expected a list of provider facts (see icaops/traffic/samples/demo_day.yaml)",
            field="--providers",
        )
    try:
        facts = [provider_fact(f, doc.where(("facts", i))) for i, f in enumerate(data["facts"])]
    except SpecError as exc:
        raise UserError(str(exc), field="--providers") from None
    clec = raw if isinstance(raw := data.get("clec"), dict) else {}
    return ProviderRegistry.from_facts(facts), (str(clec["ocn"]) if clec.get("ocn") else None)


def prepare(
    agreement: Agreement,
    reference: ReferenceData,
    registry: ProviderRegistry,
    *,
    backend: str = "duckdb",
    as_of: dt.date | None = None,
    clec_ocn: str | None = None,
) -> TrafficChecks:
    """The checks under the terms in force on `as_of` (else the latest), on a new connection to `backend`."""
    from ..traffic.pipeline import connect, prepare_checks

    if backend not in BACKENDS:
        raise UserError(f"--backend: expected {' or '.join(BACKENDS)}, got {backend!r}", field="--backend")
    terms = agreement.terms_at(as_of) if as_of else agreement.terms
    return prepare_checks(terms, reference, registry, connect(backend), as_of=as_of, clec_ocn=clec_ocn)


def check_parquet(pattern: str, checks: TrafficChecks) -> TrafficCheck:
    """Check the calls in a Parquet file or glob of CALL_RECORD_SCHEMA rows."""
    from ..traffic.pipeline import calls_from_parquet, check_traffic

    if not globbing.glob(pattern):
        raise UserError(f"--parquet {pattern!r}: no file matches", code="not_found", field="--parquet")
    return check_traffic(calls_from_parquet(checks.con, pattern), checks)


def check_from_db(db: Path, checks: TrafficChecks) -> TrafficCheck:
    """Check the calls stored by `icaops traffic ingest` (read through Arrow, in the canonical schema)."""
    import pyarrow as pa

    from ..traffic.pipeline import calls_from_arrow, check_traffic
    from ..traffic.records import CALL_RECORD_SCHEMA

    if not db.exists():
        raise UserError(
            f"--calls-db {db}: no such file (run `icaops traffic ingest` first)", code="not_found", field="--calls-db"
        )
    con = duckdb.connect(str(db), read_only=True)
    try:
        con.execute("SET TimeZone = 'UTC'")
        calls = con.sql(f"SELECT {', '.join(CALL_RECORD_SCHEMA.names)} FROM call_records").to_arrow_table()
    finally:
        con.close()
    calls = pa.table([calls.column(f.name).cast(f.type) for f in CALL_RECORD_SCHEMA], schema=CALL_RECORD_SCHEMA)
    return check_traffic(calls_from_arrow(calls), checks)


def check_calls(
    agreement: Agreement,
    registry: ProviderRegistry,
    *,
    db: Path | None,
    parquet: str | None,
    backend: str = "duckdb",
    as_of: dt.date | None = None,
    clec_ocn: str | None = None,
    audit_log: Engine | None = None,
    reference: ReferenceData | None = None,
) -> TrafficCheck:
    """Check the calls of the call store `db` or of the Parquet files `parquet` (one of them) against
    `reference` (default: what `reference_for_check` chooses with `audit_log` as the store);
    reading the call records (CPNI) is recorded in `audit_log` when given."""
    from .clock import today
    from .reference import reference_for_check

    if db is not None and parquet is not None:
        raise UserError("give one of --calls-db PATH or --parquet GLOB, not both", field="--parquet")
    if reference is None:
        reference = reference_for_check(audit_log, None, as_of or today(agreement)).data
    checks = prepare(agreement, reference, registry, backend=backend, as_of=as_of, clec_ocn=clec_ocn)
    result = check_parquet(parquet, checks) if parquet is not None else check_from_db(db or DEFAULT_CALLS_DB, checks)
    if audit_log is not None:
        source = parquet if parquet is not None else str(db or DEFAULT_CALLS_DB)
        audit(audit_log, "calls.read", source, {"records": result.records, "findings": result.findings.num_rows})
    return result


@dataclass(frozen=True, slots=True)
class FileIngested:
    """One file's ingest: its report, the CSV of its quarantined records, or why it was not read."""

    path: Path
    report: IngestReport | None
    quarantine: Path | None = None
    failure: str | None = None


@dataclass(frozen=True, slots=True)
class Ingested:
    """What an ingest did to the call store: each file, and the calls the store now holds."""

    db: Path
    files: tuple[FileIngested, ...]
    total_calls: int

    @property
    def failed(self) -> tuple[FileIngested, ...]:
        """The files that were not read."""
        return tuple(f for f in self.files if f.failure is not None)


def ingest_files(
    db: Path,
    files: Iterable[Path],
    on_file: Callable[[Path], None] | None = None,
    audit_log: Engine | None = None,
    wait_s: float = INGEST_WAIT_S,
) -> Ingested:
    """Load call-record files into the call store; a file or call already loaded is not loaded
    twice. A file that cannot be read is reported with its reason and the others go on. The
    store is owner-only (CPNI); each file's load (its sha256 and counts) is recorded in
    `audit_log` when given. While another ingest holds the store, wait up to `wait_s` seconds,
    then refuse (`UserError`)."""
    from ..traffic.ingest import SourceError, ensure_schema, ingest_file

    private_folder(db.parent)
    if db.exists():
        private_database_file(db)  # a call store written before by a looser version: tightened
    with private_umask():  # DuckDB creates the database and its WAL itself: owner-only (CPNI)
        con = open_for_writing(db, wait_s)
        try:
            con.execute("SET enable_progress_bar = false")  # the front end draws its own
            ensure_schema(con)
            done = []
            for path in files:
                if on_file is not None:
                    on_file(path)
                try:
                    report = ingest_file(con, path)
                except (SourceError, OSError, ValueError) as exc:
                    done.append(FileIngested(path, None, failure=str(exc)))
                    continue
                quarantine = (
                    export_quarantine(con, report.sha256, path, db.parent / "quarantine")
                    if report.quarantined
                    else None
                )
                done.append(FileIngested(path, report, quarantine))
            total = con.execute("SELECT count(*) FROM call_records").fetchone()
        finally:
            con.close()
    if audit_log is not None:
        for f in done:
            audit(audit_log, "calls.ingested", str(f.path), _ingest_detail(db, f))
    return Ingested(db, tuple(done), int(total[0]) if total else 0)


def _ingest_detail(db: Path, f: FileIngested) -> dict[str, object]:
    """What the audit log keeps of one file's ingest."""
    if f.report is None:
        return {"path": str(f.path), "calls_db": str(db), "sha256": file_sha256(f.path), "failure": f.failure}
    r = f.report
    return {
        "path": str(f.path),
        "calls_db": str(db),
        "sha256": r.sha256,
        "read": r.records_read,
        "added": r.accepted,
        "duplicates": r.duplicates,
        "refused": r.quarantined,
        "already_ingested": r.already_ingested,
    }


def export_quarantine(con: duckdb.DuckDBPyConnection, sha256: str, source: Path, folder: Path) -> Path:
    """Write the quarantined records of one ingested file to CSV (file, record, field, expected, found, raw),
    owner-only: the raw records hold calling numbers (CPNI)."""
    path = private_folder(folder) / f"{source.name}.{sha256[:12]}.quarantine.csv"
    rows = con.execute(
        "SELECT source_file, record_no, byte_offset, field, expected, found, raw FROM quarantine "
        "WHERE file_sha256 = ? ORDER BY record_no",
        [sha256],
    ).fetchall()
    with private_file(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["source_file", "record_no", "byte_offset", "field", "expected", "found", "raw"])
        writer.writerows(rows)
    return path


def write_report_from(
    check_dir: Path,
    agreement: Agreement,
    out: Path,
    *,
    inline: bool = False,
    first_findings: int = 50,
    audit_log: Engine | None = None,
) -> Path:
    """The HTML report (charts, findings by kind with clauses, compensation) of a check's output
    folder; reading the findings (calling numbers: CPNI) is recorded in `audit_log` when given."""
    from ..traffic.report import read_check, write_report

    try:
        result = read_check(check_dir)
    except (FileNotFoundError, ValueError) as exc:
        raise UserError(str(exc), code="not_found", field="--from") from None
    path = write_report(result, agreement.terms, out, inline=inline, first_findings=first_findings)
    if audit_log is not None:
        audit(audit_log, "findings.read", str(check_dir), {"findings": result.findings.num_rows, "report": str(path)})
    return path


def generate_sample_day(
    agreement: Agreement,
    spec_path: Path,
    out: Path,
    *,
    calls: int,
    seed: int = 0,
    day: dt.date | None = None,
    reference: ReferenceData | None = None,
) -> GeneratedDay:
    """A sample day of traffic (diurnal mix, a DoS burst, altered CPNs, VoIP 911, an unnotified
    provider) described by the spec file, written to `out` (.parquet, .emi/.dat or .csv), with
    numbers from `reference` (default: the shipped reference data)."""
    from ..traffic.reference import load_shipped_reference
    from ..traffic.samples.day import generate_day, write_day
    from ..traffic.samples.day_spec import load_day_spec

    try:
        generated = generate_day(
            load_day_spec(spec_path),
            reference or load_shipped_reference(),
            agreement.terms,
            calls=calls,
            seed=seed,
            day=day,
            source_file=out.name,
        )
        write_day(generated, out)
    except (SpecError, ValueError) as exc:
        raise UserError(str(exc), field="--spec") from None
    return generated


@dataclass(frozen=True, slots=True)
class DemoDay:
    """The demo's day of traffic: generated, ingested, checked, reported; with timings."""

    day: GeneratedDay
    day_file: Path
    generate_s: float
    ingested: Ingested
    check: TrafficCheck
    check_s: float
    check_dir: Path
    report: Path


def demo_day(
    agreement: Agreement,
    out_dir: Path,
    calls: int = 200_000,
    audit_log: Engine | None = None,
    reference: ReferenceData | None = None,
) -> DemoDay:
    """Generate a day (`calls` records) from the shipped spec, ingest it, check it, write the
    findings and the report under `out_dir` (the ingest and the read audited in `audit_log`);
    numbers and checks use `reference` (default: the shipped reference data, which the spec's
    providers and blocks are written for)."""
    from ..traffic.reference import load_shipped_reference
    from ..traffic.report import write_check, write_report
    from ..traffic.samples.day import generate_day, write_day
    from ..traffic.samples.day_spec import demo_registry, load_day_spec

    spec, reference = load_day_spec(), reference or load_shipped_reference()
    started = time.perf_counter()
    day = generate_day(spec, reference, agreement.terms, calls=calls, source_file=f"day-{spec.date}.parquet")
    path = write_day(day, out_dir / f"day-{day.date}.parquet")
    generate_s = time.perf_counter() - started
    ingested = ingest_files(out_dir / "traffic.duckdb", [path], audit_log=audit_log)
    started = time.perf_counter()
    checks = prepare(agreement, reference, demo_registry(spec), as_of=day.date, clec_ocn=spec.clec_ocn)
    result = check_from_db(out_dir / "traffic.duckdb", checks)
    check_s = time.perf_counter() - started
    if audit_log is not None:
        audit(audit_log, "calls.read", str(out_dir / "traffic.duckdb"), {"records": result.records})
    write_check(result, out_dir / "check")
    report = write_report(result, agreement.terms_at(day.date), out_dir / "report")
    return DemoDay(day, path, generate_s, ingested, result, check_s, out_dir / "check", report)
