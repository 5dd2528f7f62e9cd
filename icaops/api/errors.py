"""Errors as JSON: a stable code, the message, the field and the clause; never a traceback."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..app.errors import UserError
from ..app.identity import audit_by
from ..identity.model import Actor

__all__ = ["ERROR_RESPONSES", "STATUS", "Error", "error_body", "install", "refused"]

STATUS: Mapping[str, int] = {
    "invalid": 422,
    "unauthorized": 401,
    "forbidden": 403,
    "not_found": 404,
    "conflict": 409,
    "idempotency_key_reused": 422,
    "refused": 422,
    "rate_limited": 429,
}
"""The HTTP status of each error code (any other code of a UserError is a 422)."""

_log = logging.getLogger("icaops.api")


class Error(BaseModel):
    """An error answered by the API: its stable code, the message (TMF's `reason`), the field
    at fault and, for a refusal of the agreement, its clause and every reason found."""

    model_config = ConfigDict(extra="allow")
    code: str = Field(
        description="a stable code: invalid, unauthorized, forbidden, not_found, conflict, "
        "idempotency_key_reused, refused, rate_limited, or a domain's"
    )
    message: str
    reason: str = Field(description="the message again, as TMF's Error names it")
    field: str | None = Field(default=None, description="the field, header or parameter at fault")
    clause: str | None = Field(default=None, description="the agreement's clause of a refusal")
    errors: list[dict[str, Any]] | None = Field(default=None, description="every error or refusal found")
    details: dict[str, Any] | None = None
    event: str | None = Field(default=None, description="the event of a refusal the log keeps")
    kept: bool | None = Field(default=None, description="whether the refused action is kept in the log")


def refused(description: str) -> dict[str, Any]:
    """The OpenAPI `responses` entry of an error status with the Error model."""
    return {"model": Error, "description": description}


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: refused("no token, or one malformed, unknown, revoked or expired"),
    403: refused("the role or the token's scopes lack the permission (IV.8.5 for retail sales)"),
    404: refused("not found, or an object of an account the caller does not see (OWASP API1)"),
    422: refused("invalid request, or refused by the agreement with every reason and its clause"),
    429: refused("more requests than the token's limit per minute (VI.13.2); see Retry-After"),
}
"""The errors every route may answer, declared once for the whole API (`create_app`)."""


def error_body(code: str, message: str, field: str | None = None, **more: Any) -> dict[str, Any]:
    """The JSON of an error: `{"code", "message", "field", ...}` (TMF's Error has code and reason)."""
    return {"code": code, "message": message, "reason": message, "field": field, **more}


REFUSED_ACCESS = frozenset({"forbidden", "not_found"})
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _audit_refusal(request: Request, actor: Actor, exc: UserError) -> None:
    """An authenticated write refused for its role, scopes or account is in the audit log with the
    actor, organisation, role and token (OWASP API1/API5; VI.8.3.2 monitoring of OSS access)."""
    engine = request.app.state.gateway.engine
    detail = {"method": request.method, "code": exc.code, "status": STATUS[exc.code], "message": exc.message}
    audit_by(engine, actor, "request.refused", request.url.path, detail)


def install(app: FastAPI) -> None:
    """Answer user errors, malformed requests, unknown routes and bugs as JSON errors."""

    @app.exception_handler(UserError)
    async def _user_error(request: Request, exc: UserError) -> JSONResponse:
        actor = getattr(request.state, "actor", None)
        if exc.code in REFUSED_ACCESS and request.method in WRITES and actor is not None:
            await run_in_threadpool(_audit_refusal, request, actor, exc)
        details = dict(exc.details) if isinstance(exc.details, Mapping) else {"lines": list(exc.details)}
        headers = {"Retry-After": str(details["retry_after"])} if "retry_after" in details else None
        if exc.code == "unauthorized":
            headers = {"WWW-Authenticate": "Bearer"}
        body = error_body(exc.code, exc.message, exc.field, details=details)
        return JSONResponse(body, status_code=STATUS.get(exc.code, 422), headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {
                "field": ".".join(str(p) for p in e.get("loc", ()) if p not in ("body",)),
                "message": e.get("msg", ""),
                "type": e.get("type", ""),
            }
            for e in exc.errors()
        ]
        first = errors[0] if errors else {"field": None, "message": "invalid request"}
        message = f"{first['field']}: {first['message']}" if first["field"] else str(first["message"])
        return JSONResponse(error_body("invalid", message, first["field"] or None, errors=errors), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:
            # A body FastAPI cannot read (not UTF-8, not JSON): the same answer as `json_body`'s.
            return JSONResponse(error_body("invalid", f"body: {exc.detail}", "body"), status_code=422)
        code = {404: "not_found", 405: "method_not_allowed", 401: "unauthorized"}.get(exc.status_code, "http_error")
        return JSONResponse(error_body(code, str(exc.detail)), status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> JSONResponse:
        _log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(error_body("internal", "internal error; it was logged"), status_code=500)
