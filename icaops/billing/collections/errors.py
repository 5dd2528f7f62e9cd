"""Errors a log or a query can cause in collections, as values: a stable code and a message.

`Code` lists every code in precedence order: when an event is wrong in several ways, each
handler checks in this order, so the error reported is the first that applies — missing
fields, then malformed fields, then references to nothing, then values the state or the
terms refuse. docs/collections.md explains each code; tests/billing/test_collections_fold.py
has a broken event (or query) for each. Bugs (an inconsistent book) are assertions and crash.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ...relationship.events import Event, EventError

__all__ = ["BillingError", "Code", "QueryError", "billing_error"]


class Code(StrEnum):
    """Stable codes, in precedence order."""

    # The event cannot be folded here at all.
    CYCLE_NOT_COMPUTABLE = "cycle_not_computable"
    # Fields missing or malformed.
    FIELD_MISSING = "field_missing"
    AMOUNT_INVALID = "amount_invalid"
    LINES_INVALID = "lines_invalid"
    # References to something the account's history does not have.
    BILL_UNKNOWN = "bill_unknown"
    DISPUTE_UNKNOWN = "dispute_unknown"
    DEPOSIT_REQUEST_UNKNOWN = "deposit_request_unknown"
    # Values the history or the terms refuse.
    PERIOD_CLOSED = "period_closed"
    DISPUTE_ITEMS_MISSING = "dispute_items_missing"
    DISPUTE_AMOUNT_NOT_POSITIVE = "dispute_amount_not_positive"
    DISPUTE_ITEM_EXCEEDS_LINE = "dispute_item_exceeds_line"
    DISPUTE_EXCEEDS_OPEN = "dispute_exceeds_open"
    RESOLUTION_OUT_OF_RANGE = "resolution_out_of_range"
    DEPOSIT_GROUND_INVALID = "deposit_ground_invalid"
    DEPOSIT_FORM_INVALID = "deposit_form_invalid"
    DRAW_EXCEEDS_DEPOSIT = "draw_exceeds_deposit"
    AUDIT_KIND_INVALID = "audit_kind_invalid"
    # Queries (`billing.ACCOUNT.…`) that name nothing the history has.
    QUERY_UNKNOWN = "query_unknown"
    LINE_UNKNOWN = "line_unknown"
    BILL_NOT_COMPUTED = "bill_not_computed"
    DISPUTE_NOT_RESOLVED = "dispute_not_resolved"


@dataclass(frozen=True, slots=True)
class BillingError(EventError):
    """An event the fold could not use: an `EventError` (printed the same way) with its code."""

    code: Code


def billing_error(code: Code, event: Event, field: str, expected: str) -> BillingError:
    """The error for `event`'s `field`: `expected` says what would have been accepted."""
    return BillingError("billing", event.id, field, expected, code)


@dataclass(frozen=True, slots=True)
class QueryError:
    """A query naming a bill, dispute, deposit request or question the history does not have."""

    code: Code
    message: str

    def __str__(self) -> str:
        return self.message
