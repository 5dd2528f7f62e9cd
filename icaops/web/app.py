"""The portal application, mounted under /portal by `icaops.api.app.create_app`: its pages, its
static files (a hand-written CSS file and the vendored htmx, BSD-0), the security headers of
every answer, and errors as pages (no session: the sign-in page; another tenant's object: not
found, as the API answers it; a refused role: forbidden naming the permission)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from urllib.parse import quote

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..app.errors import UserError
from ..app.gateway.actions import Notify
from ..app.identity import audit_by
from ..terms.loader import Agreement
from . import bills, directory, home, notices, orders, records, signin, tickets, tokens
from .core import CsrfRefused, Portal, SignInNeeded, render

__all__ = ["CSP", "create_portal"]

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
"""No inline script nor style, nothing from elsewhere, never framed (clickjacking)."""

STATUS = {"unauthorized": 401, "forbidden": 403, "not_found": 404, "conflict": 409, "rate_limited": 429}
WRITES = frozenset({"POST"})
_log = logging.getLogger("icaops.web")


def create_portal(
    engine: Engine,
    agreement: Agreement,
    clock: Callable[[], dt.datetime],
    notify: Notify | None = None,
    secure_cookies: bool = False,
) -> FastAPI:
    """The portal over the gateway's database and agreement (mount it under /portal)."""
    portal = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    portal.state.portal = Portal(engine, agreement, clock, notify, secure_cookies)

    @portal.middleware("http")
    async def _headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if not request.url.path.startswith(f"{request.scope.get('root_path', '')}/static/"):
            response.headers["Cache-Control"] = "no-store"  # pages hold customer information
        return response

    _errors(portal)
    portal.mount("/static", StaticFiles(packages=[("icaops.web", "static")]), name="static")
    for module in (signin, home, orders, tickets, bills, records, notices, directory, tokens):
        portal.include_router(module.router)
    return portal


def _errors(portal: FastAPI) -> None:
    @portal.exception_handler(SignInNeeded)
    async def _sign_in(request: Request, exc: SignInNeeded) -> Response:
        base = request.scope.get("root_path", "")
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        response = RedirectResponse(f"{base}/login?next={quote(target, safe='')}", status_code=303)
        if request.headers.get("HX-Request"):
            response.headers["HX-Redirect"] = f"{base}/login"
        return response

    @portal.exception_handler(CsrfRefused)
    async def _csrf(request: Request, exc: CsrfRefused) -> HTMLResponse:
        return render(
            request,
            "error.html",
            status=403,
            title="Form refused",
            message="The form did not carry this session's CSRF token: reload the page and send it again.",
            code="csrf",
        )

    @portal.exception_handler(UserError)
    async def _user_error(request: Request, exc: UserError) -> HTMLResponse:
        actor = getattr(request.state, "actor", None)
        status = STATUS.get(exc.code, 422)
        if exc.code in ("forbidden", "not_found") and request.method in WRITES and actor is not None:
            # as the API: a refused write is in the audit log (OWASP API1/API5; VI.8.3.2)
            detail = {"method": request.method, "code": exc.code, "status": status, "message": exc.message}
            audit_by(request.app.state.portal.engine, actor, "request.refused", request.url.path, detail)
        title = {401: "Not signed in", 403: "Not allowed", 404: "Not found", 429: "Too many requests"}
        return render(
            request,
            "error.html",
            status=status,
            title=title.get(status, "Refused"),
            message=exc.message,
            code=exc.code,
        )

    @portal.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> HTMLResponse:
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return render(
            request,
            "error.html",
            status=422,
            title="Invalid request",
            message=f"{where}: {first['msg']}",
            code="invalid",
        )

    @portal.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> HTMLResponse:
        return render(
            request,
            "error.html",
            status=exc.status_code,
            title="Not found" if exc.status_code == 404 else "Error",
            message=str(exc.detail),
            code="http",
        )

    @portal.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> HTMLResponse:
        _log.exception("unhandled error on %s %s", request.method, request.url.path)
        return render(
            request,
            "error.html",
            status=500,
            title="Internal error",
            message="internal error; it was logged",
            code="internal",
        )
