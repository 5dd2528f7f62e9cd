"""Webhooks: organisations subscribe callbacks to event types; events are queued for them in the
transaction that records the event (an outbox), and workers send them signed as Standard
Webhooks 1.0.0 does, retried on a fixed schedule, every attempt logged (docs/webhooks.md).

These functions take organisation ids and an actor as plain values: who may act for which
organisation is decided by the caller (the REST API, the command line).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import math
import secrets
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import httpx
from standardwebhooks import Webhook

from .errors import UserError
from .webhook_urls import CallbackPolicy, callback_policy, check_callback

if TYPE_CHECKING:  # the store (SQLAlchemy) loads only when a function runs
    from sqlalchemy import Connection, Engine, Row

__all__ = [
    "EVENT_TYPES",
    "LEASE",
    "RETRY_SCHEDULE",
    "SECRET_BYTES",
    "STATUSES",
    "TIMEOUT_S",
    "Attempt",
    "Delivery",
    "DeliveryLog",
    "DeliveryReport",
    "Subscription",
    "deliver_due",
    "delivery_log",
    "enqueue",
    "enqueue_for_account",
    "get_subscription",
    "list_subscriptions",
    "message_id",
    "subscribe",
    "unsubscribe",
    "webhook_client",
]

# The event types we publish (TMF naming: <resource><what>Event), each with when it is sent.
EVENT_TYPES: Mapping[str, str] = MappingProxyType(
    {
        "ProductOrderCreateEvent": "an LSR order was received (IV.7)",
        "ProductOrderStateChangeEvent": "an order changed state: acknowledged, rejected, confirmed, "
        "in jeopardy, completed, cancelled (IV.7.2, IV.9.1, VI.16)",
        "TroubleTicketCreateEvent": "a trouble ticket was opened (V.2)",
        "TroubleTicketStateChangeEvent": "a trouble ticket changed state: dispatched, restored, closed (V.2, V.2.6)",
        "CustomerBillCreateEvent": "a bill was issued (III.9.2)",
        "BillingDisputeCreateEvent": "a billing dispute was filed (III.9.4)",
        "BillingDisputeStateChangeEvent": "a billing dispute changed state, e.g. was resolved (III.9.4.1)",
        "DosAlertCreateEvent": "a Denial-of-Service attack from a provider was declared or detected (CPA.8)",
        "NoticeCreateEvent": "a notice was given through the system (III.34)",
        "DeadlineReminderEvent": "a deadline of the agreement is near (the deadline's clause)",
    }
)

# Standard Webhooks 1.0.0, "Deliverability and reliability", recommends retrying on a schedule
# with exponential backoff and gives an example table; this is the schedule the spec's authors
# (Svix) run: the first attempt immediately, then each delay after the previous failure.
RETRY_SCHEDULE: tuple[dt.timedelta, ...] = (
    dt.timedelta(0),
    dt.timedelta(seconds=5),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=5),
    dt.timedelta(hours=10),
    dt.timedelta(hours=10),
)
TIMEOUT_S = 15.0  # Standard Webhooks 1.0.0, "Request timeouts": 15 to 30 s
LEASE = dt.timedelta(seconds=4 * TIMEOUT_S)  # a claimed delivery is not taken by another worker before
SECRET_BYTES = 32  # Standard Webhooks: a random secret of 24 to 64 bytes
STATUSES = ("pending", "delivered", "failed")
ORG_MAX = 64
ERROR_MAX = 500
GONE = 410  # Standard Webhooks: the receiver wants no more webhooks; the endpoint is disabled


@dataclass(frozen=True, slots=True)
class Subscription:
    """A callback of an organisation and the event types sent to it (the secret is never shown again)."""

    id: str
    org_id: str
    callback: str
    event_types: tuple[str, ...]
    created_at: dt.datetime
    deleted_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class Attempt:
    """One try at sending a delivery: the HTTP status (None: no answer) or the error."""

    at: dt.datetime
    status_code: int | None
    error: str | None
    duration_ms: int


@dataclass(frozen=True, slots=True)
class Delivery:
    """One event sent (or to send) to one subscription, with its attempts so far."""

    id: int
    subscription_id: str
    message_id: str
    event_type: str
    payload: Mapping[str, Any]
    status: str
    attempts: int
    created_at: dt.datetime
    next_attempt_at: dt.datetime | None
    last_status_code: int | None
    last_error: str | None
    delivered_at: dt.datetime | None
    log: tuple[Attempt, ...]


@dataclass(frozen=True, slots=True)
class DeliveryLog:
    """One page of an organisation's deliveries, newest first; `next_before` is the id the next
    page starts below (None when this page is the last)."""

    items: tuple[Delivery, ...]
    limit: int
    next_before: int | None


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    """What one pass of `deliver_due` did: attempts made, and how they ended."""

    attempted: int
    delivered: int
    retrying: int
    failed: int


def subscribe(
    engine: Engine,
    org_id: str,
    callback: str,
    event_types: Iterable[str],
    actor: str,
    now: dt.datetime,
    policy: CallbackPolicy | None = None,
) -> tuple[Subscription, str]:
    """Subscribe `org_id`'s `callback` to `event_types`; returns the subscription and its signing
    secret (`whsec_` + base64), which is shown this once. The callback is refused unless it is
    https to a public address (`check_callback`)."""
    from ..store import writing
    from ..store.audit import record
    from ..store.webhooks import insert_subscription

    _check_org(org_id)
    types = _event_types(event_types)
    refusal = check_callback(callback, policy or callback_policy())
    if refusal is not None:
        raise UserError(f"callback {callback[:200]!r}: {refusal.message}", field="callback", details=(refusal.code,))
    secret = "whsec_" + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")
    subscription = Subscription("hub_" + secrets.token_hex(12), org_id, callback, types, _aware(now), None)
    with writing(engine) as conn:
        insert_subscription(conn, subscription.id, org_id, callback, types, secret, now)
        detail = {"callback": callback, "event_types": list(types)}
        record(conn, "webhook.subscribed", f"{org_id}/{subscription.id}", detail=detail, at=now, actor=actor)
    return subscription, secret


def unsubscribe(engine: Engine, org_id: str, subscription_id: str, actor: str, now: dt.datetime) -> Subscription:
    """Delete `org_id`'s subscription: nothing more is queued for it, and what was still pending
    is marked failed. Not found when it is not that organisation's or is already deleted."""
    from ..store import writing
    from ..store.audit import record
    from ..store.webhooks import delete_subscription, subscription_row

    with writing(engine) as conn:
        row = subscription_row(conn, org_id, subscription_id)
        if row is None or not delete_subscription(conn, subscription_id, _aware(now), "subscription deleted"):
            raise _not_found(subscription_id)
        record(conn, "webhook.unsubscribed", f"{org_id}/{subscription_id}", at=now, actor=actor)
    return _subscription(row, deleted_at=now)


def list_subscriptions(engine: Engine, org_id: str, include_deleted: bool = False) -> tuple[Subscription, ...]:
    """`org_id`'s subscriptions, oldest first (live ones only unless `include_deleted`)."""
    from ..store.webhooks import subscription_rows

    with engine.connect() as conn:
        return tuple(_subscription(r) for r in subscription_rows(conn, org_id, include_deleted))


def get_subscription(engine: Engine, org_id: str, subscription_id: str) -> Subscription:
    """One of `org_id`'s subscriptions (deleted ones too); not found if it is another's."""
    from ..store.webhooks import subscription_row

    with engine.connect() as conn:
        row = subscription_row(conn, org_id, subscription_id)
    if row is None:
        raise _not_found(subscription_id)
    return _subscription(row)


def message_id(subscription_id: str, event_id: str) -> str:
    """The `webhook-id` of an event sent to a subscription: the same on every attempt and every
    enqueue of that event (no `.`: the id is part of the signed text)."""
    digest = hashlib.sha256(f"{subscription_id}\n{event_id}".encode()).hexdigest()
    return f"msg_{digest[:32]}"


def enqueue(
    conn: Connection,
    org_ids: Iterable[str],
    event_type: str,
    payload: Mapping[str, Any],
    event_id: str,
    now: dt.datetime,
) -> int:
    """Queue `event_type` for every live subscription of `org_ids` that asked for it, inside the
    caller's transaction (the event and its notifications commit together). Returns how many
    deliveries were added: enqueuing the same `event_id` again adds none (the first payload stays).

    The body sent is `{"eventId", "eventTime", "eventType", "event": payload}`; dates, times and
    Decimals in `payload` are written as ISO strings and decimal strings."""
    from ..store.webhooks import live_subscriptions

    return _enqueue(conn, live_subscriptions(conn, org_ids), event_type, payload, event_id, now)


def enqueue_for_account(
    conn: Connection, account: str, event_type: str, payload: Mapping[str, Any], event_id: str, now: dt.datetime
) -> int:
    """`enqueue` for the organisations entitled to an account's events: the CLEC that owns it
    and the ILEC(s)."""
    from ..store.webhooks import live_subscriptions_for_account

    return _enqueue(conn, live_subscriptions_for_account(conn, account), event_type, payload, event_id, now)


def _enqueue(
    conn: Connection,
    subscriptions: Iterable[Any],
    event_type: str,
    payload: Mapping[str, Any],
    event_id: str,
    now: dt.datetime,
) -> int:
    from ..store.webhooks import add_delivery

    if event_type not in EVENT_TYPES:
        raise ValueError(f"event type {event_type!r}: expected one of {', '.join(EVENT_TYPES)}")
    body = {
        "eventId": event_id,
        "eventTime": _aware(now).isoformat(),
        "eventType": event_type,
        "event": _json_ready(payload),
    }
    added = 0
    for row in subscriptions:
        if event_type in row.event_types:
            added += add_delivery(conn, row.id, message_id(row.id, event_id), event_type, body, now)
    return added


def webhook_client() -> httpx.Client:
    """The HTTP client workers send with: the Standard Webhooks timeout, redirects never followed
    (a 3xx is a failed attempt)."""
    return httpx.Client(timeout=TIMEOUT_S, follow_redirects=False, headers={"user-agent": "icaops-webhooks"})


def deliver_due(
    engine: Engine,
    now: dt.datetime,
    client: httpx.Client,
    limit: int = 100,
    policy: CallbackPolicy | None = None,
) -> DeliveryReport:
    """Send up to `limit` deliveries due at `now`, one at a time, each signed (headers
    webhook-id, webhook-timestamp = `now`, webhook-signature). A 2xx answer delivers it; any
    other answer or error is logged and the next attempt scheduled by `RETRY_SCHEDULE`; after
    the last it is failed. A 410 Gone fails it and deletes the subscription. Several workers may
    run this at once: each delivery is claimed by one of them."""
    from ..store import writing
    from ..store.webhooks import claim_due

    _aware(now)
    policy = policy or callback_policy()
    counts = {"delivered": 0, "pending": 0, "failed": 0}
    for _ in range(limit):
        with writing(engine) as conn:
            row = claim_due(conn, now, now + LEASE)
        if row is None:
            break
        status = _attempt(engine, row, now, client, policy)
        counts[status] += 1
    return DeliveryReport(sum(counts.values()), counts["delivered"], counts["pending"], counts["failed"])


def delivery_log(
    engine: Engine,
    org_id: str,
    subscription_id: str | None = None,
    status: str | None = None,
    before: int | None = None,
    limit: int = 50,
) -> DeliveryLog:
    """Up to `limit` deliveries to `org_id`'s subscriptions (of one subscription, in one status),
    newest first, each with its attempts; `before` (the previous page's `next_before`) pages on.
    Deliveries added while a client pages have higher ids: they never shift or repeat a page."""
    from ..store.webhooks import attempt_rows, delivery_rows, subscription_row

    if status is not None and status not in STATUSES:
        raise UserError(f"status {status!r}: expected one of {', '.join(STATUSES)}", field="status")
    if not 1 <= limit <= 500:
        raise UserError(f"limit {limit}: expected 1 <= limit <= 500", field="limit")
    if before is not None and before < 1:
        raise UserError(f"before {before}: expected a delivery id (1 or more)", field="before")
    with engine.connect() as conn:
        if subscription_id is not None and subscription_row(conn, org_id, subscription_id) is None:
            raise _not_found(subscription_id)
        rows = delivery_rows(conn, org_id, subscription_id, status, before, limit)
        attempts: dict[int, list[Attempt]] = {}
        for a in attempt_rows(conn, [r.id for r in rows]):
            attempts.setdefault(a.delivery_id, []).append(Attempt(a.at, a.status_code, a.error, a.duration_ms))
    items = tuple(_delivery(r, tuple(attempts.get(r.id, ()))) for r in rows)
    return DeliveryLog(items, limit, items[-1].id if len(items) == limit else None)


def _attempt(engine: Engine, row: Row, now: dt.datetime, client: httpx.Client, policy: CallbackPolicy) -> str:
    """Send one claimed delivery and record the attempt; returns the delivery's new status."""
    from ..store import writing
    from ..store.audit import record
    from ..store.webhooks import delete_subscription, record_attempt

    status_code, error, duration_ms = _send(row, now, client, policy)
    number = row.attempts + 1
    if status_code is not None and 200 <= status_code < 300:
        status, next_at = "delivered", None
    elif status_code == GONE or number >= len(RETRY_SCHEDULE):
        status, next_at = "failed", None
    else:
        status, next_at = "pending", now + RETRY_SCHEDULE[number]
    with writing(engine) as conn:
        record_attempt(conn, row.id, now, status_code, error, duration_ms, status, next_at)
        if status_code == GONE and delete_subscription(
            conn, row.subscription_id, now, "the callback answered 410 Gone"
        ):
            subject = f"{row.org_id}/{row.subscription_id}"
            record(conn, "webhook.disabled", subject, "the callback answered 410 Gone", at=now)
    return status


def _send(
    row: Row, now: dt.datetime, client: httpx.Client, policy: CallbackPolicy
) -> tuple[int | None, str | None, int]:
    """POST the signed body: (status code or None, error or None, milliseconds taken)."""
    refusal = check_callback(row.callback, policy)  # resolved again: the name may point elsewhere now
    if refusal is not None:
        return None, f"callback refused: {refusal.message}"[:ERROR_MAX], 0
    body = json.dumps(row.payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    headers = {
        "content-type": "application/json",
        "webhook-id": row.message_id,
        "webhook-timestamp": str(math.floor(now.timestamp())),
        "webhook-signature": Webhook(row.secret).sign(row.message_id, now, body),
    }
    started = time.monotonic()
    try:
        request = client.build_request("POST", row.callback, content=body, headers=headers)
        response = client.send(request, stream=True, follow_redirects=False)  # the body is never read
        response.close()
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        return None, f"{type(exc).__name__}: {exc}"[:ERROR_MAX], _ms(started)
    code = response.status_code
    return code, None if 200 <= code < 300 else f"HTTP {code}", _ms(started)


def _ms(started: float) -> int:
    return round((time.monotonic() - started) * 1000)


def _event_types(given: Iterable[str]) -> tuple[str, ...]:
    types = tuple(dict.fromkeys(given))
    unknown = [t for t in types if t not in EVENT_TYPES]
    if unknown or not types:
        raise UserError(
            f"event types {', '.join(map(repr, unknown)) or '(none)'}: expected one or more of {', '.join(EVENT_TYPES)}",
            field="event_types",
        )
    return types


def _check_org(org_id: str) -> None:
    if not org_id or len(org_id) > ORG_MAX:
        raise UserError(f"organisation {org_id!r}: expected an id of 1 to {ORG_MAX} characters", field="org_id")


def _aware(moment: dt.datetime) -> dt.datetime:
    if moment.utcoffset() is None:
        raise ValueError(f"time {moment}: expected a zone-aware datetime")
    return moment


def _not_found(subscription_id: str) -> UserError:
    return UserError(f"webhook subscription {subscription_id!r}: not found", code="not_found", field="id")


def _subscription(row: Row, deleted_at: dt.datetime | None = None) -> Subscription:
    deleted = deleted_at or row.deleted_at
    return Subscription(row.id, row.org_id, row.callback, tuple(row.event_types), row.created_at, deleted)


def _delivery(row: Row, log: tuple[Attempt, ...]) -> Delivery:
    return Delivery(
        row.id,
        row.subscription_id,
        row.message_id,
        row.event_type,
        MappingProxyType(dict(row.payload)),
        row.status,
        row.attempts,
        row.created_at,
        row.next_attempt_at,
        row.last_status_code,
        row.last_error,
        row.delivered_at,
        log,
    )


def _json_ready(value: Any) -> Any:
    """`value` as plain JSON: mappings with string keys, lists, ISO dates and times, decimal strings."""
    if isinstance(value, Mapping):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot send a {type(value).__name__} in a webhook: {value!r}")
