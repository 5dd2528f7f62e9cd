"""Compensation in the traffic report: minutes and messages, and dollars only where the terms price them.

The Carrier Partner Amendment says whose traffic it is and what is compensable (CPA.2, 3, 4, 6),
not at what rate; the price list (VIII) prices messages of resold lines, not minutes. So minutes
are shown with "not priced in the agreement" and messages with every per-message price of the
terms (rate, clause, amount). No rate is ever supplied here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc

from icaops.money import CALC_CONTEXT, money_text, round_money
from icaops.terms.schema import Rule, Term, Terms

__all__ = [
    "NOT_PRICED",
    "CompensationRow",
    "MessageCharge",
    "ProviderMinutes",
    "compensation_quotes",
    "compensation_rows",
    "message_charges",
    "provider_minutes",
]

NOT_PRICED = "not priced in the agreement"
_TENTHS_PER_MINUTE = Decimal(600)
# The checks' `check` names whose clauses say how traffic is attributed and compensated.
_COMPENSATION_CHECKS = ("attribution", "compensation")


@dataclass(frozen=True, slots=True)
class CompensationRow:
    """Calls and minutes of one direction and jurisdiction, whether compensable and why; never a dollar amount."""

    direction: str
    jurisdiction: str
    calls: int
    minutes: Decimal
    compensable: bool
    clause: str
    price: str = NOT_PRICED


@dataclass(frozen=True, slots=True)
class ProviderMinutes:
    """One provider's calls and minutes on the CLEC's trunks, and the compensable part (CPA.4: the CLEC's responsibility)."""

    provider: str
    calls: int
    minutes: Decimal
    compensable_minutes: Decimal


@dataclass(frozen=True, slots=True)
class MessageCharge:
    """Messages of resold lines at one per-message price of the terms: rate, clause, quote, amount."""

    code: str
    description: str
    messages: int
    rate: Decimal
    amount: Decimal
    amount_text: str
    clause: str
    quote: str


def _minutes(tenths: int) -> Decimal:
    return (Decimal(tenths) / _TENTHS_PER_MINUTE).quantize(Decimal("0.1"))


def compensation_rows(comp: pa.Table) -> tuple[CompensationRow, ...]:
    """Calls and conversation minutes (tenths / 600) by direction, jurisdiction, compensability and clause."""
    if comp.num_rows == 0:
        return ()
    grouped = comp.group_by(["direction", "jurisdiction", "compensable", "clause"]).aggregate(
        [("calls", "sum"), ("conversation_tenths", "sum")]
    )
    rows = [
        CompensationRow(
            r["direction"],
            r["jurisdiction"],
            int(r["calls_sum"] or 0),
            _minutes(int(r["conversation_tenths_sum"] or 0)),
            bool(r["compensable"]),
            r["clause"],
        )
        for r in grouped.to_pylist()
    ]
    return tuple(sorted(rows, key=lambda r: (r.direction, r.jurisdiction, r.clause)))


def provider_minutes(comp: pa.Table) -> tuple[ProviderMinutes, ...]:
    """Calls, minutes and compensable minutes per provider, by provider name."""
    totals: dict[str, list[int]] = {}
    for r in comp.to_pylist():
        t = totals.setdefault(r["provider_id"] or "(no provider)", [0, 0, 0])
        t[0] += int(r["calls"] or 0)
        t[1] += int(r["conversation_tenths"] or 0)
        t[2] += int(r["conversation_tenths"] or 0) if r["compensable"] else 0
    return tuple(ProviderMinutes(p, c, _minutes(m), _minutes(cm)) for p, (c, m, cm) in sorted(totals.items()))


def message_charges(messages: pa.Table, terms: Terms) -> tuple[MessageCharge, ...]:
    """The day's messages at each per-message price of the terms (VIII), rounded by the money terms."""
    count = int(pc.sum(messages.column("messages")).as_py() or 0) if messages.num_rows else 0
    out = []
    for code, term in terms.prices.items():
        price = term.value
        if price.basis != "per_message" or price.amount is None:
            continue
        amount = round_money(CALC_CONTEXT.multiply(price.amount, Decimal(count)), terms.money)
        out.append(
            MessageCharge(
                code,
                price.description,
                count,
                price.amount,
                amount,
                money_text(amount, terms.money),
                term.clause,
                term.quote,
            )
        )
    return tuple(out)


def compensation_quotes(terms: Terms, clauses: set[str]) -> dict[str, str]:
    """Clause → its words: the attribution and compensation rules (CPA.2, 3, 4, 6) and every clause in `clauses`."""
    cp = terms.carrier_partner
    if cp is None:
        return {}
    every: list[Term[Rule] | Term[bool]] = [*cp.rules.values(), cp.transit_compensation_to_clec]
    wanted: list[Term[Rule] | Term[bool]] = [t for t in cp.rules.values() if t.value.check in _COMPENSATION_CHECKS]
    wanted += [t for t in every if t.clause in clauses]
    quotes: dict[str, list[str]] = {}
    for term in wanted:
        said = quotes.setdefault(term.clause, [])
        if term.quote not in said:
            said.append(term.quote)
    return {c: " … ".join(q) for c, q in sorted(quotes.items(), key=lambda kv: _clause_key(kv[0]))}


def _clause_key(clause: str) -> tuple[str, tuple[int, ...]]:
    head, _, rest = clause.partition(".")
    return head, tuple(int(p) for p in rest.split(".") if p.isdigit())
