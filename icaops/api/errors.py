"""Errors as JSON: a stable code, the message, the field and the clause; never a traceback."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..app.errors import UserError

__all__ = ["STATUS", "error_body", "install"]

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


def error_body(code: str, message: str, field: str | None = None, **more: Any) -> dict[str, Any]:
    """The JSON of an error: `{"code", "message", "field", ...}` (TMF's Error has code and reason)."""
    return {"code": code, "message": message, "reason": message, "field": field, **more}


def install(app: FastAPI) -> None:
    """Answer user errors, malformed requests, unknown routes and bugs as JSON errors."""

    @app.exception_handler(UserError)
    async def _user_error(request: Request, exc: UserError) -> JSONResponse:
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
        code = {404: "not_found", 405: "method_not_allowed", 401: "unauthorized"}.get(exc.status_code, "http_error")
        return JSONResponse(error_body(code, str(exc.detail)), status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> JSONResponse:
        _log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(error_body("internal", "internal error; it was logged"), status_code=500)
