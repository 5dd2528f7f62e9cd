"""Reads of the lifecycles' objects: one row of a projection, brought up to the log first when
another path (a file load) recorded events the projection has not folded yet."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, Engine, select

from ...relationship.events import Event
from ...store import writing
from ...store.chain import EVENTS, lock_head
from ...store.models import EventRow
from ...store.projections import has_newer, head, list_rows, load_rows
from ...terms.loader import Agreement
from .actions import context_for
from .domains import SPECS, Context
from .projection import advance_to_log

__all__ = ["fetch", "page", "tenants_with"]


def _behind(conn: Connection, domain: str, tenant: str) -> bool:
    spec = SPECS[domain]
    current = head(conn, domain, tenant)
    if current is None or current.version != spec.version:
        return current is not None or has_newer(conn, [tenant], spec.handles, 0)
    return has_newer(conn, [tenant], spec.handles, current.through_seq)


def _catch_up(engine: Engine, agreement: Agreement, domain: str, tenants: Sequence[str], on: dt.date) -> None:
    with engine.connect() as conn:
        behind = [t for t in tenants if _behind(conn, domain, t)]
    if not behind:
        return
    with writing(engine) as conn:
        lock_head(conn, EVENTS)
        for tenant in behind:
            advance_to_log(conn, SPECS[domain], tenant, [tenant], _fixed(context_for(conn, agreement, tenant, on)))


def _fixed(ctx: Context) -> Callable[[Event], Context]:
    return lambda event: ctx


def fetch(engine: Engine, agreement: Agreement, domain: str, tenant: str, field: str, key: str, on: dt.date) -> Any:
    """The object at (field, key) of a tenant's projection, or None."""
    _catch_up(engine, agreement, domain, [tenant], on)
    with engine.connect() as conn:
        return load_rows(conn, domain, tenant, [(field, key)]).get((field, key))


def page(
    engine: Engine,
    agreement: Agreement,
    domain: str,
    tenants: Sequence[str] | None,
    field: str,
    on: dt.date,
    status: str | None = None,
    after: tuple[str, str] | None = None,
    limit: int = 50,
) -> list[tuple[str, str, Any]]:
    """A page of a field's objects of these tenants (None: every tenant), in (tenant, key) order."""
    _catch_up(engine, agreement, domain, tenants if tenants is not None else tenants_with(engine, domain), on)
    with engine.connect() as conn:
        return list_rows(conn, domain, tenants, field, status=status, after=after, limit=limit)


def tenants_with(engine: Engine, domain: str) -> list[str]:
    """The tenants with events of a domain in the log."""
    with engine.connect() as conn:
        query = select(EventRow.tenant).where(EventRow.type.in_(sorted(SPECS[domain].handles))).distinct()
        return sorted(conn.execute(query).scalars())
