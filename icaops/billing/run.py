"""Close a billing cycle for many accounts: one readable pipeline.

inventory + events + usage counts + carried lines (late charges, credits, adjustments)
  -> recurring charges (bulk) -> NRCs from events -> usage -> taxes and surcharges -> Bills
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from ..calendar.deadlines import Deadlines
from ..money import ZERO_CENTS
from ..relationship.events import Event
from ..terms.schema import Terms
from .charges import event_charges, tax_lines, usage_charges
from .cycle import BillingCycle, cycle_for
from .model import Account, Bill, ChargeLine
from .recurring import recurring_charges

__all__ = ["CycleRun", "run_cycle"]


@dataclass(frozen=True)
class CycleRun:
    """Every bill of one period, and the inventory rows that could not be billed."""

    period: str
    bills: Mapping[str, Bill]
    recurring_lines: pa.Table
    rejected_inventory: pa.Table

    @property
    def line_count(self) -> int:
        """Recurring lines plus other lines, over all bills."""
        return self.recurring_lines.num_rows + sum(len(b.lines) for b in self.bills.values())


def _split_by_bill(lines: pa.Table) -> dict[str, pa.Table]:
    """Zero-copy slices of a table sorted by bill_id."""
    if lines.num_rows == 0:
        return {}
    counts = pc.value_counts(lines.column("bill_id")).to_pylist()
    order = {c["values"]: c["counts"] for c in counts}
    out, offset = {}, 0
    for bill_id in sorted(order):
        out[bill_id] = lines.slice(offset, order[bill_id])
        offset += order[bill_id]
    return out


def run_cycle(
    accounts: Sequence[Account],
    inventory: pa.Table,
    period: str,
    terms: Terms,
    events: Iterable[Event] = (),
    messages: Mapping[str, int] | None = None,
    carried: Mapping[str, Sequence[ChargeLine]] | None = None,
    orders_before: Mapping[str, int] | None = None,
) -> CycleRun:
    """Compute the bills of every account for `period` (YYYY-MM).

    `events` are the unbilled billable events (orders, CSR searches, dispatches...),
    `messages` the per-account message counts for usage charges, `carried` lines computed
    by collections for this bill (late payment charges, credits, audit adjustments).
    """
    dl = Deadlines(terms)
    cycles: dict[str, BillingCycle] = {a.id: cycle_for(a.id, period, a.cycle_close_day, dl) for a in accounts}
    con = duckdb.connect()
    recurring = recurring_charges(inventory, cycles, terms, con)
    slices = _split_by_bill(recurring.lines)
    events = list(events)
    messages = messages or {}
    carried = carried or {}
    bills = {}
    for account in accounts:
        cycle = cycles[account.id]
        mrc = slices.get(cycle.bill_id, recurring.lines.slice(0, 0))
        nrc, refused = event_charges(
            account,
            cycle,
            [e for e in events if e.get("account") == account.id],
            terms,
            (orders_before or {}).get(account.id, 0),
        )
        usage = usage_charges(account, cycle, messages.get(account.id, 0), terms)
        mrc_total = pc.sum(mrc.column("amount")).as_py() or ZERO_CENTS if mrc.num_rows else ZERO_CENTS
        bases = {
            "mrc": Decimal(mrc_total),
            "nrc": sum((l.amount for l in nrc), ZERO_CENTS),
            "usage": sum((l.amount for l in usage), ZERO_CENTS),
        }
        taxes = tax_lines(account, cycle, bases, terms)
        lines = tuple(nrc) + tuple(usage) + tuple(carried.get(account.id, ())) + tuple(taxes)
        groups = (
            {int(g): recurring.groups[int(g)] for g in pc.unique(mrc.column("price_group")).to_pylist()}
            if mrc.num_rows
            else {}
        )
        rejected = (
            recurring.rejected.filter(pc.equal(recurring.rejected.column("account_id"), account.id))
            if recurring.rejected.num_rows
            else recurring.rejected
        )
        bills[account.id] = Bill(account, cycle, mrc, groups, lines, tuple(refused), rejected)
    return CycleRun(period, bills, recurring.lines, recurring.rejected)
