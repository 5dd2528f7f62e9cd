"""An account's books from the relationship's event log: accounts, inventory, bills, history.

The event log is the only input (DEVELOPERS: pure core, events at the edge): the CLEC
accounts come from `billing.account_opened` and `usf.certified`, the resale inventory from
`service.added` / `service.removed`, and each `billing.cycle_closed` computes that period's
bill from the inventory, the cycle's billable events and the lines collections carries
(late payment charges, dispute credits, audit adjustments). The scenario runner and the
CLI both read books this way, so a scenario and a carrier's live log are the same thing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

import pyarrow as pa

from ..calendar.deadlines import Deadlines
from ..explain import Explained
from ..relationship.lifecycle import Lifecycle, fold as fold_lifecycle
from ..relationship.events import Event
from ..terms.loader import Agreement
from ..money import to_money
from .collections import status
from .collections.timeline import AccountHistory, fold_account
from .cycle import cycle_for
from .inventory import INVENTORY_SCHEMA, inventory_table
from .model import Account, Bill, ChargeLine
from .run import run_cycle

__all__ = ["ACCOUNT_EVENTS", "STATUS_QUERIES", "Books", "accounts_from_log", "inventory_from_log", "unbilled_events"]

STATUS_QUERIES = (
    "balance", "past_due", "disputed_held", "late_charges_accrued", "late_charges_pending", "credit_on_account",
    "deposit_may_be_requested", "deposit_held", "may_draw_deposit", "repeatedly_delinquent",
    "orders_may_be_refused", "amount_to_resume", "earliest_disconnection",
)
"""What an account's status shows, each answer explained (docs/scenarios.md, billing queries)."""

ACCOUNT_EVENTS = ("billing.account_opened", "usf.certified", "service.added", "service.removed", "usage.messages")


def accounts_from_log(events: Iterable[Event]) -> dict[str, Account]:
    """The CLEC billing accounts the log opens, with the USF certifications on file (III.9.6.2)."""
    events = tuple(events)
    accounts: dict[str, dict[str, Any]] = {}
    for e in events:
        if e.type == "billing.account_opened":
            acct = str(e.require("account"))
            accounts[acct] = {
                "id": acct, "name": str(e.get("name", acct)), "ocn": e.get("ocn"), "ccna": e.get("ccna"),
                "company_code": e.get("company_code"),
                "certificate_on_file": bool(e.get("certificate_on_file", False)),
                "cycle_close_day": int(e.get("cycle_close_day", 3)),
                "exemptions": frozenset(e.get("exemptions") or ()),
                "monthly_forecast": to_money(e.get("monthly_forecast")) if e.get("monthly_forecast") is not None else None,
                "usf_certified_years": set(),
            }
    for e in events:
        if e.type == "usf.certified" and e.get("account") in accounts:
            accounts[e.get("account")]["usf_certified_years"].add(int(e.get("year", e.date.year)))
    return {k: Account(**{**v, "usf_certified_years": frozenset(v["usf_certified_years"])}) for k, v in accounts.items()}


def inventory_from_log(events: Iterable[Event], account: str, until: dt.date) -> pa.Table:
    """The account's resale lines in service up to `until` (IV.3, IV.4): one row per line."""
    lines: dict[str, dict[str, Any]] = {}
    for e in events:
        if e.get("account") != account or e.date > until:
            continue
        if e.type == "service.added":
            row = {k: v for k, v in e.data if k in INVENTORY_SCHEMA.names}
            row.setdefault("line_id", e.get("wtn"))
            row.update(account_id=account, start_date=e.date)
            lines[row["line_id"]] = row
        elif e.type == "service.removed":
            line = str(e.get("line_id", e.get("wtn")))
            if line in lines:
                lines[line]["end_date"] = e.date - dt.timedelta(days=1)
    return inventory_table(lines.values())


def unbilled_events(events: Sequence[Event], close: Event, start: dt.date, end: dt.date) -> list[Event]:
    """The account's events a cycle close bills: those dated in the cycle and recorded before
    the close, and those dated earlier but recorded after the previous close (late-recorded
    activity is billed on the next bill, subject to the back-billing limit of III.9.1, and a
    closed bill is never edited)."""
    previous = max((e.seq for e in events if e.type == "billing.cycle_closed" and e.date < close.date), default=-1)
    return [e for e in events if e.date <= end and e.seq < close.seq and (e.date >= start or e.seq > previous)]


@dataclass
class Books:
    """Everything the log says about billing, read once; histories and bills on demand."""

    agreement: Agreement
    events: tuple[Event, ...]
    accounts: dict[str, Account] = field(init=False)

    def __post_init__(self) -> None:
        self.accounts = accounts_from_log(self.events)

    def account(self, account_id: str) -> Account:
        """The account opened in the log, or a bare one if the log only mentions it."""
        return self.accounts.get(account_id) or Account(account_id, account_id)

    def deadlines(self, on: dt.date | None = None) -> Deadlines:
        """Deadline functions for the terms in force on `on` (all layers if None)."""
        return Deadlines(self.agreement.terms_at(on) if on else self.agreement.terms)

    def compute_bill(self, account: Account, close_event: Event, carried: Sequence[ChargeLine]) -> Bill:
        """The bill a `billing.cycle_closed` event closes (III.9.2), from the log up to its close."""
        period = str(close_event.require("period"))
        cycle = cycle_for(account.id, period, account.cycle_close_day, self.deadlines(close_event.date))
        mine = [x for x in self.events if x.get("account") == account.id]
        billable = unbilled_events(mine, close_event, cycle.start, cycle.close)
        earlier_orders = sum(1 for x in mine if x.type == "order.submitted" and x.date < cycle.start)
        messages = sum(int(x.get("count", 0)) for x in billable if x.type == "usage.messages")
        terms = self.agreement.terms_at(cycle.close)
        run = run_cycle([account], inventory_from_log(mine, account.id, cycle.close), period, terms, billable,
                        messages={account.id: messages}, carried={account.id: list(carried)},
                        orders_before={account.id: earlier_orders})
        return run.bills[account.id]

    def history(self, account_id: str, as_of: dt.date) -> AccountHistory:
        """The account's collections history as of a date, computed bills included."""
        account = self.account(account_id)
        return fold_account(account_id, self.events, self.agreement.terms_at(as_of), as_of,
                            lambda e, carried: self.compute_bill(account, e, carried))

    def lifecycle(self) -> tuple[Lifecycle, list]:
        """The relationship's lifecycle (notices, set-up, term) folded from the log, with its errors."""
        return fold_lifecycle(self.events, self.deadlines())

    def status(self, account_id: str, as_of: dt.date) -> dict[str, Explained]:
        """The account's standing as of a date: balance, past due, late charges, deposit,
        delinquency, order refusal and earliest disconnection (III.6, III.9.3, III.9.5)."""
        history = self.history(account_id, as_of)
        life, _ = self.lifecycle()
        dl = self.deadlines(as_of)
        return {q: status.query(history, q, as_of, dl, life) for q in STATUS_QUERIES}
