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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from ..calendar.deadlines import Deadlines
from ..explain import Explained
from ..money import to_money
from ..relationship.events import Event
from ..relationship.lifecycle import Lifecycle
from ..relationship.lifecycle import fold as fold_lifecycle
from ..terms.loader import Agreement
from .collections import status
from .collections.timeline import AccountHistory, fold_account
from .cycle import cycle_for
from .inventory import INVENTORY_SCHEMA, inventory_table
from .model import Account, Bill, ChargeLine
from .run import run_cycle

__all__ = ["ACCOUNT_EVENTS", "STATUS_QUERIES", "Books", "accounts_from_log", "inventory_from_log", "unbilled_events"]

STATUS_QUERIES = (
    "balance",
    "past_due",
    "disputed_held",
    "late_charges_accrued",
    "late_charges_pending",
    "credit_on_account",
    "deposit_may_be_requested",
    "deposit_held",
    "may_draw_deposit",
    "repeatedly_delinquent",
    "orders_may_be_refused",
    "amount_to_resume",
    "earliest_disconnection",
)
"""What an account's status shows, each answer explained (docs/scenarios.md, billing queries)."""

ACCOUNT_EVENTS = ("billing.account_opened", "usf.certified", "service.added", "service.removed", "usage.messages")


def accounts_from_log(events: Iterable[Event], on: dt.date | None = None) -> dict[str, Account]:
    """The CLEC billing accounts the log opens, with the USF certifications on file (III.9.6.2).

    With `on` (a Bill Date), only certifications whose event is dated on or before it count:
    a bill issued before a late certification keeps its FUSC, and a query as of an earlier
    date does not see a later certification (III.9.6.2).
    """
    events = tuple(events)
    accounts: dict[str, dict[str, Any]] = {}
    for e in events:
        if e.type == "billing.account_opened":
            acct = str(e.require("account"))
            accounts[acct] = {
                "id": acct,
                "name": str(e.get("name", acct)),
                "ocn": e.get("ocn"),
                "ccna": e.get("ccna"),
                "company_code": e.get("company_code"),
                "certificate_on_file": bool(e.get("certificate_on_file", False)),
                "cycle_close_day": int(e.get("cycle_close_day", 3)),
                "exemptions": frozenset(e.get("exemptions") or ()),
                "monthly_forecast": to_money(e.get("monthly_forecast"))
                if e.get("monthly_forecast") is not None
                else None,
                "usf_certified_years": set(),
            }
    for e in events:
        if e.type == "usf.certified" and e.get("account") in accounts and (on is None or e.date <= on):
            accounts[e.get("account")]["usf_certified_years"].add(int(e.get("year", e.date.year)))
    return {
        k: Account(**{**v, "usf_certified_years": frozenset(v["usf_certified_years"])}) for k, v in accounts.items()
    }


def inventory_from_log(events: Iterable[Event], account: str, until: dt.date) -> pa.Table:
    """The account's resale lines in service up to `until` (IV.3, IV.4): one row per stretch of service.

    A line removed and added again (the same WTN reconnected) is a second stretch with its own
    row, `LINE@YYYY-MM-DD` (its start date), so each stretch is prorated for its own days
    (IV.3.1.3); `service.removed` ends the line's latest stretch.
    """
    rows: dict[str, dict[str, Any]] = {}
    latest: dict[str, str] = {}  # line id as the events name it -> its current row
    for e in events:
        if e.get("account") != account or e.date > until:
            continue
        if e.type == "service.added":
            row = {k: v for k, v in e.data if k in INVENTORY_SCHEMA.names}
            row.setdefault("line_id", e.get("wtn"))
            row.update(account_id=account, start_date=e.date)
            line = str(row["line_id"])
            key = latest.get(line, line)
            if key in rows and rows[key].get("end_date") is not None:
                key = f"{line}@{e.date.isoformat()}"
                row["line_id"] = key
            rows[key] = row
            latest[line] = key
        elif e.type == "service.removed":
            removed = latest.get(str(e.get("line_id", e.get("wtn"))))
            if removed is not None:
                rows[removed]["end_date"] = e.date - dt.timedelta(days=1)
    return inventory_table(rows.values())


def unbilled_events(events: Sequence[Event], close: Event, start: dt.date, end: dt.date) -> list[Event]:
    """The account's events a cycle close bills: those dated in the cycle and recorded before
    the close, and those dated earlier but recorded after the previous close (late-recorded
    activity is billed on the next bill, subject to the back-billing limit of III.9.1, and a
    closed bill is never edited). An event marked `billed_in: YYYY-MM` is billed on that
    period's bill only, whatever its date (a charge billed late; III.9.1 still applies).

    Without an earlier close in the log, activity dated before the cycle is history from
    before the log (billed then; an earlier order still makes a later one not the first, VIII):
    only `billed_in` puts it on this bill."""
    period = str(close.get("period"))
    previous = max((e.seq for e in events if e.type == "billing.cycle_closed" and e.date < close.date), default=None)

    def billed_here(e: Event) -> bool:
        if e.get("billed_in") is not None:
            return str(e.get("billed_in")) == period
        late = previous is not None and e.seq > previous
        return e.date <= end and e.seq < close.seq and (e.date >= start or late)

    return [e for e in events if billed_here(e)]


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

    def account_on(self, account_id: str, bill_date: dt.date) -> Account:
        """The account as its bill dated `bill_date` sees it: certifications on file by then (III.9.6.2)."""
        return accounts_from_log(self.events, on=bill_date).get(account_id) or self.account(account_id)

    def orders_before(self, billable: Sequence[Event], cycle_start: dt.date, close: Event) -> int:
        """How many of the CLEC's orders, on any of its accounts, precede this bill's orders.

        VIII: Account Establishment is charged "the first time that Granite orders any service",
        once for the CLEC however many billing accounts it bills through (interpretation
        account-establishment): the first order of the whole log bears it. Only orders recorded
        before the cycle was closed count, so that an order recorded later but dated earlier
        does not change a closed bill (it goes on the next one, III.9.2); an order dated before
        this cycle was billed before it, whatever its date against this bill's orders."""
        here = {(e.id, e.get("account")) for e in billable}
        first = min(((e.date, e.seq) for e in billable if e.type == "order.submitted"), default=(cycle_start, -1))
        return sum(
            1
            for e in self.events
            if e.type == "order.submitted"
            and (e.id, e.get("account")) not in here
            and e.seq < close.seq
            and (e.date < cycle_start or (e.date, e.seq) < first)
        )

    def compute_bill(self, account: Account, close_event: Event, carried: Sequence[ChargeLine]) -> Bill:
        """The bill a `billing.cycle_closed` event closes (III.9.2), from the log up to its close."""
        period = str(close_event.require("period"))
        cycle = cycle_for(account.id, period, account.cycle_close_day, self.deadlines(close_event.date))
        account = self.account_on(account.id, cycle.bill_date.value)
        mine = [x for x in self.events if x.get("account") == account.id]
        billable = unbilled_events(mine, close_event, cycle.start, cycle.close)
        messages = sum(int(x.get("count", 0)) for x in billable if x.type == "usage.messages")
        terms = self.agreement.terms_at(cycle.close)
        run = run_cycle(
            [account],
            inventory_from_log(mine, account.id, cycle.close),
            period,
            terms,
            billable,
            messages={account.id: messages},
            carried={account.id: list(carried)},
            orders_before={account.id: self.orders_before(billable, cycle.start, close_event)},
        )
        return run.bills[account.id]

    def history(self, account_id: str, as_of: dt.date) -> AccountHistory:
        """The account's collections history as of a date, computed bills included."""
        account = self.account(account_id)
        return fold_account(
            account_id,
            self.events,
            self.agreement.terms_at(as_of),
            as_of,
            lambda e, carried: self.compute_bill(account, e, carried),
            cycle_close_day=account.cycle_close_day,
        )

    def lifecycle(self) -> tuple[Lifecycle, list]:
        """The relationship's lifecycle (notices, set-up, term) folded from the log, with its errors."""
        return fold_lifecycle(self.events, self.deadlines())

    def status(self, account_id: str, as_of: dt.date) -> dict[str, Explained]:
        """The account's standing as of a date: balance, past due, late charges, deposit,
        delinquency, order refusal and earliest disconnection (III.6, III.9.3, III.9.5)."""
        history = self.history(account_id, as_of)
        life, _ = self.lifecycle()
        dl = self.deadlines(as_of)
        return {q: status.QUERIES[q](history, as_of, dl, life) for q in STATUS_QUERIES}
