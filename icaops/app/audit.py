"""Who loaded or read customer data, and when (CPNI, 47 U.S.C. 222; VI.8; docs/cpni.md).

Every load (events, usage, call records: the source file, its sha256 and the counts) and
every operation that reads customer data (a bill, a line's explanation, an account's
standing, a bill's outputs, call records checked, findings reported) writes one row to the
store's audit log with its actor (the OS user, or $ICAOPS_ACTOR). `icaops audit list` reads it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the store (SQLAlchemy) loads only when something is recorded or read
    from sqlalchemy import Engine

__all__ = ["CUSTOMER_READ", "AuditEntry", "audit", "audit_entries", "audit_page", "customer_read", "file_sha256"]


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One row of the audit log."""

    at: dt.datetime
    actor: str
    action: str
    subject: str
    reason: str
    detail: Mapping[str, Any]
    id: int = 0  # its place in the log (what a page of it starts after)


def audit(
    engine: Engine, action: str, subject: str, detail: Mapping[str, Any] | None = None, *, actor: str | None = None
) -> None:
    """Record that `actor` (by default the current actor: the OS user or $ICAOPS_ACTOR) did
    `action` on `subject` (e.g. `bill.read`, a bill id)."""
    from ..store import writing
    from ..store.audit import record

    with writing(engine) as conn:
        record(conn, action, subject, detail=dict(detail or {}), actor=actor)


CUSTOMER_READ = "customer_information.read"
"""The audit action of a read that disclosed End User information (names, addresses, lines)."""


def customer_read(
    engine: Engine,
    actor: Any,
    kind: str,
    objects: Sequence[str],
    *,
    authorization: str | None = None,
) -> None:
    """Record that `actor` (an icaops.identity.Actor) was shown End User information: `kind`
    (order, ticket, listing, cpniAuthorization) of `objects` ("ACCOUNT/KEY"), with the
    authorisation relied on if any (VI.8.3.2, VI.8.4.4). A page that shows none records nothing."""
    if not objects:
        return
    subject = f"{kind}/{objects[0]}" if len(objects) == 1 else f"{kind}/{len(objects)} objects"
    detail = {
        "user": actor.user_id,
        "organisation": actor.org_id,
        "role": actor.role,
        "kind": kind,
        "objects": list(objects),
        "token": actor.token_id,
        "authorization": authorization,
    }
    audit(engine, CUSTOMER_READ, subject, detail, actor=actor.email)  # named as every read is (by e-mail)


def audit_entries(engine: Engine, since: dt.date | None = None, actor: str | None = None) -> tuple[AuditEntry, ...]:
    """The audit log in the order it was written: from the start of `since` (UTC) and of one
    `actor` when given."""
    from ..store.audit import audit_rows

    start = dt.datetime.combine(since, dt.time(), dt.UTC) if since else None
    with engine.connect() as conn:
        rows = audit_rows(conn, since=start, actor=actor)
    return tuple(AuditEntry(r.at, r.actor, r.action, r.subject, r.reason, _detail(r.detail)) for r in rows)


def audit_page(
    engine: Engine,
    *,
    actor: str | None = None,
    action: str | None = None,
    subject: str | None = None,
    since: dt.datetime | None = None,
    after: int | None = None,
    limit: int = 50,
) -> tuple[AuditEntry, ...]:
    """A page of the audit log in the order it was written (after the entry with id `after`),
    of one actor, action and/or subject, at or after `since`: what the ILEC and the auditor
    query (VI.8.4.4: each access to customer information with its authorisation)."""
    from ..store.audit import audit_rows

    with engine.connect() as conn:
        rows = audit_rows(conn, subject=subject, action=action, since=since, actor=actor, after=after, limit=limit)
    return tuple(AuditEntry(r.at, r.actor, r.action, r.subject, r.reason, _detail(r.detail), r.id) for r in rows)


def _detail(stored: Any) -> Mapping[str, Any]:
    from ..store.codec import decode

    value = decode(stored)
    return value if isinstance(value, Mapping) else {"value": value}


def file_sha256(path: Path) -> str:
    """The sha256 of a file's bytes, read in blocks ("" when it cannot be read)."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return ""
    return digest.hexdigest()
