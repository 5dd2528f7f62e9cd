"""The gateway's one write path: an action of a party becomes a dated event, checked by its
domain's own rules, recorded in the log with the events it derives, all in one transaction.

`record` runs the domain's handler on the new event (the same code the pure fold runs) against
the projections as committed, without the log's lock, so that writers decide side by side. It
then takes the lock and checks, in one statement, that nothing the decision read has moved
since: no event of the account, and no event of the relationship the order gate reads. If
something moved, or a projection was behind the log (a file load), it decides again under the
lock, after bringing the projections up to the log. Then, in the same transaction: the event
(and the events billing prices that it derived) appended to the hash-chained log, the changed
projection rows, the audit row (actor, organisation, object, authorisation reference), the
notifications for subscribers, and the response kept under the client's Idempotency-Key. A
refusal that keeps no record stores no event; its audit row and its kept response are committed
all the same. Nothing is held in the process between calls.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from types import MappingProxyType
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError

from ...billing.books import Books
from ...calendar.deadlines import Deadlines
from ...orders.model import Standing
from ...orders.standing import standing_of
from ...relationship.events import Event
from ...relationship.lifecycle import Lifecycle
from ...store import writing
from ...store.audit import record as audit_record
from ...store.chain import EVENTS, lock_head
from ...store.chain import Head as ChainHead
from ...store.events import append_events, load_events, log_position
from ...store.projections import (
    Head,
    current_heads,
    keep_response,
    kept_response,
    load_row_and_newest,
    load_rows,
    moved_since,
    save_head,
    save_rows,
)
from ...terms.loader import Agreement
from ..clock import today
from ..errors import UserError
from ..events import check_events, schema_for
from .domains import GATE_RELATIONSHIP_EVENTS, SPECS, Context, spec_for
from .projection import Refusal, Rows, Spec, Step, advance_to_log, apply, current_rows, state_of

__all__ = [
    "Action",
    "Check",
    "Idempotency",
    "Outcome",
    "context_for",
    "record",
    "relationship_now",
    "request_hash",
]

EVERY_TENANT = "*"
NEUTRAL_TO_STANDING = frozenset(
    {
        "order.submitted",
        "service.added",
        "service.removed",
        "service.suspended",
        "service.restored",
        "pic.changed",
        "csr.searched",
        "trip.dispatched",
    }
)
"""Charges the gateway derives: a charge recorded late goes on the next open bill (III.9.2), so it
never changes an amount already past due, a deposit, or what is on file — the standing the order
gate reads. Every other event of an account makes its kept standing stale."""


@dataclass(frozen=True, slots=True)
class Action:
    """What a party asks for: an event type and its fields, for an account (the tenant), by an
    actor (user id, organisation, role), with the authorisation reference it relies on if any."""

    account: str
    type: str
    data: Mapping[str, Any]
    actor: str
    organisation: str
    role: str
    subject: str  # the object acted on, for the audit log, e.g. "productOrder/G1/PON-1"
    authorization: str | None = None
    event_id: str | None = None
    actor_email: str | None = None  # how the audit log names the actor (as every read is named); else `actor`


@dataclass(frozen=True, slots=True)
class Idempotency:
    """A client's Idempotency-Key, per organisation, and the hash of the request it came with."""

    principal: str
    key: str
    request_hash: str


@dataclass(frozen=True)
class Outcome:
    """What an action did: the event (stored when `kept`), the refusals, the derived events
    recorded with it, and the domain's state after it (for the response). `extra["before"]` maps
    each projection entry the action changed, (domain, field, key), to what it was before (None:
    new), so that a notification can tell a state change."""

    event: Event
    kept: bool
    refusals: tuple[Refusal, ...]
    emitted: tuple[Event, ...]
    state: Any
    recorded_at: dt.datetime
    extra: Mapping[str, Any] = field(default_factory=dict)


def request_hash(method: str, path: str, body: Any) -> str:
    """The fingerprint of a request an Idempotency-Key is bound to."""
    canonical = json.dumps({"m": method, "p": path, "b": body}, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


Render = Callable[[Outcome], tuple[int, Mapping[str, Any]]]
Notify = Callable[[Connection, Outcome], None]
Check = Callable[[Connection, Event], Step]
"""The domain check of an event no lifecycle projection folds (a billing dispute: collections'
fold of the account with the event), run under the log's lock; a `Step` not kept refuses it."""


def record(
    engine: Engine,
    agreement: Agreement,
    action: Action,
    now: dt.datetime,
    render: Render,
    idempotency: Idempotency | None = None,
    notify: Notify | None = None,
    check: Check | None = None,
) -> tuple[int, Mapping[str, Any], bool]:
    """Perform an action; returns the rendered (status, body) and whether it was a replay of a
    response kept under the same Idempotency-Key. The same key with another request is refused.

    Two requests with the same key at once (a double click sent to two workers): the one whose
    response is kept second gives up its whole transaction and replays the first's."""
    try:
        with writing(engine) as conn:
            if idempotency is not None:
                kept = kept_response(conn, idempotency.principal, idempotency.key)
                if kept is not None:
                    return _replay(kept, idempotency)
            outcome = _perform(conn, agreement, action, now, idempotency, check)
            status, body = render(outcome)
            _audit(conn, action, outcome, status)
            if outcome.kept and notify is not None:
                notify(conn, outcome)
            if idempotency is not None:
                try:
                    keep_response(
                        conn, idempotency.principal, idempotency.key, idempotency.request_hash, status, dict(body),
                        now,
                    )  # fmt: skip
                except IntegrityError:
                    raise _KeyTaken() from None
            return status, body, False
    except _KeyTaken:
        assert idempotency is not None
        with engine.connect() as conn:
            first = kept_response(conn, idempotency.principal, idempotency.key)
        if first is None:  # pragma: no cover - the key's row was committed by the request that took it
            raise
        return _replay(first, idempotency)


class _KeyTaken(Exception):
    """Another request kept its response under the same Idempotency-Key first."""


def _replay(kept: Any, idempotency: Idempotency) -> tuple[int, Mapping[str, Any], bool]:
    if kept.request_hash != idempotency.request_hash:
        raise UserError(
            f"Idempotency-Key {idempotency.key!r} was used with another request; expected the same method, "
            "path and body as its first use, or a new key",
            code="idempotency_key_reused",
            field="Idempotency-Key",
        )
    return kept.status_code, kept.response, True


def _event_id(action: Action, idempotency: Idempotency | None) -> str:
    if action.event_id:
        return action.event_id
    if idempotency is not None:  # the same key always names the same event
        digest = hashlib.sha256(f"{idempotency.principal}\0{idempotency.key}".encode()).hexdigest()[:24]
        return f"{action.type}:{digest}"
    return f"{action.type}:{uuid.uuid4().hex[:24]}"


def _perform(
    conn: Connection,
    agreement: Agreement,
    action: Action,
    now: dt.datetime,
    idem: Idempotency | None,
    check: Check | None = None,
) -> Outcome:
    on = today(agreement, now)
    raw = _checked(agreement, action, on, idem)
    observed, newest_source = log_position(conn)
    # Decide on the log as committed now, without the lock, so that writers decide side by side ...
    decided = _decide(conn, agreement, action, raw, on, newest_source + 1, now, check, locked=False)
    if isinstance(decided, Outcome) and not moved_since(conn, observed, action.account, GATE_RELATIONSHIP_EVENTS)[0]:
        return decided  # a refusal keeps nothing: it stands on what it read, which has not moved
    locked = lock_head(conn, EVENTS)  # until commit: one writer of the log at a time, in commit order
    moved, newest_source = moved_since(conn, observed, action.account, GATE_RELATIONSHIP_EVENTS)
    if decided is None or moved or isinstance(decided, Outcome):
        # ... and decide again under the lock when a projection was behind the log or what the
        # decision read (the account's events, the relationship the gate reads) has moved since.
        decided = _decide(conn, agreement, action, raw, on, newest_source + 1, now, check, locked=True)
    if decided is None:  # pragma: no cover - under the lock every projection is brought up to the log
        raise AssertionError("a projection was behind the log under its lock")
    if isinstance(decided, Outcome):
        return decided
    return _append(conn, action, decided, locked, on, now)


def _checked(agreement: Agreement, action: Action, on: dt.date, idem: Idempotency | None) -> dict[str, Any]:
    """The action as an event of the day, checked against its schema (a UserError if it is not one)."""
    terms = agreement.terms_at(on)
    schema = schema_for(action.type, terms)
    if schema is None:
        raise UserError(f"{action.type}: not an event type of this agreement", code="invalid", field="type")
    raw = {"id": _event_id(action, idem), "date": on.isoformat(), "type": action.type, **action.data}
    if "account" in schema.model_fields:  # other events belong to the account's log by where they are stored
        raw["account"] = action.account
    problems = check_events([raw], terms, frozenset({action.account}), "request")
    if problems:
        p = problems[0]
        raise UserError(f"{action.type}: {p.field}: expected {p.expected}", code="invalid", field=p.field or None)
    return raw


@dataclass
class _Decision:
    """A kept step not yet recorded: the event and what it derived (numbered provisionally), the
    projection rows it changed by domain (with their tenant), and the standings it read."""

    event: Event
    step: Step
    rows: dict[str, tuple[str, Rows]]
    standings: dict[tuple[str, dt.date], Standing]


class _Behind(Exception):
    """A projection has events of the log to fold first (only under the log's lock)."""


def _decide(
    conn: Connection,
    agreement: Agreement,
    action: Action,
    raw: Mapping[str, Any],
    on: dt.date,
    seq: int,
    now: dt.datetime,
    check: Check | None,
    locked: bool,
) -> _Decision | Outcome | None:
    """Run the domain's step on the event: a refusal as an Outcome, a kept step as a _Decision;
    None when, without the lock, a projection it needs is behind the log."""
    event = Event(
        raw["id"], on, action.type, tuple((k, v) for k, v in raw.items() if k not in ("id", "date", "type")), seq
    )
    standings: dict[tuple[str, dt.date], Standing] = {}
    known = None if locked else current_heads(conn, _heads_read(action))
    ctx = _context(conn, agreement, on, standings, locked, known)
    if ctx is None:
        return None
    rows: dict[str, tuple[str, Rows]] = {}

    def rows_of(spec: Spec) -> Rows:
        if spec.domain not in rows:
            tenant, sources = _partition(spec, action.account)
            found = (
                advance_to_log(conn, spec, tenant, sources, lambda e: ctx)
                if locked
                else current_rows(conn, spec, tenant, sources, known)
            )
            if found is None:
                raise _Behind(spec.domain)
            rows[spec.domain] = (tenant, found)
        return rows[spec.domain][1]

    step = Step(None, (), True, ())  # an event no lifecycle folds (e.g. a billing dispute) is recorded as given
    try:
        if check is not None:  # ... unless its domain's own check refuses it
            step = check(conn, event)
            if not step.kept:
                return Outcome(event, False, step.refusals, (), step.state, now)
        for i, spec in enumerate(spec_for(action.type)):
            kept_rows = rows_of(spec)
            kept_rows.preload(spec.wanted_by(event))
            done = apply(kept_rows, event, ctx)
            if i == 0:
                step = done
                if not step.kept:
                    return Outcome(event, False, step.refusals, (), step.state, now)
        for derived in step.emitted:
            for spec in spec_for(derived.type):
                apply(rows_of(spec), derived, ctx)
    except _Behind:
        return None
    return _Decision(event, step, rows, standings)


def _heads_read(action: Action) -> list[tuple[str, str, list[str] | None, frozenset[str]]]:
    """The projections an action reads: the relationship the gate reads and its own domains'."""
    specs = {SPECS["relationship"].domain: SPECS["relationship"], **{s.domain: s for s in spec_for(action.type)}}
    return [(spec.domain, *_partition(spec, action.account), spec.handles) for spec in specs.values()]


def _append(
    conn: Connection, action: Action, decided: _Decision, locked: ChainHead, on: dt.date, now: dt.datetime
) -> Outcome:
    """Record a decision (the caller holds the log's lock): the event and what it derived, the
    changed projection rows and their heads, the standing it leaves as it was."""
    event = decided.event
    emitted = tuple(_renumber(e, event.seq + 1 + i) for i, e in enumerate(decided.step.emitted))
    appended = append_events(
        conn, (event, *emitted), tenant=action.account, source=f"api:{action.actor}", locked=locked
    )
    if appended.errors:
        raise UserError(
            "; ".join(f"{e.event}: {e.field}: expected {e.expected}" for e in appended.errors),
            code="conflict",
            field=appended.errors[0].field,
        )
    rows = decided.rows
    before = {(domain, *where): old for domain, (_, r) in rows.items() for where, old in r.changes().items()}
    through = appended.last_seq  # every event of these tenants up to the log's newest is folded
    for domain, (tenant, kept_rows) in rows.items():
        kept_rows.flush(through)
        save_head(conn, domain, tenant, Head(through, on, SPECS[domain].version))
    _standing_still_fresh(conn, action.account, on, (event, *emitted), through, decided.standings)
    step = decided.step
    return Outcome(event, True, step.refusals, emitted, step.state, now, {"before": MappingProxyType(before)})


def _partition(spec: Spec, account: str) -> tuple[str, list[str] | None]:
    """Where a projection of `account`'s action is kept, and whose events it folds: the
    relationship the gate reads is one for every tenant; the lifecycles are the account's."""
    return (EVERY_TENANT, None) if spec.domain == "relationship" else (account, [account])


def _renumber(event: Event, seq: int) -> Event:
    return Event(event.id, event.date, event.type, event.data, seq)


# -- what the gate reads: the relationship and the account's standing ------------------------


def relationship_now(conn: Connection, agreement: Agreement, on: dt.date) -> Lifecycle:
    """The relationship as the order gate reads it (set-up and notices of every tenant), brought
    up to the log (the caller holds the log's lock)."""
    return state_of(_relationship_rows(conn, agreement, on, Deadlines(agreement.terms_at(on))))


def _relationship_rows(conn: Connection, agreement: Agreement, on: dt.date, deadlines: Deadlines) -> Rows:
    ctx = Context(agreement.terms_at(on), deadlines, Lifecycle(), lambda a, d: Standing(a))
    return advance_to_log(conn, SPECS["relationship"], EVERY_TENANT, None, lambda e: ctx)


def context_for(conn: Connection, agreement: Agreement, account: str, on: dt.date) -> Context:
    """What a step of `account`'s lifecycles reads on `on` (the caller holds the log's lock)."""
    ctx = _context(conn, agreement, on, {}, locked=True)
    if ctx is None:  # pragma: no cover - under the lock the projection is brought up to the log
        raise AssertionError("the relationship projection was behind the log under its lock")
    return ctx


def _context(
    conn: Connection,
    agreement: Agreement,
    on: dt.date,
    seen: dict[tuple[str, dt.date], Standing],
    locked: bool,
    known: Mapping[tuple[str, str], Head | None] | None = None,
) -> Context | None:
    """What a step reads on `on`; None when, without the lock, the relationship is behind the log.
    The standings it reads are noted in `seen`."""
    terms = agreement.terms_at(on)
    deadlines = Deadlines(terms)
    rows = (
        _relationship_rows(conn, agreement, on, deadlines)
        if locked
        else current_rows(conn, SPECS["relationship"], EVERY_TENANT, None, known)
    )
    if rows is None:
        return None
    rel = state_of(rows)
    return Context(terms, deadlines, rel, lambda acct, day: _standing(conn, agreement, acct, day, deadlines, rel, seen))


STANDING = "standing"
"""The projection that keeps an account's standing per day (what the order gate reads from billing)."""


def _standing(
    conn: Connection,
    agreement: Agreement,
    account: str,
    on: dt.date,
    dl: Deadlines,
    rel: Lifecycle,
    seen: dict[tuple[str, dt.date], Standing],
) -> Standing:
    """The account's standing on a day, kept per (account, day) until an event that can change it."""
    key = (STANDING, on.isoformat())
    # any event of the account makes it stale; the gateway's own neutral ones keep it (below)
    kept, newest = load_row_and_newest(conn, STANDING, account, key)
    if kept is not None and kept[0] >= newest:
        standing: Standing = kept[1]
    else:
        events = load_events(conn, account)
        standing = standing_of(Books(agreement, events), account, on, dl, rel)
        save_rows(conn, STANDING, account, {key: ((newest, standing), None, on)}, newest)
    seen[(account, on)] = standing
    return standing


def _standing_still_fresh(
    conn: Connection,
    account: str,
    on: dt.date,
    appended: Sequence[Event],
    through: int,
    seen: Mapping[tuple[str, dt.date], Standing],
) -> None:
    """After the gateway's own events: if they are all neutral to the standing, the day's kept standing stays valid."""
    if any(e.type not in NEUTRAL_TO_STANDING and e.type in _standing_types() for e in appended):
        return
    key = (STANDING, on.isoformat())
    standing = seen.get((account, on))
    if standing is None:  # the action did not read it: keep the one on file, if any, valid
        kept = load_rows(conn, STANDING, account, [key]).get(key)
        if kept is None:
            return
        standing = kept[1]
    save_rows(conn, STANDING, account, {key: ((through, standing), None, on)}, through)


@cache
def _standing_types() -> frozenset[str]:
    """The event types that can change an account's standing (fixed by the code: computed once)."""
    from ..events import EVENT_SCHEMAS

    domains = frozenset().union(*(s.handles for s in SPECS.values() if s.domain != "relationship"))
    return frozenset(EVENT_SCHEMAS) - domains - NEUTRAL_TO_STANDING | GATE_RELATIONSHIP_EVENTS


def _audit(conn: Connection, action: Action, outcome: Outcome, status: int) -> None:
    verb = "recorded" if outcome.kept and not outcome.refusals else ("kept_refused" if outcome.kept else "refused")
    audit_record(
        conn,
        f"{action.type}.{verb}",
        action.subject,
        "; ".join(f"{r.code}: {r.message} ({r.clause})" for r in outcome.refusals),
        {
            "user": action.actor,
            "organisation": action.organisation,
            "role": action.role,
            "account": action.account,
            "event": outcome.event.id,
            "status": status,
            "authorization": action.authorization,
        },
        outcome.recorded_at,
        actor=action.actor_email or action.actor,
    )
