"""Billing events and `billing.ACCOUNT.…` state queries for scenario files.

A scenario can declare bills (`bill.issued`) or build them from an inventory of
`service.added` / `service.removed` events and billable events, closed by
`billing.cycle_closed`; collections then works on either.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ..billing.collections import status
from ..billing.collections.timeline import BILLING_EVENTS, fold_account
from ..billing.cycle import cycle_for
from ..billing.inventory import INVENTORY_SCHEMA, inventory_table
from ..billing.model import Account, Bill, ChargeLine
from ..billing.run import run_cycle
from ..explain import Explained
from ..money import to_money
from ..relationship.events import Event
from .kinds import STATE_QUERIES, Context, KNOWN_EVENT_TYPES

__all__ = ["billing_state"]

ACCOUNT_EVENTS = ("billing.account_opened", "usf.certified", "service.added", "service.removed", "usage.messages")


def _accounts(events: tuple[Event, ...]) -> dict[str, Account]:
    accounts: dict[str, dict[str, Any]] = {}
    for e in events:
        if e.type == "billing.account_opened":
            acct = str(e.require("account"))
            accounts[acct] = {
                "id": acct, "name": str(e.get("name", acct)), "ocn": e.get("ocn"), "ccna": e.get("ccna"),
                "cycle_close_day": int(e.get("cycle_close_day", 3)),
                "exemptions": frozenset(e.get("exemptions") or ()),
                "monthly_forecast": to_money(e.get("monthly_forecast")) if e.get("monthly_forecast") is not None else None,
                "usf_certified_years": set(),
            }
    for e in events:
        if e.type == "usf.certified" and e.get("account") in accounts:
            accounts[e.get("account")]["usf_certified_years"].add(int(e.get("year", e.date.year)))
    return {k: Account(**{**v, "usf_certified_years": frozenset(v["usf_certified_years"])}) for k, v in accounts.items()}


def _inventory(events: tuple[Event, ...], account: str, until: dt.date):
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


def _computer(ctx: Context, account: Account):
    def compute(e: Event, carried: list[ChargeLine]) -> Bill:
        period = str(e.require("period"))
        cycle = cycle_for(account.id, period, account.cycle_close_day, ctx.deadlines(e.date))
        # An event dated before the cycle with `billed_in: PERIOD` is a charge billed late
        # (back-billed) on that cycle's bill; its date stays the service date (III.9.1).
        billable = [x for x in ctx.events if x.get("account") == account.id
                    and (str(x.get("billed_in")) == period if x.get("billed_in") is not None else cycle.start <= x.date <= cycle.close)]
        earlier_orders = sum(1 for x in ctx.events if x.get("account") == account.id and x.type == "order.submitted" and x.date < cycle.start
                             and x.get("billed_in") is None)
        messages = sum(int(x.get("count", 0)) for x in billable if x.type == "usage.messages")
        terms = ctx.agreement.terms_at(cycle.close)
        run = run_cycle([account], _inventory(ctx.events, account.id, cycle.close), period, terms, billable,
                        messages={account.id: messages}, carried={account.id: carried}, orders_before={account.id: earlier_orders})
        return run.bills[account.id]
    return compute


def billing_state(ctx: Context, name: str, on: dt.date) -> Explained | None:
    """Answer `billing.ACCOUNT.QUERY` from the scenario's events, or None for other names."""
    if not name.startswith("billing."):
        return None
    _, account_id, *rest = name.split(".")
    if not rest:
        raise KeyError(f"{name}: expected billing.ACCOUNT.QUERY (see docs/scenarios.md)")
    accounts = _accounts(ctx.events)
    account = accounts.get(account_id) or Account(account_id, account_id)
    history = fold_account(account_id, ctx.events, ctx.agreement.terms_at(on), on, _computer(ctx, account))
    ctx.errors.extend(e for e in history.errors if e not in ctx.errors)
    return status.query(history, ".".join(rest), on, ctx.deadlines(on), ctx.lifecycle)


STATE_QUERIES.append(billing_state)
KNOWN_EVENT_TYPES.update(BILLING_EVENTS + ACCOUNT_EVENTS)
