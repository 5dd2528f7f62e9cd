"""Sessions of the web portal: a person signs in with e-mail and password (`identity.login`,
argon2) and gets a session, which is a short-lived API token of its own kind (`PORTAL_SESSION`):
only the sha256 of its secret is kept, it expires, it ends after `idle` without use, and signing
out revokes it. Nothing is held in a process: any worker on the same database answers the same.

The session's secret is also the key of its CSRF token (a synchronizer token derived with HMAC),
so a form is accepted only from a page served to that session. Failed sign-ins are counted per
e-mail address in the audit log, alike for known and unknown addresses: after `MAX_FAILURES` in
`FAILURE_WINDOW` the address is refused without checking the password until the window moves on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import replace

from sqlalchemy import Engine

from ..identity.model import Actor
from ..store import identity as stored
from .audit import audit, audit_page
from .errors import UserError
from .identity import (
    EMAIL_MAX,
    PORTAL_SESSION,
    TOKEN_PATTERN,
    UNAUTHORIZED,
    authenticate,
    issue_token,
    login,
    revoke_token,
)

__all__ = [
    "FAILURE_WINDOW",
    "MAX_FAILURES",
    "PORTAL_SESSION",
    "close_session",
    "csrf_token",
    "csrf_valid",
    "open_session",
    "session_actor",
]


MAX_FAILURES = 5
FAILURE_WINDOW = dt.timedelta(minutes=15)
_CSRF_CONTEXT = b"icaops portal csrf v1"


def _failures(engine: Engine, address: str, now: dt.datetime) -> int:
    since = now - FAILURE_WINDOW
    refused = audit_page(engine, action="user.login_refused", since=since, limit=1000)
    return sum(1 for e in refused if e.detail.get("email") == address and e.at <= now)


def open_session(
    engine: Engine, email: str, password: str, now: dt.datetime, lifetime: dt.timedelta
) -> tuple[str, Actor]:
    """Sign in: the session's secret (the cookie's value, shown this once) and its actor.

    Refused alike (`unauthorized`) for an unknown e-mail, a wrong password or a disabled user;
    `rate_limited` once the address has `MAX_FAILURES` refusals in `FAILURE_WINDOW`."""
    address = email.strip().lower()[:EMAIL_MAX]
    if _failures(engine, address, now) >= MAX_FAILURES:
        audit(engine, "portal.login_throttled", "portal", {"email": address})
        minutes = int(FAILURE_WINDOW.total_seconds() // 60)
        raise UserError(
            f"too many refused sign-ins for this e-mail address; try again in {minutes} minutes",
            code="rate_limited",
            field="email",
        )
    actor = login(engine, email, password, now)
    secret, info = issue_token(engine, actor.user_id, PORTAL_SESSION, None, now + lifetime, now, by=actor)
    return secret, replace(actor, token_id=info.id)


def session_actor(engine: Engine, secret: str | None, now: dt.datetime, idle: dt.timedelta) -> Actor:
    """The actor of a session cookie's value; `unauthorized` for none, a malformed, unknown,
    expired or revoked one, an API token, or a session unused for longer than `idle`."""
    match = TOKEN_PATTERN.fullmatch(secret or "")
    if match is None:
        raise UserError(UNAUTHORIZED, code="unauthorized")
    with engine.connect() as conn:
        found = stored.load_token(conn, match.group(1))
    if found is None or found.token.name != PORTAL_SESSION:
        raise UserError(UNAUTHORIZED, code="unauthorized")
    last = found.token.last_used_at or found.token.created_at
    if now - last > idle:
        raise UserError("the session ended after a time without use; sign in again", code="unauthorized")
    return authenticate(engine, f"Bearer {secret}", now, session=True)


def close_session(engine: Engine, actor: Actor, now: dt.datetime) -> None:
    """Sign out: the session's token is revoked from now on (any copy of the cookie is dead)."""
    if actor.token_id is not None:
        revoke_token(engine, actor.token_id, actor, now=now)


def csrf_token(secret: str) -> str:
    """The CSRF token of a session: HMAC-SHA256 keyed by the session's secret."""
    return hmac.new(secret.encode("ascii"), _CSRF_CONTEXT, hashlib.sha256).hexdigest()


def csrf_valid(secret: str, given: str | None) -> bool:
    """Whether `given` is the session's CSRF token (compared in constant time)."""
    return given is not None and hmac.compare_digest(csrf_token(secret), given)
