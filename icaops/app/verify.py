"""Verifying the record: are the event log and the ledger as they were written?

`verify_store(engine)` re-checks the hash chains, the derived tables and the guards in one
consistent read (icaops.store.verify) and returns a `VerifyReport`: intact, or each finding
(which table, which record, what was expected). Heads kept from an earlier run (the per-day
heads `icaops verify --heads` prints) are checked against the chain as it is now. The server
calls `verify_store` on start-up; `icaops verify` prints it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, InterfaceError, OperationalError

from ..store import make_engine, migrate
from ..store.db import URL_VARIABLE
from ..store.verify import DayHead, Finding, Walked, check_heads, day_heads, parse_heads, verify
from .errors import UserError

__all__ = ["VerifyReport", "open_store", "read_kept_heads", "verify_store"]


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """What `verify_store` found: each chain's walk, every finding, and the per-day heads."""

    chains: tuple[Walked, ...]
    findings: tuple[Finding, ...]
    heads: tuple[DayHead, ...]

    @property
    def intact(self) -> bool:
        """No damage found."""
        return not self.findings


def verify_store(engine: Engine, kept: Iterable[DayHead] = ()) -> VerifyReport:
    """Check the chains, the derived tables, the guards and the `kept` heads, in one snapshot."""
    options = {"isolation_level": "REPEATABLE READ"} if engine.dialect.name == "postgresql" else {}
    with engine.connect().execution_options(**options) as conn, conn.begin():
        walks, others = verify(conn)
        compared = check_heads(conn, kept)
        heads = day_heads(conn)
    findings = tuple(f for w in walks for f in w.findings) + others + tuple(compared)
    return VerifyReport(walks, findings, heads)


def read_kept_heads(path: Path) -> tuple[DayHead, ...]:
    """Heads kept from an earlier `icaops verify --heads`; an unreadable file or a line that is
    not a head is a `UserError`."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"--compare {path}: cannot read it: {exc}", field="--compare", code="not_found") from None
    heads, errors = parse_heads(text.splitlines(), str(path))
    if errors:
        raise UserError(f"--compare {path}: not a list of heads", field="--compare", details=tuple(errors))
    return tuple(heads)


def open_store(db: str | None) -> Engine:
    """An engine on `db` (default: $ICAOPS_DATABASE_URL, else the embedded SQLite file),
    migrated to the newest schema; a malformed URL or an unreachable database is a `UserError`."""
    given = db or os.environ.get(URL_VARIABLE)
    try:
        shown = make_url(given).render_as_string(hide_password=True) if given else "(default ./.icaops/icaops.sqlite)"
        engine = make_engine(db)
        migrate(engine)
    except ArgumentError as exc:
        raise UserError(f"--db: not a database URL ({exc})", field="--db") from None
    except (OperationalError, InterfaceError) as exc:
        reason = str(exc.orig if exc.orig is not None else exc).strip().splitlines()[0]
        raise UserError(f"--db {shown}: cannot open the database: {reason}", field="--db") from None
    return engine
