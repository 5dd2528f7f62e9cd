"""Request bodies derived from the event schemas: one definition of each action's fields.

A POST's body is the event's own schema (icaops/<domain>/event_schemas.py) without what the
gateway fills in itself: the event id, its date (the business day of the request), its type,
and the account and object key that the path names. Money fields are validated against the
terms' `money.scale`, which a schema reads from its validation context: FastAPI cannot pass
one, so a body is parsed by `json_body` (and documented in the OpenAPI by `documented`).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError

from ..app.errors import UserError
from ..app.gateway.requests import body_of

__all__ = ["body_of", "documented", "json_body"]

M = TypeVar("M", bound=BaseModel)


def json_body(model: type[M]) -> Callable[[Request], Awaitable[M]]:
    """A dependency parsing the request's JSON body as `model`, with the agreement's money scale."""

    async def parse(request: Request) -> M:
        raw = await request.body()
        try:
            data = json.loads(raw or b"null")
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise UserError(f"body: expected JSON ({exc})", code="invalid", field="body") from None
        if not isinstance(data, dict):
            raise UserError(
                f"body: expected a JSON object with the fields of {model.__name__}", code="invalid", field="body"
            )
        scale = request.app.state.gateway.agreement.terms.money.scale.value
        try:
            return model.model_validate(data, context={"money_scale": scale})
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "body"
            raise UserError(f"{where}: {first['msg']}", code="invalid", field=where) from None

    return parse


def documented(model: type[BaseModel]) -> dict[str, Any]:
    """The `openapi_extra` that documents a `json_body` request body (the schema inlined)."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": _inline(schema, defs)}},
        }
    }


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _inline(defs[ref.removeprefix("#/$defs/")], defs)
        return {k: _inline(v, defs) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    return node
