"""Webhook subscriptions, the deliveries waiting to be sent (an outbox), and the attempt log.

A delivery is written in the transaction of the event it announces, so both commit or neither
does. Workers take due deliveries one at a time: on PostgreSQL `FOR UPDATE SKIP LOCKED` lets
several workers claim different rows without waiting on each other; on SQLite the write
transaction (`BEGIN IMMEDIATE`) is the single writer. A claimed delivery is leased (its next
attempt moved past the send's timeout) and the claim commits before the request is sent, so no
transaction stays open across a network call.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Row, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from .models import (
    OrganisationAccountRow,
    OrganisationRow,
    WebhookAttemptRow,
    WebhookDeliveryRow,
    WebhookSubscriptionRow,
)

__all__ = [
    "PENDING",
    "STATUSES",
    "add_delivery",
    "attempt_rows",
    "claim_due",
    "delete_subscription",
    "delivery_rows",
    "insert_subscription",
    "live_subscriptions",
    "live_subscriptions_for_account",
    "record_attempt",
    "subscription_row",
    "subscription_rows",
]

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
STATUSES = (PENDING, DELIVERED, FAILED)
Sub = WebhookSubscriptionRow
Delivery = WebhookDeliveryRow
Attempt = WebhookAttemptRow


def insert_subscription(
    conn: Connection,
    subscription_id: str,
    org_id: str,
    callback: str,
    event_types: Sequence[str],
    secret: str,
    at: dt.datetime,
) -> None:
    """Store a new subscription."""
    conn.execute(
        insert(Sub),
        {
            "id": subscription_id,
            "org_id": org_id,
            "callback": callback,
            "event_types": list(event_types),
            "secret": secret,
            "created_at": at,
            "deleted_at": None,
        },
    )


def subscription_rows(conn: Connection, org_id: str, include_deleted: bool = False) -> list[Row]:
    """The subscriptions of one organisation, oldest first (without the deleted ones unless asked)."""
    query = select(Sub).where(Sub.org_id == org_id).order_by(Sub.created_at, Sub.id)
    if not include_deleted:
        query = query.where(Sub.deleted_at.is_(None))
    return list(conn.execute(query))


def subscription_row(conn: Connection, org_id: str, subscription_id: str) -> Row | None:
    """One subscription of `org_id` (deleted or not); None if it is not that organisation's."""
    query = select(Sub).where(Sub.id == subscription_id, Sub.org_id == org_id)
    return conn.execute(query).first()


def delete_subscription(conn: Connection, subscription_id: str, at: dt.datetime, reason: str) -> bool:
    """Mark a live subscription deleted and fail its pending deliveries with `reason`; False if it
    was already deleted."""
    done = conn.execute(
        update(Sub).where(Sub.id == subscription_id, Sub.deleted_at.is_(None)).values(deleted_at=at)
    ).rowcount
    if not done:
        return False
    conn.execute(
        update(Delivery)
        .where(Delivery.subscription_id == subscription_id, Delivery.status == PENDING)
        .values(status=FAILED, next_attempt_at=None, last_error=reason)
    )
    return True


def live_subscriptions(conn: Connection, org_ids: Iterable[str]) -> list[Row]:
    """The subscriptions not deleted of these organisations."""
    wanted = sorted(set(org_ids))
    if not wanted:
        return []
    query = select(Sub).where(Sub.org_id.in_(wanted), Sub.deleted_at.is_(None)).order_by(Sub.id)
    return list(conn.execute(query))


def live_subscriptions_for_account(conn: Connection, account: str) -> list[Row]:
    """The subscriptions not deleted of the organisations entitled to an account's events: the
    CLEC owning it and the ILEC(s). One statement."""
    owner = select(OrganisationAccountRow.org_id).where(OrganisationAccountRow.account_id == account)
    ilecs = select(OrganisationRow.id).where(OrganisationRow.kind == "ilec")
    query = (
        select(Sub).where(Sub.deleted_at.is_(None), or_(Sub.org_id.in_(owner), Sub.org_id.in_(ilecs))).order_by(Sub.id)
    )
    return list(conn.execute(query))


def add_delivery(
    conn: Connection,
    subscription_id: str,
    message_id: str,
    event_type: str,
    payload: Mapping[str, Any],
    at: dt.datetime,
) -> bool:
    """Queue one delivery, due at once; False (and nothing written) if this subscription already
    has this message."""
    values = {
        "subscription_id": subscription_id,
        "message_id": message_id,
        "event_type": event_type,
        "payload": dict(payload),
        "created_at": at,
        "attempts": 0,
        "next_attempt_at": at,
        "status": PENDING,
    }
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(Delivery)
        .values(values)
        .on_conflict_do_nothing(index_elements=["subscription_id", "message_id"])
        .returning(Delivery.id)
    )
    return conn.execute(statement).first() is not None


def claim_due(conn: Connection, now: dt.datetime, lease_until: dt.datetime) -> Row | None:
    """The next due pending delivery of a live subscription, with its subscription's callback and
    secret, leased until `lease_until` (no other worker takes it before); None when none is due.

    PostgreSQL: rows another worker holds are skipped (`FOR UPDATE SKIP LOCKED`), not waited for."""
    query = (
        select(
            Delivery.id,
            Delivery.subscription_id,
            Delivery.message_id,
            Delivery.event_type,
            Delivery.payload,
            Delivery.attempts,
            Sub.org_id,
            Sub.callback,
            Sub.secret,
        )
        .join(Sub, Sub.id == Delivery.subscription_id)
        .where(Delivery.status == PENDING, Delivery.next_attempt_at <= now, Sub.deleted_at.is_(None))
        .order_by(Delivery.next_attempt_at, Delivery.id)
        .limit(1)
        .with_for_update(skip_locked=True, of=Delivery)
    )
    row = conn.execute(query).first()
    if row is not None:
        conn.execute(update(Delivery).where(Delivery.id == row.id).values(next_attempt_at=lease_until))
    return row


def record_attempt(
    conn: Connection,
    delivery_id: int,
    at: dt.datetime,
    status_code: int | None,
    error: str | None,
    duration_ms: int,
    status: str,
    next_attempt_at: dt.datetime | None,
) -> None:
    """Log one attempt and set the delivery's outcome: `status`, when to try next (None: never)."""
    assert status in STATUSES, status
    conn.execute(
        insert(Attempt),
        {"delivery_id": delivery_id, "at": at, "status_code": status_code, "error": error, "duration_ms": duration_ms},
    )
    conn.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id)
        .values(
            attempts=Delivery.attempts + 1,
            status=status,
            next_attempt_at=next_attempt_at,
            last_status_code=status_code,
            last_error=error,
            delivered_at=at if status == DELIVERED else None,
        )
    )


def delivery_rows(
    conn: Connection,
    org_id: str,
    subscription_id: str | None = None,
    status: str | None = None,
    before: int | None = None,
    limit: int = 50,
) -> list[Row]:
    """Up to `limit` deliveries to `org_id`'s subscriptions, newest first, with ids below `before`
    (keyset paging: rows added meanwhile have higher ids, so they never shift a later page)."""
    condition = [Sub.org_id == org_id]
    if subscription_id is not None:
        condition.append(Delivery.subscription_id == subscription_id)
    if status is not None:
        condition.append(Delivery.status == status)
    if before is not None:
        condition.append(Delivery.id < before)
    query = select(Delivery).join(Sub, Sub.id == Delivery.subscription_id).where(*condition)
    return list(conn.execute(query.order_by(Delivery.id.desc()).limit(limit)))


def attempt_rows(conn: Connection, delivery_ids: Sequence[int]) -> list[Row]:
    """The attempts of these deliveries, in the order they were made."""
    if not delivery_ids:
        return []
    query = select(Attempt).where(Attempt.delivery_id.in_(list(delivery_ids))).order_by(Attempt.id)
    return list(conn.execute(query))
