"""Reads of a CLEC's customer-information records kept by the cpni projection: the access log
(every read of customer information, with its authorisation; VI.8.3.2, VI.8.4.4), itself read
only by CenturyLink's operations and the auditor, and that read audited; the Data Validation
Files an account obtained and how many it may still request this quarter (VI.8.5)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Engine

from ...calendar.deadlines import Deadlines
from ...cpni.model import Access, CpniState, DvfRequest
from ...cpni.queries import QUERIES
from ...explain import Explained
from ...identity.model import Actor
from ...terms.loader import Agreement
from ..audit import audit
from ..identity import authorise
from .reads import fetch, tenants_with

__all__ = ["accesses_page", "cpni_state", "dvf_remaining", "dvfs_of"]


def cpni_state(engine: Engine, agreement: Agreement, account: str, on: dt.date) -> Mapping[str, Any]:
    """An account's CPNI facts (LOA periods, authorisations, accesses): one projection row."""
    found = fetch(engine, agreement, "cpni", account, "", "", on)
    return found if found is not None else {}


def accesses_page(
    engine: Engine,
    agreement: Agreement,
    actor: Actor,
    on: dt.date,
    account: str | None = None,
    since: dt.date | None = None,
    after: tuple[str, str] | None = None,
    limit: int = 50,
) -> list[tuple[str, str, Access]]:
    """A page of accesses to customer information (by account, then date, then log order) that
    `actor` may produce (`csr.audit`); the read of the access log is itself audited."""
    authorise(actor, "csr.audit", account)
    tenants = [account] if account is not None else tenants_with(engine, "cpni")
    items: list[tuple[str, str, Access]] = []
    for tenant in tenants:
        if after is not None and tenant < after[0]:
            continue
        # By date, then in log order (the accesses are kept in the order they were recorded).
        accesses = enumerate(cpni_state(engine, agreement, tenant, on).get("accesses", ()))
        found = sorted(((tenant, f"{a.on.isoformat()}/{i:09d}", a) for i, a in accesses), key=lambda row: row[1])
        items += [
            row
            for row in found
            if (since is None or row[2].on >= since) and (after is None or (row[0], row[1]) > after)
        ]
        if len(items) >= limit:
            break
    items = items[:limit]
    audit(
        engine,
        "cpni.access_log.read",
        f"cpniAccess/{account or '*'}",
        {"organisation": actor.org_id, "role": actor.role, "since": since, "returned": len(items)},
        actor=actor.user_id,
    )
    return items


def dvf_remaining(engine: Engine, agreement: Agreement, account: str, on: dt.date) -> Explained[int]:
    """How many Data Validation Files the account may still request in the quarter of `on`
    (VI.8.5.2), explained: the cpni domain's own query over the files it obtained."""
    requested = tuple(d for d in cpni_state(engine, agreement, account, on).get("dvfs", ()) if d.account == account)
    return QUERIES["dvf_remaining"](CpniState(dvfs=requested), account, on, Deadlines(agreement.terms_at(on)))


def dvfs_of(engine: Engine, agreement: Agreement, account: str, on: dt.date) -> tuple[DvfRequest, ...]:
    """The Data Validation Files the account obtained (VI.8.5.1), newest first."""
    found = [d for d in cpni_state(engine, agreement, account, on).get("dvfs", ()) if d.account == account]
    return tuple(sorted(found, key=lambda d: (d.on, d.event_id), reverse=True))
