"""An account's book: each bill's amounts as tranches, paid, disputed, credited over time.

A tranche is a piece of one bill's charges with one history (paid on a day, disputed by a
dispute, resolved one way). Payments split tranches in the stated order (III.9.2 and the
term `billing.payment_application`); disputes carve tranches out (III.9.4); late payment
charges accrue per tranche from the Bill Date until it is paid (III.9.3).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal

from ...money import ZERO
from ...terms.schema import Terms
from .facts import BillFact, DisputeFact, PaymentFact

__all__ = ["Tranche", "Book"]

CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Tranche:
    """A piece of a bill's charges with a single history."""

    bill_id: str
    bill_date: dt.date
    due_date: dt.date
    kind: str  # charge | late_charge
    amount: Decimal
    paid_on: dt.date | None = None
    paid_by: str | None = None  # payment, credit or deposit draw id
    dispute_id: str | None = None
    timely: bool = False
    outcome: str | None = None  # None (open or never disputed), for_clec, against
    resolved_on: dt.date | None = None

    @property
    def unpaid(self) -> bool:
        return self.paid_on is None

    def held(self, on: dt.date) -> bool:
        """Held apart from what is due: disputed by the Bill Due Date and not yet resolved, or resolved for the CLEC.

        III.9.4: a dispute filed after the Bill Due Date holds nothing back — "The billed Party
        may not withhold payment of amounts past the due date pending a later filing of a
        dispute" — so its amount stays due (and bears late payment charges) until resolved.
        """
        if self.dispute_id is None:
            return False
        return self.outcome == "for_clec" or (self.outcome is None and self.timely)


@dataclass
class Book:
    """The tranches of one account, built in date order from its facts."""

    account_id: str
    terms: Terms
    tranches: list[Tranche] = field(default_factory=list)
    bills: dict[str, BillFact] = field(default_factory=dict)
    unapplied: Decimal = ZERO
    late_billed: dict[str, Decimal] = field(default_factory=dict)  # bill id -> late charges billed on it so far
    applications: list[tuple[str, str, Decimal, dt.date]] = field(default_factory=list)  # (payment, bill, amount, date)

    # -- bills -----------------------------------------------------------------------

    def add_bill(self, bill: BillFact) -> None:
        """A closed bill's lines become tranches; any unapplied credit is applied to it."""
        self.bills[bill.bill_id] = bill
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
                    credit = self._settle_dispute(line_id.rsplit(":credit:", 1)[1], credit, f"credit@{bill.bill_id}", bill.bill_date)
                self.unapplied += credit
                continue
            kind = "late_charge" if category == "late_charge" else "charge"
            self.tranches.append(Tranche(bill.bill_id, bill.bill_date, bill.due_date.value, kind, amount))
        if self.unapplied > 0:
            self._apply(f"credit@{bill.bill_id}", bill.bill_date)

    # -- payments --------------------------------------------------------------------

    def add_payment(self, payment: PaymentFact) -> None:
        """Apply a payment in the stated order; what is left stays as a credit on account."""
        self.unapplied += payment.amount
        self._apply(payment.id, payment.received_on)

    def _order(self, tranche: Tranche) -> tuple:
        rules = self.terms.billing.payment_application.value
        late_last = "late_payment_charges_first" not in rules
        kind_rank = (1 if tranche.kind == "late_charge" else 0) if late_last else (0 if tranche.kind == "late_charge" else 1)
        return (tranche.bill_date, kind_rank)

    def _apply(self, source: str, on: dt.date) -> None:
        open_ = sorted(
            (i for i, t in enumerate(self.tranches) if t.unpaid and not t.held(on) and t.bill_date <= on),
            key=lambda i: self._order(self.tranches[i]),
        )
        for i in open_:
            if self.unapplied <= 0:
                break
            t = self.tranches[i]
            take = min(t.amount, self.unapplied)
            self._split(i, take, replace(t, amount=take, paid_on=on, paid_by=source))
            self.unapplied -= take
            self.applications.append((source, t.bill_id, take, on))

    def _split(self, index: int, amount: Decimal, changed: Tranche) -> None:
        """Replace tranche `index` by `changed` (of `amount`) and, if smaller, the untouched rest."""
        original = self.tranches[index]
        self.tranches[index] = changed
        rest = original.amount - amount
        if rest > 0:
            self.tranches.insert(index + 1, replace(original, amount=rest))

    # -- disputes --------------------------------------------------------------------

    def add_dispute(self, dispute: DisputeFact) -> Decimal:
        """Carve the disputed amount out of the bill (unpaid charges first); returns the amount held."""
        bill = self.bills.get(dispute.bill_id)
        if bill is None:
            raise KeyError(f"dispute {dispute.id}: no bill {dispute.bill_id!r} on account {self.account_id}")
        timely = dispute.filed_on <= bill.due_date.value if self.terms.billing.dispute_filing_on_due_date_allowed.value else dispute.filed_on < bill.due_date.value
        remaining = dispute.amount
        # Unpaid charges first; then what was paid last (a late payment made with, or just
        # before, a late-filed dispute is the disputed money, and its late charges go with it).
        candidates = sorted(
            (i for i, t in enumerate(self.tranches) if t.bill_id == bill.bill_id and t.kind == "charge" and t.dispute_id is None),
            key=lambda i: (0, 0, i) if self.tranches[i].unpaid else (1, -self.tranches[i].paid_on.toordinal(), i),
        )
        for i in candidates:
            if remaining <= 0:
                break
            t = self.tranches[i]
            take = min(t.amount, remaining)
            self._split(i, take, replace(t, amount=take, dispute_id=dispute.id, timely=timely))
            remaining -= take
        return dispute.amount - remaining

    def resolve(self, dispute_id: str, on: dt.date, amount_for_clec: Decimal) -> None:
        """Resolve a dispute: `amount_for_clec` in the billed Party's favour, the rest against it."""
        remaining = amount_for_clec
        indices = [i for i, t in enumerate(self.tranches) if t.dispute_id == dispute_id and t.outcome is None]
        for i in indices:
            t = self.tranches[i]
            if remaining > 0:
                take = min(t.amount, remaining)
                self._split(i, take, replace(t, amount=take, outcome="for_clec", resolved_on=on))
                remaining -= take
        for i, t in enumerate(self.tranches):
            if t.dispute_id == dispute_id and t.outcome is None:
                self.tranches[i] = replace(t, outcome="against", resolved_on=on)
        self._pay_against_from_surplus(dispute_id, on)

    def _pay_against_from_surplus(self, dispute_id: str, on: dt.date) -> None:
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
            return (p.paid_on is not None and p.paid_by is not None and not p.paid_by.startswith("credit@") and p.dispute_id is None
                    and bill_date <= p.paid_on < on and p.paid_on < p.due_date and on < p.due_date)

        while True:
            i = next((k for k, t in enumerate(self.tranches) if owed(t)), None)
            if i is None:
                return
            t = self.tranches[i]
            j = min((k for k, p in enumerate(self.tranches) if surplus(p, t.bill_date)), key=lambda k: (self.tranches[k].paid_on, k), default=None)
            if j is None:
                return
            p = self.tranches[j]
            take = min(p.amount, t.amount)
            # Split the later index first: a split inserts the rest after its tranche.
            for k, changed in sorted(((i, replace(t, amount=take, paid_on=p.paid_on, paid_by=p.paid_by)),
                                      (j, replace(p, amount=take, paid_on=None, paid_by=None))), key=lambda x: -x[0]):
                self._split(k, take, changed)
            self.applications += [(p.paid_by, t.bill_id, take, p.paid_on), (p.paid_by, p.bill_id, -take, on)]

    def _settle_dispute(self, dispute_id: str, credit: Decimal, source: str, on: dt.date) -> Decimal:
        """Mark the unpaid tranches resolved for the CLEC as settled by the credit; return what is left."""
        for i, t in enumerate(self.tranches):
            if credit <= 0:
                break
            if t.dispute_id == dispute_id and t.outcome == "for_clec" and t.unpaid:
                take = min(t.amount, credit)
                self._split(i, take, replace(t, amount=take, paid_on=on, paid_by=source))
                credit -= take
        return credit

    def dispute_tranches(self, dispute_id: str) -> list[Tranche]:
        """The tranches a dispute holds (or held)."""
        return [t for t in self.tranches if t.dispute_id == dispute_id]

    # -- balances --------------------------------------------------------------------

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
