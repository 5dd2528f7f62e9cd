"""The audit log: what the store refused or did, and what customer data was loaded or read,
by whom, with the reason; never edited."""

from __future__ import annotations

import datetime as dt
import getpass
import os
from typing import Any

from sqlalchemy import Connection, Row, insert, select

from .codec import encode
from .models import AuditRow

__all__ = ["ACTOR_VARIABLE", "audit_rows", "current_actor", "now", "record"]

ACTOR_VARIABLE = "ICAOPS_ACTOR"
ACTOR_MAX = 100  # the column's length


def now() -> dt.datetime:
    """The current time in UTC (the store is the edge; the domain never reads the clock)."""
    return dt.datetime.now(dt.UTC)


def current_actor() -> str:
    """Who is acting: $ICAOPS_ACTOR (set by a service acting for a named person), else the
    operating-system user running the process."""
    given = os.environ.get(ACTOR_VARIABLE, "").strip()
    if given:
        return given[:ACTOR_MAX]
    try:
        return getpass.getuser()[:ACTOR_MAX]
    except (OSError, KeyError):  # no login name and no passwd entry (a bare container)
        return f"uid:{os.getuid()}"


def record(
    conn: Connection,
    action: str,
    subject: str,
    reason: str = "",
    detail: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
    actor: str | None = None,
) -> None:
    """Append one audit row, e.g. `record(conn, "event.rejected", "CLEC001/P-7", why)`; the
    actor is `current_actor()` unless given."""
    conn.execute(
        insert(AuditRow),
        {
            "at": at or now(),
            "actor": actor if actor is not None else current_actor(),
            "action": action,
            "subject": subject[:300],
            "reason": reason,
            "detail": encode(detail or {}),
        },
    )


def audit_rows(
    conn: Connection,
    subject: str | None = None,
    action: str | None = None,
    since: dt.datetime | None = None,
    actor: str | None = None,
    after: int | None = None,
    limit: int | None = None,
) -> list[Row]:
    """Audit rows (of one subject, action and/or actor, at or after `since`) in the order they
    were written; a page of at most `limit` after the row with id `after` when given."""
    query = select(AuditRow).order_by(AuditRow.id)
    if after is not None:
        query = query.where(AuditRow.id > after)
    if limit is not None:
        query = query.limit(limit)
    if subject is not None:
        query = query.where(AuditRow.subject == subject)
    if action is not None:
        query = query.where(AuditRow.action == action)
    if since is not None:
        query = query.where(AuditRow.at >= since)
    if actor is not None:
        query = query.where(AuditRow.actor == actor)
    return list(conn.execute(query))
