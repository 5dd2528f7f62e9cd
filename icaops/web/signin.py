"""Signing in and out. The sign-in form carries a one-time value also set in a short-lived
cookie (double submit), so no other site can sign a browser in as someone else (login CSRF);
the session cookie is HttpOnly, SameSite=Strict, Path=/portal, and Secure over https."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..app.errors import UserError
from ..app.sessions import close_session, open_session
from .core import COOKIE, LIFETIME, PortalDep, PostedDep, render

__all__ = ["router"]

router = APIRouter()

LOGIN_COOKIE = "icaops_login"


def _secure(request: Request, secure_setting: bool) -> bool:
    return secure_setting or request.url.scheme == "https"


def _safe_next(base: str, target: str | None) -> str:
    """Where to go after signing in: a page of the portal, never another site."""
    if target and target.startswith(f"{base}/") and not target.startswith("//") and "\\" not in target:
        return target
    return f"{base}/"


def _login_page(request: Request, portal: PortalDep, status: int = 200, message: str = "", email: str = "") -> Response:
    nonce = secrets.token_urlsafe(24)
    response = render(
        request,
        "login.html",
        status=status,
        message=message,
        email=email,
        nonce=nonce,
        next=_safe_next(request.scope.get("root_path", ""), request.query_params.get("next")),
    )
    response.set_cookie(
        LOGIN_COOKIE,
        nonce,
        max_age=600,
        httponly=True,
        samesite="strict",
        secure=_secure(request, portal.secure_cookies),
        path=f"{request.scope.get('root_path', '')}/login",
    )
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, portal: PortalDep) -> Response:
    """The sign-in form."""
    return _login_page(request, portal)


@router.post("/login")
def sign_in(
    request: Request,
    portal: PortalDep,
    email: Annotated[str, Form(max_length=254)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    nonce: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Sign in with e-mail and password (argon2): a session cookie, then the page asked for."""
    cookie = request.cookies.get(LOGIN_COOKIE, "")
    if not nonce or not hmac.compare_digest(cookie.encode(), nonce.encode()):
        return _login_page(request, portal, 403, "The sign-in form expired or came from elsewhere; sign in again.")
    try:
        secret, _ = open_session(portal.engine, email, password, portal.now(), LIFETIME)
    except UserError as exc:
        status = 429 if exc.code == "rate_limited" else 401
        return _login_page(request, portal, status, exc.message, email)
    base = request.scope.get("root_path", "")
    response = RedirectResponse(_safe_next(base, next), status_code=303)
    response.set_cookie(
        COOKIE,
        secret,
        max_age=int(LIFETIME.total_seconds()),
        httponly=True,
        samesite="strict",
        secure=_secure(request, portal.secure_cookies),
        path=base or "/",
    )
    response.delete_cookie(LOGIN_COOKIE, path=f"{base}/login")
    return response


@router.post("/logout")
def sign_out(request: Request, portal: PortalDep, posted: PostedDep) -> Response:
    """Sign out: the session is revoked (the cookie's value is dead everywhere) and the cookie cleared."""
    close_session(portal.engine, posted.actor, portal.now())
    base = request.scope.get("root_path", "")
    response = RedirectResponse(f"{base}/login", status_code=303)
    response.delete_cookie(COOKIE, path=base or "/", httponly=True, samesite="strict")
    return response
