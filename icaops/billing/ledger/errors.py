"""Errors a caller can cause, as values: a stable code, a message, and where it happened.

Codes are listed in the order the ledger checks them, so when a posting is wrong in
several ways the reported code is the first one in this list (TigerBeetle's precedence).
Bugs in the caller's code (a field of the wrong type, a record that breaks its own
invariants) are assertions instead, and crash.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Code", "LedgerError"]


class Code(StrEnum):
    """Stable result codes; docs/ledger.md explains each one."""

    CHART_INVALID = "chart_invalid"
    KEY_EMPTY = "key_empty"
    KEY_CONFLICT = "key_conflict"
    CLAUSE_MISSING = "clause_missing"
    POSTED_AT_NAIVE = "posted_at_naive"
    CURRENCY_MISMATCH = "currency_mismatch"
    BILLING_ACCOUNT_UNKNOWN = "billing_account_unknown"
    LEGS_NOT_ALLOWED = "legs_not_allowed"
    LEGS_TOO_FEW = "legs_too_few"
    ACCOUNT_UNKNOWN = "account_unknown"
    AMOUNT_INVALID = "amount_invalid"
    AMOUNT_SCALE_EXCEEDED = "amount_scale_exceeded"
    AMOUNT_ZERO = "amount_zero"
    LEGS_UNBALANCED = "legs_unbalanced"
    PERIOD_CLOSED = "period_closed"
    CORRECTION_TARGET_UNKNOWN = "correction_target_unknown"
    PENDING_UNKNOWN = "pending_unknown"
    PENDING_NOT_PENDING = "pending_not_pending"
    PENDING_ALREADY_RESOLVED = "pending_already_resolved"
    PENDING_MISMATCH = "pending_mismatch"
    PENDING_AMOUNT_EXCEEDED = "pending_amount_exceeded"
    EFFECTIVE_BEFORE_TARGET = "effective_before_target"
    PERIOD_INVALID = "period_invalid"


@dataclass(frozen=True, slots=True)
class LedgerError:
    """A refused command: `key` is the transfer's idempotency key (or the billing account
    for a period), `leg` the 0-based leg index and `field` the offending field, when known."""

    code: Code
    message: str
    key: str = ""
    field: str = ""
    leg: int | None = None

    def __str__(self) -> str:
        where = self.key + (f" leg {self.leg}" if self.leg is not None else "")
        return f"{where}: {self.code}: {self.message}"
