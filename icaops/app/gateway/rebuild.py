"""Projections recomputed from the event log: they are derived, so a rebuild after a code change,
a restore or any doubt gives back exactly what the log implies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from types import MappingProxyType

from sqlalchemy import Engine, delete, select

from ...store import writing
from ...store.chain import EVENTS, lock_head
from ...store.models import EventRow, ProjectionHeadRow, ProjectionRow
from ...terms.loader import Agreement
from .actions import EVERY_TENANT, STANDING, context_for
from .domains import SPECS
from .projection import rebuild

__all__ = ["rebuild_projections"]


def rebuild_projections(engine: Engine, agreement: Agreement, on: dt.date) -> Mapping[str, int]:
    """Rebuild every projection of every tenant from the log, in one transaction under the log's
    lock (writers wait; readers see the old rows until it commits). Returns the number of
    tenants rebuilt per projection; kept standings are dropped (recomputed when next read)."""
    rebuilt: dict[str, int] = {}
    with writing(engine) as conn:
        lock_head(conn, EVENTS)
        conn.execute(delete(ProjectionRow).where(ProjectionRow.domain == STANDING))
        conn.execute(delete(ProjectionHeadRow).where(ProjectionHeadRow.domain == STANDING))
        relationship = SPECS["relationship"]
        shared = context_for(conn, agreement, EVERY_TENANT, on)
        rebuild(conn, relationship, EVERY_TENANT, None, lambda e: shared)
        rebuilt[relationship.domain] = 1
        for spec in (s for s in SPECS.values() if s.domain != relationship.domain):
            query = select(EventRow.tenant).where(EventRow.type.in_(sorted(spec.handles))).distinct()
            tenants = sorted(conn.execute(query).scalars())
            for tenant in tenants:
                ctx = context_for(conn, agreement, tenant, on)
                rebuild(conn, spec, tenant, [tenant], lambda e, ctx=ctx: ctx)  # type: ignore[misc]
            rebuilt[spec.domain] = len(tenants)
    return MappingProxyType(rebuilt)
