"""JSON views of the domain's records: plain conversion, no decisions."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from enum import Enum
from typing import Any

from ..app.gateway.projection import Refusal
from ..explain import Explained

__all__ = ["explained", "plain", "refusals"]


def plain(value: Any) -> Any:
    """A JSON-ready form of a domain value (records as objects, dates ISO, money as strings)."""
    if isinstance(value, Explained):
        return explained(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return plain(value.value)
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, frozenset | set):
        return sorted(plain(v) for v in value)
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    return value


def explained(value: Explained[Any]) -> dict[str, Any]:
    """A value with the steps that explain it, each with its clause."""
    return {"value": plain(value.value), "steps": [{"text": s.text, "clause": s.clause} for s in value.steps]}


def refusals(found: tuple[Refusal, ...]) -> list[dict[str, str]]:
    """Refusals as a list of {code, field, message, clause}."""
    return [{"code": r.code, "field": r.field, "message": r.message, "clause": r.clause} for r in found]
