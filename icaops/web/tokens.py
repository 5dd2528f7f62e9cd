"""A person's own API tokens ("My API tokens": listed without their secrets, issued with the
secret shown once, revoked) and, for a manager (users.manage), the users of its own organisation:
added, disabled, their API tokens revoked — never another organisation's (`icaops.app.api_tokens`).
A portal session is a cookie, not an API token: it is never listed here."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ..app.api_tokens import (
    MAX_DAYS,
    add_org_user,
    api_tokens,
    disable_org_user,
    issue_api_token,
    managed_users,
    org_roles,
    revoke_api_token,
)
from ..app.errors import UserError
from ..identity.roles import PERMISSIONS
from .core import Portal, PortalDep, Posted, PostedDep, Session, SessionDep, render

__all__ = ["router"]

router = APIRouter()


def _tokens_page(request: Request, portal: Portal, session: Session, status: int = 200, **more: Any) -> Response:
    actor = session.actor
    return render(
        request, "tokens.html", session, status=status, tokens=api_tokens(portal.engine, actor.user_id),
        permissions=sorted(p for p in PERMISSIONS[actor.role] if actor.may(p)), max_days=MAX_DAYS,
        secret=more.get("secret", ""), issued=more.get("issued"), error=more.get("error"),
        done=request.query_params.get("done", ""), now=portal.now(),
    )  # fmt: skip


def _days(raw: str) -> int | None:
    if not raw:
        return None
    if not raw.isdigit():
        raise UserError(f"expires in {raw!r}: expected a number of days", field="days")
    return int(raw)


@router.get("/tokens")
def my_tokens(request: Request, portal: PortalDep, session: SessionDep) -> Response:
    """The signed-in user's API tokens: name, scopes, when issued, last used, expiry, revoked."""
    return _tokens_page(request, portal, session)


def _token_id(posted: Posted) -> str | None:
    """The token id of this form (its one-time key under the session's secret): a form sent
    twice — a reload re-posts it — issues one token."""
    once = posted.get("once")
    if not once:
        return None
    return hmac.new(posted.session.secret.encode(), f"token-form:{once}".encode(), hashlib.sha256).hexdigest()[:16]


@router.post("/tokens")
def issue_mine(request: Request, portal: PortalDep, posted: PostedDep) -> Response:
    """Issue an API token to oneself: its secret is shown on this answer only (never kept)."""
    scopes = [s for s in posted.form.getlist("scopes") if isinstance(s, str)]
    try:
        secret, info = issue_api_token(
            portal.engine, posted.actor, posted.actor.user_id, posted.get("name"), scopes, _days(posted.get("days")),
            portal.now(), _token_id(posted),
        )  # fmt: skip
    except UserError as exc:
        if exc.code in ("forbidden", "not_found"):
            raise
        return _tokens_page(request, portal, posted.session, 409 if exc.code == "conflict" else 422, error=exc)
    return _tokens_page(request, portal, posted.session, 201, secret=secret, issued=info)


@router.post("/tokens/{token_id}/revoke")
def revoke_mine(token_id: str, request: Request, portal: PortalDep, posted: PostedDep) -> Response:
    """Revoke one of one's own API tokens from now on (another's, or a session, is not found)."""
    revoke_api_token(portal.engine, posted.actor, posted.actor.user_id, token_id, portal.now())
    base = request.scope.get("root_path", "")
    return RedirectResponse(f"{base}/tokens?done={quote(token_id)}", status_code=303)


def _users_page(request: Request, portal: Portal, session: Session, status: int = 200, **more: Any) -> Response:
    users = managed_users(portal.engine, session.actor)
    return render(
        request, "users.html", session, status=status,
        users=[(u, api_tokens(portal.engine, u.id)) for u in users], roles=org_roles(session.actor),
        error=more.get("error"), values=more.get("values", {}), done=request.query_params.get("done", ""),
    )  # fmt: skip


@router.get("/users")
def users(request: Request, portal: PortalDep, session: SessionDep) -> Response:
    """The users of the manager's own organisation with their API tokens (users.manage)."""
    return _users_page(request, portal, session)


@router.post("/users")
def add_user(request: Request, portal: PortalDep, posted: PostedDep) -> Response:
    """Add a user to the manager's own organisation with one of its roles; the password is kept
    only as its argon2 hash."""
    try:
        user = add_org_user(
            portal.engine, posted.actor, posted.get("email"), posted.get("name"), posted.get("role"),
            str(posted.form.get("password") or ""), portal.now(),
        )  # fmt: skip
    except UserError as exc:
        if exc.code in ("forbidden", "not_found"):
            raise
        values = {k: posted.get(k) for k in ("email", "name", "role")}
        return _users_page(request, portal, posted.session, 422, error=exc, values=values)
    base = request.scope.get("root_path", "")
    return RedirectResponse(f"{base}/users?done={quote(f'user {user.email} added')}", status_code=303)


@router.post("/users/{user_id}/disable")
def disable(user_id: str, request: Request, portal: PortalDep, posted: PostedDep) -> Response:
    """Disable a user of the manager's own organisation: no sign-in, none of its tokens accepted."""
    try:
        user = disable_org_user(portal.engine, posted.actor, user_id, portal.now())
    except UserError as exc:
        if exc.code in ("forbidden", "not_found"):
            raise
        return _users_page(request, portal, posted.session, 422, error=exc)
    base = request.scope.get("root_path", "")
    return RedirectResponse(f"{base}/users?done={quote(f'user {user.email} disabled')}", status_code=303)


@router.post("/users/{user_id}/tokens/{token_id}/revoke")
def revoke_theirs(user_id: str, token_id: str, request: Request, portal: PortalDep, posted: PostedDep) -> Response:
    """Revoke an API token of a user of the manager's own organisation."""
    revoke_api_token(portal.engine, posted.actor, user_id, token_id, portal.now())
    base = request.scope.get("root_path", "")
    return RedirectResponse(f"{base}/users?done={quote(f'token {token_id} revoked')}", status_code=303)
