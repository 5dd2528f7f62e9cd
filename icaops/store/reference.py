"""Numbering reference files in the store (`reference_files`, migration 0009; issue 14).

A load is one or more files of one kind with one effective date; each file is kept whole
(gzip) with its provenance, to be read again by the same loader at every check. Nothing is
edited: a later load supersedes an earlier one from its effective date.
"""

from __future__ import annotations

import datetime as dt
import gzip
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, Row, func, insert, select

from .audit import current_actor, now
from .models import ReferenceFileRow

__all__ = ["StoredFile", "StoredReference", "add_reference_load", "effective_reference", "reference_loads"]


@dataclass(frozen=True, slots=True)
class StoredFile:
    """A file to store: kind, name, sha256, rows, the warnings it was loaded with, its bytes."""

    kind: str
    name: str
    sha256: str
    rows: int
    warnings: tuple[str, ...]
    content: bytes


@dataclass(frozen=True, slots=True)
class StoredReference:
    """A stored file's provenance (and its bytes when asked for)."""

    load_seq: int
    kind: str
    name: str
    sha256: str
    rows: int
    effective_on: dt.date
    loaded_at: dt.datetime
    loaded_by: str
    warnings: tuple[str, ...]
    content: bytes | None = None


def add_reference_load(
    conn: Connection,
    files: Sequence[StoredFile],
    effective_on: dt.date,
    at: dt.datetime | None = None,
    actor: str | None = None,
) -> int:
    """Store `files` as one load effective from `effective_on`; returns its load number."""
    seq = int(conn.execute(select(func.coalesce(func.max(ReferenceFileRow.load_seq), 0))).scalar_one()) + 1
    when, who = at or now(), actor if actor is not None else current_actor()
    conn.execute(
        insert(ReferenceFileRow),
        [
            {
                "load_seq": seq,
                "kind": f.kind,
                "name": f.name,
                "sha256": f.sha256,
                "rows": f.rows,
                "effective_on": effective_on,
                "loaded_at": when,
                "loaded_by": who,
                "warnings": list(f.warnings),
                "content": gzip.compress(f.content, mtime=0),
            }
            for f in files
        ],
    )
    return seq


def _stored(row: Row, with_content: bool) -> StoredReference:
    return StoredReference(
        row.load_seq,
        row.kind,
        row.name,
        row.sha256,
        row.rows,
        row.effective_on,
        row.loaded_at,
        row.loaded_by,
        tuple(row.warnings or ()),
        gzip.decompress(row.content) if with_content else None,
    )


def reference_loads(conn: Connection) -> list[StoredReference]:
    """Every stored file's provenance (no bytes), by load and name."""
    columns = [c for c in ReferenceFileRow.__table__.columns if c.name != "content"]
    rows = conn.execute(select(*columns).order_by(ReferenceFileRow.load_seq, ReferenceFileRow.id)).all()
    return [
        StoredReference(
            r.load_seq, r.kind, r.name, r.sha256, r.rows, r.effective_on, r.loaded_at, r.loaded_by, tuple(r.warnings)
        )
        for r in rows
    ]


def effective_reference(conn: Connection, on: dt.date) -> list[StoredReference]:
    """The files in effect on `on`, with their bytes: per kind, the load with the latest effective date
    on or before `on` (the later load when two share it)."""
    loads = conn.execute(
        select(ReferenceFileRow.kind, ReferenceFileRow.load_seq, ReferenceFileRow.effective_on)
        .where(ReferenceFileRow.effective_on <= on)
        .distinct()
    ).all()
    chosen: dict[str, tuple[dt.date, int]] = {}
    for kind, seq, effective in loads:
        if kind not in chosen or (effective, seq) > chosen[kind]:
            chosen[kind] = (effective, seq)
    seqs = [seq for _, seq in chosen.values()]
    if not seqs:
        return []
    table = ReferenceFileRow.__table__
    rows = conn.execute(select(table).where(table.c.load_seq.in_(seqs)).order_by(table.c.id)).all()
    return [_stored(r, True) for r in rows]
