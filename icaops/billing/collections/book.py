"""An account's book: each bill's amounts as tranches, paid, disputed, credited over time.

A tranche is a piece of one bill's charges with one history (paid on a day, disputed by a
dispute, resolved one way). Payments split tranches in the stated order (III.9.2 and the
term `billing.payment_application`); disputes carve tranches out (III.9.4); late payment
charges accrue per tranche from the Bill Date until it is paid (III.9.3).

`Book` is frozen: each change returns a new book. The splitting itself is done on a
private working copy (`_Draft`) that lives only inside one call.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from types import MappingProxyType

from ...money import ZERO
from ...terms.schema import Terms
from .facts import Application, BillFact, DisputeFact, PaymentFact
from .tranche import Tranche

__all__ = ["Book", "Tranche"]


@dataclass(frozen=True, slots=True)
class Book:
    """The tranches of one account, built in date order from its facts."""

    account_id: str
    terms: Terms
    tranches: tuple[Tranche, ...] = ()
    unapplied: Decimal = ZERO
    late_billed: Mapping[str, Decimal] = field(
        default_factory=lambda: MappingProxyType({})
    )  # bill id -> late charges billed on it so far
    applications: tuple[Application, ...] = ()

    def add_bill(self, bill: BillFact) -> Book:
        """A closed bill's lines become tranches; any unapplied credit is applied to it."""
        draft = _Draft(self)
        draft.add_bill(bill)
        return draft.freeze()

    def add_payment(self, payment: PaymentFact) -> Book:
        """Apply a payment in the stated order; what is left stays as a credit on account."""
        draft = _Draft(self)
        draft.unapplied += payment.amount
        draft.apply(payment.id, payment.received_on)
        return draft.freeze()

    def add_dispute(self, dispute: DisputeFact) -> Book:
        """Carve the disputed amount out of its bill (unpaid charges first)."""
        draft = _Draft(self)
        draft.add_dispute(dispute)
        return draft.freeze()

    def resolve(self, dispute_id: str, on: dt.date, amount_for_clec: Decimal) -> Book:
        """Resolve a dispute: `amount_for_clec` in the billed Party's favour, the rest against it."""
        draft = _Draft(self)
        draft.resolve(dispute_id, on, amount_for_clec)
        return draft.freeze()

    def dispute_tranches(self, dispute_id: str) -> tuple[Tranche, ...]:
        """The tranches a dispute holds (or held)."""
        return tuple(t for t in self.tranches if t.dispute_id == dispute_id)

    def unpaid(self, on: dt.date, *, held: bool | None = None, past_due: bool | None = None) -> Decimal:
        """Unpaid amounts billed on or before `on`, optionally only held / not held, past due / not."""
        total = ZERO
        for t in self.tranches:
            if not t.unpaid or t.bill_date > on:
                continue
            if held is not None and t.held(on) != held:
                continue
            if past_due is not None and (t.due_date < on) != past_due:
                continue
            total += t.amount
        return total


class _Draft:
    """A working copy of a book for one change: lists to split tranches in place, then frozen."""

    def __init__(self, book: Book) -> None:
        self.book = book
        self.tranches = list(book.tranches)
        self.unapplied = book.unapplied
        self.late_billed = dict(book.late_billed)
        self.applications = list(book.applications)

    def freeze(self) -> Book:
        return replace(
            self.book,
            tranches=tuple(self.tranches),
            unapplied=self.unapplied,
            late_billed=MappingProxyType(self.late_billed),
            applications=tuple(self.applications),
        )

    def add_bill(self, bill: BillFact) -> None:
        for line_id, category, amount in bill.lines:
            if category == "late_charge" and ":late:" in line_id:
                billed_for = line_id.rsplit(":late:", 1)[1]
                self.late_billed[billed_for] = self.late_billed.get(billed_for, ZERO) + amount
            if amount == 0:
                continue
            if amount < 0:
                # A credit line settles what it credits first (III.9.4.1), then the rest, like a payment.
                credit = -amount
                if ":credit:" in line_id:
                    credit = self.settle_dispute(
                        line_id.rsplit(":credit:", 1)[1], credit, f"credit@{bill.bill_id}", bill.bill_date
                    )
                self.unapplied += credit
                continue
            kind = "late_charge" if category == "late_charge" else "charge"
            self.tranches.append(Tranche(bill.bill_id, bill.bill_date, bill.due_date.value, kind, amount))
        if self.unapplied > 0:
            self.apply(f"credit@{bill.bill_id}", bill.bill_date)

    def _order(self, tranche: Tranche) -> tuple[object, ...]:
        # billing.payment_application: the rules in their stated order, each one sort key
        keys: list[object] = []
        for rule in self.book.terms.billing.payment_application.value:
            if rule == "oldest_bill_first":
                keys.append(tranche.bill_date)
            elif rule == "charges_before_late_payment_charges":
                keys.append(1 if tranche.kind == "late_charge" else 0)
            else:  # late_payment_charges_first
                keys.append(0 if tranche.kind == "late_charge" else 1)
        return (*keys, tranche.bill_date)

    def apply(self, source: str, on: dt.date) -> None:
        open_ = sorted(
            (i for i, t in enumerate(self.tranches) if t.unpaid and not t.held(on) and t.bill_date <= on),
            key=lambda i: self._order(self.tranches[i]),
        )
        for i in open_:
            if self.unapplied <= 0:
                break
            t = self.tranches[i]
            take = min(t.amount, self.unapplied)
            self.split(i, take, replace(t, amount=take, paid_on=on, paid_by=source))
            self.unapplied -= take
            self.applications.append(Application(source, t.bill_id, take, on))

    def split(self, index: int, amount: Decimal, changed: Tranche) -> None:
        """Replace tranche `index` by `changed` (of `amount`) and, if smaller, the untouched rest."""
        original = self.tranches[index]
        self.tranches[index] = changed
        rest = original.amount - amount
        if rest > 0:
            self.tranches.insert(index + 1, replace(original, amount=rest))

    def add_dispute(self, dispute: DisputeFact) -> None:
        remaining = dispute.amount

        # Unpaid charges first; then what was paid last (a late payment made with, or just
        # before, a late-filed dispute is the disputed money, and its late charges go with it).
        def rank(i: int) -> tuple[int, int, int]:
            paid_on = self.tranches[i].paid_on
            return (0, 0, i) if paid_on is None else (1, -paid_on.toordinal(), i)

        candidates = sorted(
            (
                i
                for i, t in enumerate(self.tranches)
                if t.bill_id == dispute.bill_id and t.kind == "charge" and t.dispute_id is None
            ),
            key=rank,
        )
        for i in candidates:
            if remaining <= 0:
                break
            t = self.tranches[i]
            take = min(t.amount, remaining)
            self.split(
                i,
                take,
                replace(t, amount=take, dispute_id=dispute.id, timely=dispute.timely, disputed_on=dispute.filed_on),
            )
            remaining -= take

    def resolve(self, dispute_id: str, on: dt.date, amount_for_clec: Decimal) -> None:
        remaining = amount_for_clec
        indices = [i for i, t in enumerate(self.tranches) if t.dispute_id == dispute_id and t.outcome is None]
        for i in indices:
            t = self.tranches[i]
            if remaining > 0:
                take = min(t.amount, remaining)
                self.split(i, take, replace(t, amount=take, outcome="for_clec", resolved_on=on))
                remaining -= take
        for i, t in enumerate(self.tranches):
            if t.dispute_id == dispute_id and t.outcome is None:
                self.tranches[i] = replace(t, outcome="against", resolved_on=on)
        self.pay_against_from_surplus(dispute_id, on)

    def pay_against_from_surplus(self, dispute_id: str, on: dt.date) -> None:
        """Money paid while a timely dispute was open pays the amount resolved against the CLEC, as of its payment date.

        III.9.3 charges late payment only if an undisputed amount "is not received by the
        billing Party by the Bill Due Date". A disputed amount receives nothing while held, so a
        payment covering it went on to charges not yet due (the surplus). When the dispute is
        resolved against the billed Party, that surplus pays the disputed amount from the day
        it was received, and the charges it had prepaid, still not due, are unpaid again
        (interpretation payment-application)."""

        def owed(t: Tranche) -> bool:
            return t.dispute_id == dispute_id and t.outcome == "against" and t.unpaid and t.timely and t.due_date < on

        def surplus(p: Tranche, bill_date: dt.date) -> bool:
            return (
                p.paid_on is not None
                and p.paid_by is not None
                and not p.paid_by.startswith("credit@")
                and p.dispute_id is None
                and bill_date <= p.paid_on < on
                and p.paid_on < p.due_date
                and on < p.due_date
            )

        while True:
            i = next((k for k, t in enumerate(self.tranches) if owed(t)), None)
            if i is None:
                return
            t = self.tranches[i]
            j = min(
                (k for k, p in enumerate(self.tranches) if surplus(p, t.bill_date)),
                key=lambda k: (self.tranches[k].paid_on, k),
                default=None,
            )
            if j is None:
                return
            p = self.tranches[j]
            assert p.paid_on is not None and p.paid_by is not None
            take = min(p.amount, t.amount)
            # Split the later index first: a split inserts the rest after its tranche.
            for k, changed in sorted(
                (
                    (i, replace(t, amount=take, paid_on=p.paid_on, paid_by=p.paid_by)),
                    (j, replace(p, amount=take, paid_on=None, paid_by=None)),
                ),
                key=lambda x: -x[0],
            ):
                self.split(k, take, changed)
            self.applications += [
                Application(p.paid_by, t.bill_id, take, p.paid_on),
                Application(p.paid_by, p.bill_id, -take, on),
            ]

    def settle_dispute(self, dispute_id: str, credit: Decimal, source: str, on: dt.date) -> Decimal:
        """Mark the unpaid tranches resolved for the CLEC as settled by the credit; return what is left."""
        for i, t in enumerate(self.tranches):
            if credit <= 0:
                break
            if t.dispute_id == dispute_id and t.outcome == "for_clec" and t.unpaid:
                take = min(t.amount, credit)
                self.split(i, take, replace(t, amount=take, paid_on=on, paid_by=source))
                credit -= take
        return credit
