"""Notices through the gateway (III.34): given by a Party about a CLEC account, recorded as the
relationship's `notice.given` event; the day each counts as received is the relationship's own
answer (III.34.1, `Deadlines.notice_received`), read from its projection."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import replace

from sqlalchemy import Engine, select, tuple_

from ...relationship.lifecycle import Lifecycle, Notice
from ...store import writing
from ...store.chain import EVENTS, lock_head
from ...store.models import EventRow
from ...store.projections import head, newest_seq
from ...terms.loader import Agreement
from ...terms.schema import Terms
from ..errors import UserError
from .actions import EVERY_TENANT, Outcome, relationship_now
from .domains import SPECS
from .projection import Refusal, Rows, state_of

__all__ = [
    "NOTICE",
    "cited_refusals",
    "find_notice",
    "notice_clause",
    "notice_methods",
    "notices_page",
    "relationship_today",
]

NOTICE = "notice.given"


def cited_refusals(agreement: Agreement, outcome: Outcome) -> tuple[Refusal, ...]:
    """A refused notice's reasons, each with its clause: the relationship's fold names the field
    and what it expects; where it cites no clause, the rule is the notice terms' (`notice_clause`)."""
    e = outcome.event
    clause = notice_clause(agreement.terms_at(e.date), e.get("method"), e.get("kind"))
    return tuple(replace(r, clause=r.clause or clause) for r in outcome.refusals)


def notice_methods(agreement: Agreement, on: dt.date) -> tuple[tuple[str, str], ...]:
    """(method, label) of every way the terms name to give a notice (III.34.1), as in force on
    `on`; a method of one kind of notice only (`METHOD_for_KIND`) is chosen by the kind itself."""
    methods = agreement.terms_at(on).notices.methods
    return tuple((name, term.value.label) for name, term in methods.items() if "_for_" not in name)


def notice_clause(terms: Terms, method: object, kind: object) -> str:
    """The clause a refused notice cites: the term of the method it names (a kind's own method
    first, as `Deadlines.notice_received` chooses one), else the clause the general methods are
    stated in (the rule of how notice is given)."""
    methods = terms.notices.methods
    term = methods.get(f"{method}_for_{kind}") or (methods.get(str(method)) if "_for_" not in str(method) else None)
    if term is not None:
        return term.clause
    general = Counter(t.clause for name, t in methods.items() if "_for_" not in name)
    return general.most_common(1)[0][0]


def relationship_today(engine: Engine, agreement: Agreement, on: dt.date) -> Lifecycle:
    """The relationship as its projection holds it, brought up to the log first when another
    path recorded events it has not folded (under the log's lock, like a write)."""
    spec = SPECS["relationship"]
    with engine.connect() as conn:
        current = head(conn, spec.domain, EVERY_TENANT)
        if (
            current is not None
            and current.version == spec.version
            and newest_seq(conn, None, spec.handles) <= current.through_seq
        ):
            return state_of(Rows(conn, spec, EVERY_TENANT))
    with writing(engine) as conn:
        lock_head(conn, EVENTS)
        return relationship_now(conn, agreement, on)


def notices_page(
    engine: Engine,
    agreement: Agreement,
    accounts: list[str] | None,
    on: dt.date,
    kind: str | None = None,
    after: tuple[str, str] | None = None,
    limit: int = 50,
) -> list[tuple[str, str, Notice]]:
    """A page of the notices given about these accounts (None: every account), in (account, id)
    order after `after`, of one kind when given."""
    query = select(EventRow.tenant, EventRow.event_id).where(EventRow.type == NOTICE)
    if accounts is not None:
        query = query.where(EventRow.tenant.in_(sorted(accounts)))
    if after is not None:
        query = query.where(tuple_(EventRow.tenant, EventRow.event_id) > tuple_(*after))
    with engine.connect() as conn:
        keys = conn.execute(query.order_by(EventRow.tenant, EventRow.event_id)).all()
    relationship = relationship_today(engine, agreement, on)
    found: list[tuple[str, str, Notice]] = []
    for tenant, notice_id in keys:
        notice = relationship.notices.get(notice_id)
        if notice is None or (kind is not None and notice.kind != kind):
            continue
        found.append((tenant, notice_id, notice))
        if len(found) == limit:
            break
    return found


def find_notice(engine: Engine, notice_id: str) -> str:
    """The account (tenant) a notice was given about; not_found when the log has none."""
    with engine.connect() as conn:
        tenant = conn.execute(
            select(EventRow.tenant).where(EventRow.type == NOTICE, EventRow.event_id == notice_id)
        ).scalar()
    if tenant is None:
        raise UserError(f"notice {notice_id}: not found", code="not_found", field="id")
    return str(tenant)
