"""hub (the TM Forum notification hub pattern): an organisation subscribes an HTTPS callback to
event types; the gateway POSTs each such event about the organisation's objects, signed as
Standard Webhooks 1.0.0 says, and keeps every attempt (docs/webhooks.md). Subscriptions belong to
the caller's organisation: another's is not found. Managing them needs `hooks.manage` (a CLEC
admin, CenturyLink's wholesale operations; never retail sales, IV.8.5). Callbacks are checked by
`app.state.callback_policy` when set (tests, embedding), else by the process's environment."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from ..app.errors import UserError
from ..app.identity import authorise
from ..app.webhooks import (
    EVENT_TYPES,
    STATUSES,
    Delivery,
    Subscription,
    delivery_log,
    get_subscription,
    list_subscriptions,
    subscribe,
    unsubscribe,
)
from .deps import ActorDep, GatewayDep, PageDep, cursor_after, next_cursor
from .errors import refused

__all__ = ["router", "subscription_view"]

router = APIRouter(tags=["hub"])

PERMISSION = "hooks.manage"
_CURSOR_KEY = "delivery"


class HubCreate(BaseModel):
    """A subscription: the callback (https to a public address) and the event types sent to it."""

    model_config = ConfigDict(extra="forbid")
    callback: str = Field(min_length=1, max_length=2000, description="https URL the events are POSTed to")
    eventTypes: list[str] = Field(
        min_length=1, max_length=len(EVENT_TYPES), description=f"one or more of: {', '.join(EVENT_TYPES)}"
    )


def subscription_view(s: Subscription) -> dict[str, Any]:
    """A subscription as the API shows it (never its secret)."""
    return {
        "id": s.id,
        "href": f"/hub/{s.id}",
        "callback": s.callback,
        "eventTypes": list(s.event_types),
        "createdAt": s.created_at.astimezone(dt.UTC).isoformat(),
        "deletedAt": s.deleted_at.astimezone(dt.UTC).isoformat() if s.deleted_at else None,
    }


def _delivery(d: Delivery) -> dict[str, Any]:
    return {
        "id": d.id,
        "subscription": d.subscription_id,
        "webhookId": d.message_id,
        "eventType": d.event_type,
        "eventId": d.payload.get("eventId"),
        "status": d.status,
        "attempts": d.attempts,
        "createdAt": d.created_at.isoformat(),
        "nextAttemptAt": d.next_attempt_at.isoformat() if d.next_attempt_at else None,
        "lastStatusCode": d.last_status_code,
        "lastError": d.last_error,
        "deliveredAt": d.delivered_at.isoformat() if d.delivered_at else None,
        "log": [
            {"at": a.at.isoformat(), "statusCode": a.status_code, "error": a.error, "durationMs": a.duration_ms}
            for a in d.log
        ],
    }


@router.post(
    "/hub",
    status_code=201,
    summary="Subscribe a callback to event types; the answer shows the signing secret, this once",
    responses={422: refused("invalid: an unknown event type, or a callback refused (SSRF rules)")},
)
def create_hub(
    body: HubCreate, request: Request, response: Response, gw: GatewayDep, actor: ActorDep
) -> dict[str, Any]:
    authorise(actor, PERMISSION)
    policy = getattr(request.app.state, "callback_policy", None)
    try:
        sub, secret = subscribe(
            gw.engine, actor.org_id, body.callback, body.eventTypes, actor.user_id, gw.now(), policy
        )
    except UserError as exc:  # the app's field names are the command line's; the body's are TMF's
        field = "eventTypes" if exc.field == "event_types" else exc.field
        raise UserError(exc.message, code=exc.code, field=field, details=exc.details) from None
    response.headers["Location"] = f"/hub/{sub.id}"
    return {**subscription_view(sub), "secret": secret}


@router.get("/hub", summary="The caller's organisation's subscriptions (never their secrets)")
def list_hubs(
    gw: GatewayDep,
    actor: ActorDep,
    includeDeleted: Annotated[bool, Query()] = False,
) -> dict[str, Any]:
    authorise(actor, PERMISSION)
    return {"items": [subscription_view(s) for s in list_subscriptions(gw.engine, actor.org_id, includeDeleted)]}


@router.get("/hub/{hub_id}", summary="One of the organisation's subscriptions")
def get_hub(hub_id: str, gw: GatewayDep, actor: ActorDep) -> dict[str, Any]:
    authorise(actor, PERMISSION)
    return subscription_view(get_subscription(gw.engine, actor.org_id, hub_id))


@router.delete(
    "/hub/{hub_id}", status_code=204, summary="Unsubscribe: nothing more is queued; what was pending is failed"
)
def delete_hub(hub_id: str, gw: GatewayDep, actor: ActorDep) -> Response:
    authorise(actor, PERMISSION)
    unsubscribe(gw.engine, actor.org_id, hub_id, actor.user_id, gw.now())
    return Response(status_code=204)


@router.get(
    "/hub/{hub_id}/deliveries",
    summary="The subscription's delivery log, newest first, with every attempt; paged by cursor",
)
def list_deliveries(
    hub_id: str,
    gw: GatewayDep,
    actor: ActorDep,
    paging: PageDep,
    status: Annotated[str | None, Query(description=f"one of {', '.join(STATUSES)}", max_length=16)] = None,
) -> dict[str, Any]:
    authorise(actor, PERMISSION)
    after = cursor_after(paging)
    if after is not None and (after[0] != _CURSOR_KEY or not re.fullmatch(r"[1-9][0-9]{0,17}", after[1])):
        raise UserError("cursor: expected the nextCursor of a previous page", code="invalid", field="cursor")
    log = delivery_log(gw.engine, actor.org_id, hub_id, status, int(after[1]) if after else None, paging.limit)
    keyed = [(_CURSOR_KEY, str(d.id), d) for d in log.items]
    return {"items": [_delivery(d) for d in log.items], "nextCursor": next_cursor(keyed, paging)}
