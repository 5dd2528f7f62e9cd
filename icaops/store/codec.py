"""JSON forms of event data and explanations that read back as the same Python values.

JSON has no date or Decimal, so those are written as a tagged object
`{"__icaops__": "date", "value": "2012-08-04"}` and read back as `datetime.date` /
`Decimal`; everything else JSON has is kept as it is (tuples come back as lists).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ..explain import Explained

__all__ = ["decode", "encode", "explanation"]

TAG = "__icaops__"


def encode(value: Any) -> Any:
    """A JSON-ready form of `value` (dates, datetimes and Decimals tagged)."""
    if isinstance(value, dt.datetime):
        return {TAG: "datetime", "value": value.isoformat()}
    if isinstance(value, dt.date):
        return {TAG: "date", "value": value.isoformat()}
    if isinstance(value, Decimal):
        return {TAG: "decimal", "value": str(value)}
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(
        f"cannot store a {type(value).__name__} in JSON: {value!r}; "
        "expected str, number, date, Decimal, list or mapping"
    )


def decode(value: Any) -> Any:
    """The Python value `encode` was given (tuples read back as lists)."""
    if isinstance(value, dict):
        tag = value.get(TAG)
        if tag is not None and set(value) == {TAG, "value"}:
            if tag == "date":
                return dt.date.fromisoformat(value["value"])
            if tag == "datetime":
                return dt.datetime.fromisoformat(value["value"])
            if tag == "decimal":
                return Decimal(value["value"])
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def explanation(explained: Explained | None) -> dict | None:
    """An explanation as JSON: value, steps (text and clause) and clauses."""
    return None if explained is None else explained.as_dict()
