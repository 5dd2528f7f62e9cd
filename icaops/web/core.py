"""What every page needs: the portal's configuration (database, agreement, clock), the signed-in
session (a cookie holding a portal session's secret; `icaops.app.sessions`), the CSRF check of
every form, and rendering a template with the formats the portal shows (money as a Decimal
string, dates ISO, times in the agreement's time zone, Central time)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from sqlalchemy import Engine
from starlette.datastructures import FormData

from ..app.clock import today
from ..app.errors import UserError
from ..app.gateway.actions import Idempotency, Notify, request_hash
from ..app.identity import check_rate
from ..app.sessions import csrf_token, csrf_valid, session_actor
from ..app.workspace import Workspace
from ..explain import Explained
from ..identity.model import Actor
from ..terms.loader import Agreement

__all__ = [
    "COOKIE",
    "IDLE",
    "LIFETIME",
    "CsrfRefused",
    "Portal",
    "PortalDep",
    "Posted",
    "PostedDep",
    "Session",
    "SessionDep",
    "SignInNeeded",
    "after_of",
    "cursor_of",
    "idempotency_of",
    "render",
    "tenants_of",
]

COOKIE = "icaops_session"
LIFETIME = dt.timedelta(hours=8)  # as the API's sign-in token (icaops/api/auth.py)
IDLE = dt.timedelta(minutes=30)  # OWASP ASVS 3.3.2: an idle session ends


@dataclass(frozen=True)
class Portal:
    """The process's fixed configuration: the database, the agreement, the clock, the notifier of
    webhook subscribers, and whether the session cookie is marked Secure (served over https)."""

    engine: Engine
    agreement: Agreement
    clock: Callable[[], dt.datetime]
    notify: Notify | None = None
    secure_cookies: bool = False

    def now(self) -> dt.datetime:
        """The current time (zone-aware)."""
        return self.clock()

    def today(self) -> dt.date:
        """The business day now, in the agreement's time zone."""
        return today(self.agreement, self.now())

    def workspace(self) -> Workspace:
        """The workspace of the app functions that read the whole log (bills, obligations)."""
        return Workspace(self.agreement, self.engine)

    def zone(self) -> ZoneInfo:
        """The agreement's time zone (II.2.10: Central time)."""
        return ZoneInfo(self.agreement.terms.calendar.timezone.value)


def _portal(request: Request) -> Portal:
    return request.app.state.portal


PortalDep = Annotated[Portal, Depends(_portal)]


class SignInNeeded(Exception):
    """No live session: a page answers with the sign-in page."""


class CsrfRefused(Exception):
    """A form without the session's CSRF token: refused (403)."""


@dataclass(frozen=True)
class Session:
    """The signed-in actor, its session's secret (from the cookie) and its CSRF token."""

    actor: Actor
    secret: str
    csrf: str


def _session(request: Request, portal: PortalDep) -> Session:
    secret = request.cookies.get(COOKIE)
    now = portal.now()
    try:
        actor = session_actor(portal.engine, secret, now, IDLE)
    except UserError:
        raise SignInNeeded() from None
    assert secret is not None and actor.token_id is not None
    request.state.actor = actor
    check_rate(portal.engine, actor.token_id, now, terms=portal.agreement.terms)  # VI.13.2, as the API's
    return Session(actor, secret, csrf_token(secret))


SessionDep = Annotated[Session, Depends(_session)]


@dataclass(frozen=True)
class Posted:
    """A form posted by the signed-in session, its CSRF token checked."""

    session: Session
    form: FormData

    @property
    def actor(self) -> Actor:
        return self.session.actor

    def get(self, name: str) -> str:
        """A field's value, stripped ('' when absent)."""
        value = self.form.get(name)
        return value.strip() if isinstance(value, str) else ""


async def _posted(request: Request, session: SessionDep) -> Posted:
    form = await request.form()
    given = form.get("csrf")
    if not csrf_valid(session.secret, given if isinstance(given, str) else None):
        raise CsrfRefused()
    return Posted(session, form)


PostedDep = Annotated[Posted, Depends(_posted)]


def idempotency_of(posted: Posted, path: str, data: Mapping[str, Any]) -> Idempotency | None:
    """The form's one-time key (a hidden field, new on each form shown) as an Idempotency-Key:
    a form sent twice (a double click, a reload) records its action once."""
    key = posted.get("once")
    if not key or len(key) > 100 or not key.isprintable():
        return None
    return Idempotency(posted.actor.org_id, f"portal:{path}:{key}"[:200], request_hash("POST", path, dict(data)))


# -- rendering --------------------------------------------------------------------------------

_ENV = Environment(
    loader=PackageLoader("icaops.web", "templates"),
    autoescape=select_autoescape(("html",)),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _money(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Explained):
        value = value.value
    return str(value if isinstance(value, Decimal) else Decimal(str(value)))


def _value(value: Any) -> Any:
    return value.value if isinstance(value, Explained) else value


def _date(value: Any) -> str:
    value = _value(value)
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _answer(value: Any) -> str:
    value = _value(value)
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return _date(value) if isinstance(value, dt.date) else str(value)


_ENV.filters["money"] = _money
_ENV.filters["answer"] = _answer
_ENV.filters["date"] = _date
_ENV.filters["value"] = _value


def render(
    request: Request,
    template: str,
    session: Session | None = None,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    """A page: `template` with the context, the session's actor and CSRF token, a fresh one-time
    form key, and the time formatter of the agreement's zone."""
    portal: Portal = request.app.state.portal
    zone = portal.zone()

    def when(value: Any) -> str:
        value = _value(value)
        if value is None:
            return ""
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        return value.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")

    actor = session.actor if session else None
    html = _ENV.get_template(template).render(
        base=request.scope.get("root_path", ""),
        actor=actor,
        may=(lambda p: actor is not None and actor.may(p)),
        csrf=session.csrf if session else "",
        once=secrets.token_urlsafe(16),
        when=when,
        today=portal.today(),
        request_path=request.url.path,
        **context,
    )
    return HTMLResponse(html, status_code=status, headers=dict(headers or {}))


# -- paging -----------------------------------------------------------------------------------

PAGE_SIZE = 25


def cursor_of(items: list[tuple[str, str, Any]], limit: int = PAGE_SIZE) -> str | None:
    """The cursor of the page after `items` (None when this page is the last)."""
    if len(items) < limit:
        return None
    tenant, key, _ = items[-1]
    return base64.urlsafe_b64encode(f"{tenant}\0{key}".encode()).decode()


def after_of(cursor: str | None) -> tuple[str, str] | None:
    """The (tenant, key) a page starts after; a malformed cursor is a UserError."""
    if not cursor:
        return None
    try:
        tenant, sep, key = base64.urlsafe_b64decode(cursor.encode()).decode().partition("\0")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        sep = ""
    if not sep:
        raise UserError("cursor: expected the link to the next page", code="invalid", field="cursor")
    return tenant, key


def tenants_of(actor: Actor, account: str | None) -> list[str] | None:
    """The accounts a list shows: the one asked for, else a CLEC's own (None: every account)."""
    if account:
        return [account]
    return sorted(actor.accounts) if actor.org_kind == "clec" else None
