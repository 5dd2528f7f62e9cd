"""Errors of the CPNI fold, as values: a stable code, the clause, and what would have been accepted.

`Code` lists every code in precedence order: a handler checks missing and malformed fields
first (INPUT codes: the log itself is wrong), then the agreement's refusals (the request was
well formed and the agreement refuses it; the refusal is kept in the state for an audit).
docs/cpni.md explains each code; tests/cpni/test_fold.py has an event for each.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ..relationship.events import Event, EventError

__all__ = ["INPUT_CODES", "Code", "CpniError", "cpni_error"]


class Code(StrEnum):
    """Stable codes, in precedence order."""

    # The event is malformed.
    FIELD_MISSING = "field_missing"
    CHANNEL_INVALID = "channel_invalid"
    ROLE_INVALID = "role_invalid"
    KIND_INVALID = "kind_invalid"
    FILE_INVALID = "file_invalid"
    AUTHORIZATION_UNKNOWN = "authorization_unknown"
    # The agreement refuses the request.
    BLANKET_LOA_MISSING = "blanket_loa_missing"
    AUTHORIZATION_MISSING = "authorization_missing"
    READ_NOT_ALLOWED = "read_not_allowed"
    DVF_LIMIT_REACHED = "dvf_limit_reached"


INPUT_CODES: frozenset[Code] = frozenset(
    {
        Code.FIELD_MISSING,
        Code.CHANNEL_INVALID,
        Code.ROLE_INVALID,
        Code.KIND_INVALID,
        Code.FILE_INVALID,
        Code.AUTHORIZATION_UNKNOWN,
    }
)
"""Codes that mean the log is wrong, not that the agreement refused a request."""


@dataclass(frozen=True, slots=True)
class CpniError(EventError):
    """An event the fold refused: an `EventError` (printed the same way) with its code and clause."""

    code: Code
    clause: str = ""


def cpni_error(code: Code, event: Event, field: str, expected: str, clause: str = "") -> CpniError:
    """The error for `event`'s `field`: `expected` says what would have been accepted."""
    return CpniError("cpni", event.id, field, expected, code, clause)
