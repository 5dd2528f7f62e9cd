"""auditLog: the append-only audit log of every action and every read of customer information,
with the actor, organisation, role, object and authorisation reference (VI.8.3.2, VI.8.4.4),
queryable by CenturyLink's operations and billing and by the auditor (III.7)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query

from ..app.audit import AuditEntry, audit_page
from ..app.errors import UserError
from ..app.identity import authorise
from .deps import ActorDep, GatewayDep, PageDep, cursor_after, next_cursor
from .views import plain

__all__ = ["router"]

router = APIRouter(tags=["auditLog"])

_KEY = "audit"


def entry_view(entry: AuditEntry) -> dict[str, Any]:
    """One audit row as the API shows it."""
    return {
        "id": entry.id,
        "at": entry.at.isoformat(),
        "actor": entry.actor,
        "action": entry.action,
        "subject": entry.subject,
        "reason": entry.reason,
        "detail": plain(entry.detail),
    }


def _since(text: str | None, gw: Any) -> dt.datetime | None:
    """`since` as a moment: a timestamp with its offset, or a date (its start in Central time)."""
    if text is None:
        return None
    try:
        if "T" not in text:
            day = dt.date.fromisoformat(text)
            return dt.datetime.combine(day, dt.time(), ZoneInfo(gw.agreement.terms.calendar.timezone.value))
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise UserError(
            f"since {text!r}: expected a date (2013-03-04) or a timestamp with its offset", field="since"
        ) from None
    if moment.tzinfo is None:
        raise UserError(f"since {text!r}: expected a timestamp with its UTC offset", field="since")
    return moment


@router.get("/auditLog", summary="The audit log, oldest first; filters actor, action, subject, since")
def list_audit(
    gw: GatewayDep,
    actor: ActorDep,
    paging: PageDep,
    by: Annotated[str | None, Query(alias="actor", max_length=100, description="who acted (an e-mail)")] = None,
    action: Annotated[str | None, Query(max_length=100)] = None,
    subject: Annotated[str | None, Query(max_length=300)] = None,
    since: Annotated[str | None, Query(max_length=40, description="a date or a timestamp with its offset")] = None,
) -> dict[str, Any]:
    authorise(actor, "audit.read")
    after = cursor_after(paging)
    if after is not None and (after[0] != _KEY or re.fullmatch(r"[0-9]{1,18}", after[1]) is None):
        raise UserError("cursor: expected the nextCursor of a previous page", code="invalid", field="cursor")
    entries = audit_page(
        gw.engine,
        actor=by,
        action=action,
        subject=subject,
        since=_since(since, gw),
        after=int(after[1]) if after else None,
        limit=paging.limit,
    )
    keyed = [(_KEY, str(e.id), e) for e in entries]
    return {"items": [entry_view(e) for e in entries], "nextCursor": next_cursor(keyed, paging)}
