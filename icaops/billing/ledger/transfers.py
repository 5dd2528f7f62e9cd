"""Transfers: the only records the ledger stores. They never change; a correction is a
new transfer that names the one it corrects.

Legs are columns (three parallel tuples) rather than one object per leg, so a bill of a
million lines is one record holding three tuples, not a million small objects.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

__all__ = ["Flow", "Kind", "Leg", "Legs", "Period", "Ref", "Transfer"]


class Kind(StrEnum):
    """What a transfer is, in the agreement's words; the engine never branches on it."""

    BILL_LINE = "bill_line"
    PAYMENT = "payment"
    LATE_CHARGE = "late_charge"
    DISPUTE_HOLD = "dispute_hold"
    DISPUTE_RELEASE = "dispute_release"
    CREDIT = "credit"
    DEPOSIT = "deposit"
    DEPOSIT_DRAW = "deposit_draw"
    DEPOSIT_REFUND = "deposit_refund"
    ADJUSTMENT = "adjustment"
    REVERSAL = "reversal"


class Flow(StrEnum):
    """TigerBeetle's two-phase transfers: `pending` reserves, then one `post_pending`
    (all or part) or `void_pending` resolves it. Everything else is `posted`."""

    POSTED = "posted"
    PENDING = "pending"
    POST_PENDING = "post_pending"
    VOID_PENDING = "void_pending"


@dataclass(frozen=True, slots=True)
class Ref:
    """What caused a transfer: `Ref("bill", "B-2012-07")`, `Ref("payment", "P-81")`."""

    source: str
    id: str

    def __post_init__(self) -> None:
        assert self.source and self.id, f"empty reference {self!r}"


@dataclass(frozen=True, slots=True)
class Leg:
    """One leg: a signed amount (debit positive, credit negative) on one account."""

    account: str
    amount: Decimal
    line: str = ""  # the bill line (or other sub-item of the transfer's refs) it belongs to


@dataclass(frozen=True, slots=True)
class Legs:
    """A transfer's legs as parallel columns; `lines` is empty when no leg names a line."""

    accounts: tuple[str, ...]
    amounts: tuple[Decimal, ...]
    lines: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        assert type(self.accounts) is tuple and type(self.amounts) is tuple
        assert type(self.lines) is tuple
        assert len(self.accounts) == len(self.amounts), "legs: columns differ in length"
        assert not self.lines or len(self.lines) == len(self.amounts), "legs: lines column"

    @classmethod
    def of(cls, *legs: Leg | tuple[str, Decimal] | tuple[str, Decimal, str]) -> Legs:
        """Legs from `Leg`s or `(account, amount[, line])` tuples, for small transfers."""
        rows = [(leg.account, leg.amount, leg.line) if isinstance(leg, Leg) else (*leg, "")[:3] for leg in legs]
        accounts, amounts, lines = zip(*rows) if rows else ((), (), ())
        return cls(accounts, amounts, lines if any(lines) else ())

    def __len__(self) -> int:
        return len(self.amounts)

    def __getitem__(self, index: int) -> Leg:
        line = self.lines[index] if self.lines else ""
        return Leg(self.accounts[index], self.amounts[index], line)

    def __iter__(self) -> Iterator[Leg]:
        return (self[index] for index in range(len(self)))


@dataclass(frozen=True, slots=True)
class Transfer:
    """A balanced posting command, and once stored, the record of it.

    `id` is 0 on the way in; the ledger assigns 1, 2, 3... in posting order. `posted_at`
    is supplied by the caller (nothing here reads the clock). `pending_key` names the
    pending transfer a `post_pending`/`void_pending` resolves; `corrects` names the
    transfer a correction amends.
    """

    key: str
    billing_account: str
    kind: Kind
    effective_date: date
    posted_at: datetime
    currency: str
    legs: Legs
    clause: str
    refs: tuple[Ref, ...] = ()
    memo: str = ""
    flow: Flow = Flow.POSTED
    pending_key: str = ""
    corrects: str = ""
    id: int = 0

    def __post_init__(self) -> None:
        assert isinstance(self.kind, Kind) and isinstance(self.flow, Flow)
        assert type(self.effective_date) is date, "effective_date must be a date"
        assert isinstance(self.posted_at, datetime), "posted_at must be a datetime"
        assert type(self.legs) is Legs and type(self.refs) is tuple
        resolves = self.flow in (Flow.POST_PENDING, Flow.VOID_PENDING)
        assert resolves == bool(self.pending_key), f"{self.key}: pending_key vs flow"
        assert not self.corrects or self.flow is Flow.POSTED, f"{self.key}: correction flow"

    def with_id(self, id: int) -> Transfer:
        """This transfer as stored under `id` (cheaper than dataclasses.replace)."""
        return Transfer(
            self.key,
            self.billing_account,
            self.kind,
            self.effective_date,
            self.posted_at,
            self.currency,
            self.legs,
            self.clause,
            self.refs,
            self.memo,
            self.flow,
            self.pending_key,
            self.corrects,
            id,
        )


# Content is every field the caller chose, except the ledger's id and the posting
# time: a retry made a moment later is still the same posting.
_CONTENT = tuple(f.name for f in fields(Transfer) if f.name not in ("id", "posted_at"))


def content_difference(stored: Transfer, new: Transfer) -> tuple[str, int | None] | None:
    """The first field (and leg index, for legs) where two postings differ, or None."""
    for name in _CONTENT:
        if getattr(stored, name) == getattr(new, name):
            continue
        if name != "legs":
            return name, None
        return _legs_difference(stored.legs, new.legs)
    return None


def _legs_difference(a: Legs, b: Legs) -> tuple[str, int | None]:
    if len(a) != len(b):
        return "legs", None
    for column in ("accounts", "amounts", "lines"):
        left, right = getattr(a, column), getattr(b, column)
        if left != right:
            if not left or not right:
                return f"legs.{column}", None
            index = next(i for i, (x, y) in enumerate(zip(left, right)) if x != y)
            return f"legs.{column}", index
    raise AssertionError("legs differ but no column does")


@dataclass(frozen=True, slots=True)
class Period:
    """A bill period of one billing account, both dates inclusive; closed once marked."""

    billing_account: str
    first: date
    last: date

    def __contains__(self, day: date) -> bool:
        return self.first <= day <= self.last
