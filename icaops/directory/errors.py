"""Errors of the directory fold, as values: a stable code, the clause, and what would have been accepted.

`Code` lists every code in precedence order: missing and malformed fields first (INPUT codes:
the log itself is wrong), then the agreement's refusals, kept in the state by event id.
docs/directory.md explains each code; tests/directory/test_fold.py has an event for each.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ..relationship.events import Event, EventError

__all__ = ["INPUT_CODES", "Code", "DirectoryError", "directory_error"]


class Code(StrEnum):
    """Stable codes, in precedence order."""

    # The event is malformed.
    FIELD_MISSING = "field_missing"
    METHOD_INVALID = "method_invalid"
    ACTION_INVALID = "action_invalid"
    VIA_INVALID = "via_invalid"
    DIRECTORY_UNKNOWN = "directory_unknown"
    # The agreement refuses the request.
    METHOD_NOT_CHOSEN = "method_not_chosen"
    METHOD_CHANGE_NOTICE_LATE = "method_change_notice_late"
    METHOD_IS_ANNUAL_FILE = "method_is_annual_file"
    METHOD_IS_LSR_DSR = "method_is_lsr_dsr"
    LISTING_EXISTS = "listing_exists"
    LISTING_UNKNOWN = "listing_unknown"
    AFTER_CLOSE = "after_close"
    INTENT_NOTICE_LATE = "intent_notice_late"
    GALLEY_REQUEST_LATE = "galley_request_late"
    CORRECTIONS_LATE = "corrections_late"


INPUT_CODES: frozenset[Code] = frozenset(
    {Code.FIELD_MISSING, Code.METHOD_INVALID, Code.ACTION_INVALID, Code.VIA_INVALID, Code.DIRECTORY_UNKNOWN}
)
"""Codes that mean the log is wrong, not that the agreement refused a request."""


@dataclass(frozen=True, slots=True)
class DirectoryError(EventError):
    """An event the fold refused: an `EventError` (printed the same way) with its code and clause."""

    code: Code
    clause: str = ""


def directory_error(code: Code, event: Event, field: str, expected: str, clause: str = "") -> DirectoryError:
    """The error for `event`'s `field`: `expected` says what would have been accepted."""
    return DirectoryError("directory", event.id, field, expected, code, clause)
