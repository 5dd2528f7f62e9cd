"""Numbering reference data as an input (issue 14): load a carrier's files into the store with their
provenance, choose what a traffic check uses, and say what each check can decide with it.

Where it is kept, and why: the SQL store (`reference_files`, migration 0009), not the DuckDB call
store. Reference data is configuration shared by everyone who checks traffic (PostgreSQL in
production), changes monthly with an effective date, and must say who loaded what and when, beside
the audit log; the call store is a per-run working file that `traffic ingest` owns. Each file is
kept whole (gzip) with its sha256 and read again by the same loader at every check, so what a check
used is exactly what was loaded and can be verified against the carrier's copy.

What a check uses: `--reference DIR` (a folder with `reference.yaml`) when given, else the files in
the store in effect on the check's date, else the files shipped with the package (said so).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..traffic.reference import (
    KINDS,
    CoverageRange,
    Named,
    ReferenceData,
    ReferenceDataError,
    ReferenceFile,
    build_reference,
    coverage,
    load_shipped_reference,
    read_reference_file,
    refused_message,
    shipped_latas,
    with_effective,
)
from .audit import audit
from .errors import UserError

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from ..store.reference import StoredReference

__all__ = [
    "ReferenceInUse",
    "ReferenceLoaded",
    "list_reference",
    "load_reference_files",
    "reference_coverage",
    "reference_for_check",
]


@dataclass(frozen=True, slots=True)
class ReferenceLoaded:
    """A load stored: its number, effective date, and the files read (with their warnings)."""

    load_seq: int
    effective: dt.date
    files: tuple[ReferenceFile, ...]


@dataclass(frozen=True, slots=True)
class ReferenceInUse:
    """The reference data a check uses, and where it came from (for the output)."""

    data: ReferenceData
    origin: str


def _read(paths: Sequence[Path], kind: str) -> tuple[tuple[ReferenceFile, bytes], ...]:
    """Each file read as `kind`; a missing or refused file is a UserError naming it (nothing is kept)."""
    if kind not in KINDS:
        raise UserError(f"--kind {kind!r}: expected one of {', '.join(KINDS)}", field="--kind")
    read = []
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UserError(
                f"{path}: expected a readable file ({exc.strerror})", code="not_found", field="FILE"
            ) from None
        read.append((read_reference_file(Named(path.name, data), kind), data))
    message = refused_message(f for f, _ in read)
    if message:
        raise UserError(
            f"nothing loaded: {message.splitlines()[0]}",
            field="FILE",
            details=tuple(str(i) for f, _ in read for i in f.refusals),
        )
    return tuple(read)


def load_reference_files(engine: Engine, paths: Sequence[Path], kind: str, effective: dt.date) -> ReferenceLoaded:
    """Read `paths` as `kind` and store them as one load effective from `effective` (all or none),
    recorded in the audit log."""
    from ..store import writing
    from ..store.reference import StoredFile, add_reference_load

    read = _read(paths, kind)
    stored = [StoredFile(f.kind, f.name, f.sha256, f.rows, tuple(str(i) for i in f.issues), data) for f, data in read]
    with writing(engine) as conn:
        seq = add_reference_load(conn, stored, effective)
    for f in stored:
        audit(engine, "reference.loaded", f.name, {"kind": f.kind, "sha256": f.sha256, "rows": f.rows, "load": seq})
    return ReferenceLoaded(seq, effective, tuple(f for f, _ in read))


def list_reference(engine: Engine) -> list[StoredReference]:
    """Every stored reference file's provenance, by load."""
    from ..store.reference import reference_loads

    with engine.connect() as conn:
        return reference_loads(conn)


def _stored(engine: Engine, on: dt.date) -> ReferenceInUse | None:
    """The files in effect on `on` in the store, or None when none is."""
    from ..store.reference import effective_reference

    with engine.connect() as conn:
        rows = effective_reference(conn, on)
    if not rows:
        return None
    files: list[ReferenceFile] = []
    for r in rows:
        content = r.content or b""
        files.extend(with_effective([read_reference_file(Named(r.name, content), r.kind)], r.effective_on))
    try:
        data = build_reference(files, shipped_latas())
    except ReferenceDataError as exc:
        raise UserError(f"reference data in the store, in effect on {on}: {exc}", field="--db") from None
    names = ", ".join(f"{r.name} ({r.kind}, effective {r.effective_on})" for r in rows)
    return ReferenceInUse(data, f"loaded in the store: {names}")


def reference_for_check(engine: Engine | None, reference_dir: Path | None, on: dt.date) -> ReferenceInUse:
    """What a check on `on` uses: `--reference DIR`, else the store's files in effect, else the shipped files."""
    from ..traffic.reference.manifest import reference_from_dir

    try:
        if reference_dir is not None:
            return ReferenceInUse(reference_from_dir(reference_dir), f"--reference {reference_dir}")
        stored = _stored(engine, on) if engine is not None else None
        if stored is not None:
            return stored
        return ReferenceInUse(
            load_shipped_reference(), "shipped with icaops (no reference loaded: see `icaops reference load`)"
        )
    except ReferenceDataError as exc:
        raise UserError(str(exc), field="--reference") from None


def reference_coverage(
    engine: Engine | None, reference_dir: Path | None, on: dt.date
) -> tuple[ReferenceInUse, tuple[CoverageRange, ...]]:
    """The reference a check on `on` would use and the NPA-NXX ranges each check can decide with it."""
    used = reference_for_check(engine, reference_dir, on)
    return used, coverage(used.data)
