"""Request bodies derived from the event schemas: one definition of each action's fields.

A POST's body is the event's own schema (icaops/<domain>/event_schemas.py) without what the
gateway fills in itself: the event id, its date (the business day of the request), its type,
and the account and object key that the path names.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict, create_model

__all__ = ["body_of"]

FILLED = ("id", "date", "type")


def body_of(schema: type[BaseModel], name: str, drop: Iterable[str] = ()) -> type[BaseModel]:
    """A body model with the schema's fields except those the gateway fills and `drop`."""
    gone = set(FILLED) | set(drop)
    fields: dict[str, Any] = {
        key: (info.annotation, info) for key, info in schema.model_fields.items() if key not in gone
    }
    model: type[BaseModel] = create_model(  # type: ignore[call-overload]
        name, __config__=ConfigDict(extra="forbid"), __doc__=schema.__doc__, **fields
    )
    return model
