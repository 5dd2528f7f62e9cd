"""What an invoice says beyond the bill's own lines: the account summary and how to dispute.

`AccountSummary` is the balance block of the invoice (previous balance, payments,
adjustments and credits, late payment charges, balance forward, current charges, total
amount due). Its figures from outside the bill (previous balance, payments, amounts in
dispute) come from the relationship's state, so the caller computes them (the application
layer reads the account's history); the renderers only print them.

`Notices` is what the terms say about disputing a bill and giving notice: the Bill Due Date
is the last day to dispute (III.9.4), the ways notice may be given (III.34.1) and the
addresses notices go to (III.34.2); `quotes` holds each clause's words for the invoice's
list of clauses cited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

from pydantic import BaseModel

from ...money import ZERO_CENTS
from ...terms.schema import Term, Terms
from ..model import Bill

__all__ = ["AccountSummary", "Notices", "clause_quotes"]

CARRIED = ("late_charge", "credit", "adjustment")  # categories collections carries onto a bill


@dataclass(frozen=True, slots=True)
class AccountSummary:
    """The account's balance as the invoice prints it; amounts in the bill's currency.

    previous_balance − payments + adjustments_credits + late_charges = balance_forward;
    balance_forward + current_charges = total_due. `in_dispute` is informational: the part
    of the balance held by a billing dispute not yet resolved (III.9.4).
    """

    bill_id: str
    previous_bill_id: str | None
    previous_bill_date: dt.date | None
    previous_balance: Decimal
    payments: Decimal
    payments_through: dt.date
    adjustments_credits: Decimal
    late_charges: Decimal
    current_charges: Decimal
    in_dispute: Decimal = ZERO_CENTS

    @property
    def balance_forward(self) -> Decimal:
        """What was owed before this bill's current charges."""
        return self.previous_balance - self.payments + self.adjustments_credits + self.late_charges

    @property
    def total_due(self) -> Decimal:
        """The total amount due by the Bill Due Date."""
        return self.balance_forward + self.current_charges

    @classmethod
    def of(
        cls,
        bill: Bill,
        *,
        previous_balance: Decimal = ZERO_CENTS,
        payments: Decimal = ZERO_CENTS,
        previous_bill_id: str | None = None,
        previous_bill_date: dt.date | None = None,
        in_dispute: Decimal = ZERO_CENTS,
    ) -> AccountSummary:
        """The summary of `bill` given the account's figures from before it.

        The bill's late payment charge lines (III.9.3) and its credit and adjustment lines
        (III.9.4.1, III.7.1.7) are listed apart from its current charges. The defaults are
        an account's first bill with no payment received before it.
        """
        totals = bill.totals()
        adjustments = totals.get("credit", ZERO_CENTS) + totals.get("adjustment", ZERO_CENTS)
        late = totals.get("late_charge", ZERO_CENTS)
        current = bill.total - adjustments - late
        through = bill.cycle.bill_date.value - dt.timedelta(days=1)
        return cls(
            bill.id,
            previous_bill_id,
            previous_bill_date,
            previous_balance,
            payments,
            through,
            adjustments,
            late,
            current,
            in_dispute,
        )


@dataclass(frozen=True, slots=True)
class Notices:
    """How and where the billed Party disputes a bill or gives notice, from the terms."""

    dispute_on_due_date: bool  # a dispute filed on the Bill Due Date itself is timely
    dispute_clause: str
    methods: tuple[str, ...]  # the ways notice may be given
    methods_clause: str
    addresses: tuple[str, ...]  # the billing Party's addresses for notices
    addresses_clause: str
    quotes: Mapping[str, str]  # clause id -> the agreement's words, as the terms quote them

    @classmethod
    def from_terms(cls, terms: Terms, billing_party: str = "ilec") -> Notices:
        """From the terms in force on the Bill Date; `billing_party` keys `notices.addresses`."""
        notices = terms.notices
        methods = tuple(t.value.label for key, t in notices.methods.items() if t.value.valid and "_for_" not in key)
        any_method = next(iter(notices.methods.values()))
        dispute = terms.billing.dispute_filing_on_due_date_allowed
        return cls(
            bool(dispute.value),
            dispute.clause,
            methods,
            any_method.clause,
            tuple(notices.addresses.value.get(billing_party, ())),
            notices.addresses.clause,
            clause_quotes(terms),
        )

    def dispute_by(self, due: dt.date) -> str:
        """`on or before 2012-10-04` or `before 2012-10-04`, as the terms read III.9.4."""
        return f"{'on or before' if self.dispute_on_due_date else 'before'} {due.isoformat()}"


def _terms(node: object) -> Iterator[Term]:
    if isinstance(node, Term):
        yield node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _terms(getattr(node, name))
    elif isinstance(node, Mapping):
        for value in node.values():
            yield from _terms(value)


QUOTES_MAX = 3  # quotes printed per clause: Article VIII alone is quoted by every price


def clause_quotes(terms: Terms) -> Mapping[str, str]:
    """Each clause the terms cite, with up to `QUOTES_MAX` quotes of the terms that cite it (first seen first)."""
    quotes: dict[str, list[str]] = {}
    for term in _terms(terms):
        seen = quotes.setdefault(term.clause, [])
        if term.quote not in seen and len(seen) < QUOTES_MAX:
            seen.append(term.quote)
    return MappingProxyType({clause: " … ".join(q) for clause, q in quotes.items()})
