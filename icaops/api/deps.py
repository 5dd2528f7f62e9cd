"""What every route needs: the gateway (database, agreement, clock), the authenticated actor,
the Idempotency-Key of a POST, and paging. Nothing here keeps state between requests: the
engine is a connection pool; who may do what is read from the database on every request."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, Query, Request
from pydantic import BaseModel
from sqlalchemy import Engine

from ..app.clock import today
from ..app.errors import UserError
from ..app.gateway.actions import Idempotency, request_hash
from ..app.identity import authenticate, check_rate
from ..identity.model import Actor
from ..terms.loader import Agreement

__all__ = [
    "AUTHENTICATED",
    "ActorDep",
    "Gateway",
    "GatewayDep",
    "Page",
    "PageDep",
    "cursor_after",
    "idempotency",
    "next_cursor",
]


@dataclass(frozen=True)
class Gateway:
    """The process's fixed configuration: the database, the agreement, the clock."""

    engine: Engine
    agreement: Agreement
    clock: Callable[[], dt.datetime]

    def now(self) -> dt.datetime:
        """The current time (zone-aware)."""
        return self.clock()

    def today(self) -> dt.date:
        """The business day now, in the agreement's time zone."""
        return today(self.agreement, self.now())


def _gateway(request: Request) -> Gateway:
    return request.app.state.gateway


GatewayDep = Annotated[Gateway, Depends(_gateway)]


def _actor(request: Request, gw: GatewayDep, authorization: Annotated[str | None, Header()] = None) -> Actor:
    now = gw.now()
    actor = authenticate(gw.engine, authorization, now)
    # For the audit row of a refused write (errors.install); the request's own state, not shared.
    request.state.actor = actor
    if actor.token_id is not None:
        check_rate(gw.engine, actor.token_id, now, terms=gw.agreement.terms)
    return actor


ActorDep = Annotated[Actor, Depends(_actor)]

AUTHENTICATED = Depends(_actor)
"""A router's dependency: the request is authenticated before its body or parameters are read
(no token: 401, whatever the body; OWASP API2). Resolved once per request, as `ActorDep`."""


def idempotency(
    actor: Actor, key: str | None, method: str, path: str, body: BaseModel | Mapping[str, Any] | None
) -> Idempotency | None:
    """The Idempotency-Key of a POST bound to its organisation and request (None without a key)."""
    if key is None:
        return None
    if not 1 <= len(key) <= 200 or not key.isprintable():
        raise UserError(
            "Idempotency-Key: expected 1 to 200 printable characters", code="invalid", field="Idempotency-Key"
        )
    content = body.model_dump(mode="json") if isinstance(body, BaseModel) else body
    return Idempotency(actor.org_id, key, request_hash(method, path, content))


@dataclass(frozen=True)
class Page:
    """A page request: at most `limit` items after the opaque `cursor`."""

    limit: int
    cursor: str | None


def _page(
    limit: Annotated[int, Query(ge=1, le=500, description="items per page")] = 50,
    cursor: Annotated[str | None, Query(max_length=600, description="the nextCursor of the previous page")] = None,
) -> Page:
    return Page(limit, cursor)


PageDep = Annotated[Page, Depends(_page)]


def cursor_after(page: Page) -> tuple[str, str] | None:
    """The (tenant, key) a page starts after."""
    if page.cursor is None:
        return None
    try:
        tenant, _, key = base64.urlsafe_b64decode(page.cursor.encode()).decode().partition("\0")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise UserError("cursor: expected the nextCursor of a previous page", code="invalid", field="cursor") from None
    return tenant, key


def next_cursor(items: list[tuple[str, str, Any]], page: Page) -> str | None:
    """The cursor of the page after `items` (None when this page is the last)."""
    if len(items) < page.limit:
        return None
    tenant, key, _ = items[-1]
    return base64.urlsafe_b64encode(f"{tenant}\0{key}".encode()).decode()
