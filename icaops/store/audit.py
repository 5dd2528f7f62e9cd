"""The audit log: what the store refused or did, with the reason, never edited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, Row, insert, select

from .codec import encode
from .models import AuditRow

__all__ = ["audit_rows", "now", "record"]


def now() -> dt.datetime:
    """The current time in UTC (the store is the edge; the domain never reads the clock)."""
    return dt.datetime.now(dt.UTC)


def record(
    conn: Connection,
    action: str,
    subject: str,
    reason: str = "",
    detail: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> None:
    """Append one audit row, e.g. `record(conn, "event.rejected", "CLEC001/P-7", why)`."""
    conn.execute(
        insert(AuditRow),
        {"at": at or now(), "action": action, "subject": subject, "reason": reason, "detail": encode(detail or {})},
    )


def audit_rows(conn: Connection, subject: str | None = None, action: str | None = None) -> list[Row]:
    """Audit rows (of one subject and/or action) in the order they were written."""
    query = select(AuditRow).order_by(AuditRow.id)
    if subject is not None:
        query = query.where(AuditRow.subject == subject)
    if action is not None:
        query = query.where(AuditRow.action == action)
    return list(conn.execute(query))
