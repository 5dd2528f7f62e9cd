"""Money movements of an account's history as double-entry ledger transfers.

Each fact becomes one transfer with a key derived from its id, so posting a history twice
(or a longer history after a shorter one) never posts anything twice:
bills (receivable against revenue, taxes and surcharges, per line), payments (cash against
receivable), disputes (a pending hold out of receivable, posted for the CLEC or voided,
III.9.4), dispute credits (III.9.4.1), deposits and draws (III.6).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import replace
from decimal import Decimal
from zoneinfo import ZoneInfo

from .collections.timeline import AccountHistory
from .ledger import Chart, Flow, Kind, Ledger, LedgerError, Legs, Ref, Transfer
from .model import Bill

__all__ = ["CHART", "account_for", "bill_transfer", "chart", "history_transfers", "new_ledger"]

# The chart of accounts every CLEC billing account posts to (docs/ledger.md).
CHART = {
    "receivable": "debit",
    "cash": "debit",
    "credits": "debit",
    "disputes:pending": "debit",
    "revenue:recurring": "credit",
    "revenue:nonrecurring": "credit",
    "revenue:usage": "credit",
    "revenue:late_charges": "credit",
    "revenue:adjustments": "credit",
    "taxes_payable:*": "credit",
    "surcharges_payable:*": "credit",
    "deposits_held": "credit",
}

_ACCOUNT = {
    "mrc": "revenue:recurring",
    "nrc": "revenue:nonrecurring",
    "usage": "revenue:usage",
    "late_charge": "revenue:late_charges",
}


def chart() -> Chart:
    """The parsed chart of accounts."""
    parsed = Chart.parse(CHART)
    assert not isinstance(parsed, LedgerError), parsed
    return parsed


def new_ledger(accounts: Iterable[str], currency: str = "USD", scale: int = 2, store=None) -> Ledger:
    """A ledger with the chart for each billing account."""
    return Ledger({a: chart() for a in accounts}, currency=currency, scale=scale, store=store)


def account_for(category: str, code: str, amount: Decimal) -> str:
    """The ledger account a bill line of this category posts to."""
    if category in _ACCOUNT:
        return _ACCOUNT[category]
    if category == "tax":
        return f"taxes_payable:{code}"
    if category == "surcharge":
        return f"surcharges_payable:{code}"
    if category in ("adjustment", "credit"):
        return "credits" if amount < 0 else "revenue:adjustments"
    raise AssertionError(f"no ledger account for category {category!r}")


def _at(day: dt.date) -> dt.datetime:
    # Deterministic posting time: the start of the effective date in agreement time.
    return dt.datetime.combine(day, dt.time(0), ZoneInfo("America/Chicago"))


# ISO 4217's code for "no currency": set on every transfer built here, replaced by the terms'
# currency (money.currency) before a transfer leaves this module.
NO_CURRENCY = "XXX"


def _transfer(
    key: str, account: str, kind: Kind, day: dt.date, legs: Legs, clause: str, refs: tuple[Ref, ...], **kw
) -> Transfer:
    # Event ids are unique within an account's log only: the account is part of the key.
    if "pending_key" in kw:
        kw["pending_key"] = f"{account}/{kw['pending_key']}"
    return Transfer(
        key=f"{account}/{key}",
        billing_account=account,
        kind=kind,
        effective_date=day,
        posted_at=_at(day),
        currency=NO_CURRENCY,
        legs=legs,
        clause=clause,
        refs=refs,
        **kw,
    )


def _receivable_first(accounts: list[str], amounts: list[Decimal], ids: list[str]) -> Legs:
    """Legs with the receivable first, left out when the bill's lines net to zero (a zero leg
    is refused by the ledger; the other legs still balance)."""
    start = 0 if amounts[0] else 1
    return Legs(tuple(accounts[start:]), tuple(amounts[start:]), tuple(ids[start:]))


def _bill_legs(lines: Iterable[tuple[str, str, str, Decimal]]) -> Legs:
    accounts, amounts, ids = ["receivable"], [Decimal("0.00")], [""]
    for line_id, category, code, amount in lines:
        if not amount:
            continue
        accounts.append(account_for(category, code, amount))
        amounts.append(-amount)
        ids.append(line_id)
        amounts[0] += amount
    return Legs(tuple(accounts), tuple(amounts), tuple(ids))


def bill_transfer(bill: Bill, currency: str) -> Transfer:
    """One transfer for a whole computed bill in `currency` (money.currency): a leg per WTN
    recurring line and per other line."""
    rec = bill.recurring
    accounts: list[str] = ["receivable"]
    amounts: list[Decimal] = [Decimal("0.00")]
    ids: list[str] = [""]
    if rec.num_rows:
        # Every line of a price group has the group's amount: one Decimal per group, not per line.
        per_group = {g: e.value for g, e in bill.recurring_groups.items()}
        mrc = [-per_group[g] for g in rec.column("price_group").to_pylist()]
        keep = [i for i, a in enumerate(mrc) if a]
        if len(keep) != len(mrc):
            mrc = [mrc[i] for i in keep]
        line_ids = rec.column("line_id").to_pylist()
        accounts += ["revenue:recurring"] * len(mrc)
        amounts += mrc
        ids += line_ids if len(keep) == len(line_ids) else [line_ids[i] for i in keep]
        amounts[0] -= sum(mrc, Decimal("0.00"))
    other = _bill_legs((l.line_id, l.category, l.code, l.amount) for l in bill.lines if l.category != "credit")
    accounts += list(other.accounts[1:])
    amounts += list(other.amounts[1:])
    ids += list(other.lines[1:])
    amounts[0] += other.amounts[0]
    return replace(
        _transfer(
            f"bill:{bill.id}",
            bill.account.id,
            Kind.BILL_LINE,
            bill.cycle.bill_date.value,
            _receivable_first(accounts, amounts, ids),
            "III.9.2",
            (Ref("bill", bill.id),),
        ),
        currency=currency,
    )


def history_transfers(h: AccountHistory, currency: str) -> Iterator[Transfer]:
    """Every transfer the account's history implies, in date order, in `currency` (money.currency)."""
    acct = h.account_id
    out: list[tuple[dt.date, int, Transfer]] = []
    for bill_id, bill in h.bills.items():
        full = h.full_bills.get(bill_id)
        if full is not None:
            t = bill_transfer(full, currency)
        else:
            lines = [(lid, cat, lid.rsplit(":", 1)[-1], amt) for lid, cat, amt in bill.lines if cat != "credit"]
            legs = _bill_legs(lines)
            t = _transfer(
                f"bill:{bill_id}",
                acct,
                Kind.BILL_LINE,
                bill.bill_date,
                _receivable_first(list(legs.accounts), list(legs.amounts), list(legs.lines)),
                "III.9.2",
                (Ref("bill", bill_id),),
            )
        if t.legs.accounts:  # a bill with no amounts at all moves no money
            out.append((bill.bill_date, 0, t))
        for line_id, category, amount in bill.lines:
            if category == "credit" and ":credit:" in line_id:
                dispute = line_id.rsplit(":credit:", 1)[1]
                out.append(
                    (
                        bill.bill_date,
                        1,
                        _transfer(
                            f"credit:{dispute}",
                            acct,
                            Kind.CREDIT,
                            bill.bill_date,
                            Legs.of(("credits", -amount, line_id), ("disputes:pending", amount, line_id)),
                            "III.9.4.1",
                            (Ref("dispute", dispute), Ref("bill", bill_id)),
                        ),
                    )
                )
    for d in h.disputes.values():
        hold = Legs.of(("disputes:pending", d.amount), ("receivable", -d.amount))
        out.append(
            (
                d.filed_on,
                2,
                _transfer(
                    f"dispute:{d.id}",
                    acct,
                    Kind.DISPUTE_HOLD,
                    d.filed_on,
                    hold,
                    "III.9.4",
                    (Ref("dispute", d.id), Ref("bill", d.bill_id)),
                    flow=Flow.PENDING,
                ),
            )
        )
        if d.id in h.resolutions:
            on, for_clec = h.resolutions[d.id].resolved_on, h.resolutions[d.id].amount_for_clec
            if for_clec > 0:
                legs, flow = Legs.of(("disputes:pending", for_clec), ("receivable", -for_clec)), Flow.POST_PENDING
            else:
                legs, flow = Legs((), ()), Flow.VOID_PENDING
            out.append(
                (
                    on,
                    3,
                    _transfer(
                        f"resolution:{d.id}",
                        acct,
                        Kind.DISPUTE_RELEASE,
                        on,
                        legs,
                        "III.9.4.1",
                        (Ref("dispute", d.id),),
                        flow=flow,
                        pending_key=f"dispute:{d.id}",
                    ),
                )
            )
    for p in h.payments:
        out.append(
            (
                p.received_on,
                4,
                _transfer(
                    f"payment:{p.id}",
                    acct,
                    Kind.PAYMENT,
                    p.received_on,
                    Legs.of(("cash", p.amount), ("receivable", -p.amount)),
                    "III.9.2",
                    (Ref("payment", p.id),),
                ),
            )
        )
    # III.6.4: every receipt is held, partial ones included; the first receipt of a request
    # keeps the request's key (ledgers posted before partial receipts were kept stay valid).
    first_receipt: dict[str, str] = {}
    for r in h.deposits.receipts:
        key = (
            f"deposit:{r.request_id}"
            if first_receipt.setdefault(r.request_id, r.id) == r.id
            else f"deposit:{r.request_id}:{r.id}"
        )
        out.append(
            (
                r.provided_on,
                5,
                _transfer(
                    key,
                    acct,
                    Kind.DEPOSIT,
                    r.provided_on,
                    Legs.of(("cash", r.amount), ("deposits_held", -r.amount)),
                    "III.6.4",
                    (Ref("deposit", r.request_id),),
                ),
            )
        )
    for _, _, t in sorted(out, key=lambda x: (x[0], x[1], x[2].key)):
        yield replace(t, currency=currency)
