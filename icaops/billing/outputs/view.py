"""What every invoice output shows, computed once from a Bill: parties, summary, groups, lines.

The HTML, PDF and EDI 811 renderers read this view; none of them does arithmetic of its
own beyond formatting. Recurring lines stay columnar: a bill of 100,000 WTNs becomes a few
price-group rows here, and the per-WTN detail is streamed from Arrow batches on request.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pyarrow.compute as pc
from markupsafe import Markup, escape

from ...explain import Explained
from ...terms.loader import Agreement
from ..model import CATEGORIES, Bill, ChargeLine, RefusedCharge
from .statement import AccountSummary, Notices

__all__ = [
    "LABELS",
    "GroupRow",
    "InvoiceView",
    "NrcTypeRow",
    "Parties",
    "Party",
    "RejectedRow",
    "ServiceCodeRow",
    "SummaryRow",
    "breakable",
    "day",
    "invoice_view",
    "money",
    "plain",
    "quantity",
    "recurring_rows",
]

LABELS: Mapping[str, str] = {
    "mrc": "Recurring charges",
    "nrc": "Non-recurring charges",
    "usage": "Usage",
    "tax": "Taxes",
    "surcharge": "Surcharges",
    "late_charge": "Late payment charges",
    "credit": "Credits",
    "adjustment": "Adjustments",
    "total": "Total due",
}


@dataclass(frozen=True, slots=True)
class Party:
    """One side of the agreement as printed on the bill: name, postal address, short name."""

    name: str
    address: str = ""
    short: str = ""


@dataclass(frozen=True, slots=True)
class Parties:
    """The ILEC (payee, remit-to) and the CLEC (bill-to) of an agreement."""

    ilec: Party
    clec: Party

    @classmethod
    def from_manifest(cls, manifest: Mapping[str, Any]) -> Parties:
        """From an agreement manifest's `parties` (the `agreement.yaml` of `agreements/<id>/`)."""
        parties = manifest["parties"]

        def one(key: str) -> Party:
            p = parties[key]
            return Party(str(p["name"]), str(p.get("address", "")), str(p.get("short", "")))

        return cls(one("ilec"), one("clec"))

    @classmethod
    def of(cls, source: Parties | Agreement | Mapping[str, Any]) -> Parties:
        """Parties from themselves, a loaded Agreement or its manifest."""
        if isinstance(source, Parties):
            return source
        manifest = source.manifest if isinstance(source, Agreement) else source
        if not isinstance(manifest, Mapping) or not isinstance(manifest.get("parties"), Mapping):
            raise TypeError(
                f"parties: expected Parties, an Agreement or its manifest with a `parties` mapping, got {type(source).__name__}"
            )
        try:
            return cls.from_manifest(manifest)
        except KeyError as exc:
            raise ValueError(f"agreement manifest: parties.{exc.args[0]}: expected a party with a name") from None


@dataclass(frozen=True, slots=True)
class SummaryRow:
    """One category of the bill with its amount and the clauses its lines cite."""

    category: str
    label: str
    amount: Decimal
    clauses: tuple[str, ...]
    lines: int


@dataclass(frozen=True, slots=True)
class GroupRow:
    """Recurring lines sharing one price: how many WTNs, the unit amount, subtotal and why."""

    price_group: int
    usocs: tuple[str, ...]
    days: int  # days in service of each line of the group
    wtns: int
    unit_amount: Decimal
    subtotal: Decimal
    clause: str
    explanation: Explained[Decimal]


@dataclass(frozen=True, slots=True)
class ServiceCodeRow:
    """Recurring lines of one service code (USOC): how many WTNs, in how many price groups, the subtotal."""

    usoc: str
    wtns: int
    price_groups: int
    subtotal: Decimal
    clauses: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NrcTypeRow:
    """Non-recurring charges of one type (code) at one unit price: how many, the subtotal, the clauses."""

    code: str
    description: str
    lines: int
    quantity: Decimal
    unit_price: Decimal | None
    subtotal: Decimal
    clauses: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """An inventory row that could not be billed, with the field at fault and the reason."""

    line_id: str
    field: str
    reason: str


@dataclass(frozen=True)
class InvoiceView:
    """A bill as the outputs print it."""

    bill: Bill
    parties: Parties
    account: AccountSummary | None  # None for outputs that print no balance (the 811)
    notices: Notices | None
    summary: tuple[SummaryRow, ...]
    groups: tuple[GroupRow, ...]
    service_codes: tuple[ServiceCodeRow, ...]
    lines: tuple[ChargeLine, ...]
    nrc_types: tuple[NrcTypeRow, ...]
    refused: tuple[RefusedCharge, ...]
    rejected: tuple[RejectedRow, ...]
    total: Decimal
    currency: str

    @property
    def bill_date(self) -> Explained[dt.date]:
        """The Bill Date and how it was reached (II.2.8)."""
        return self.bill.cycle.bill_date

    @property
    def due_date(self) -> Explained[dt.date]:
        """The Bill Due Date and how it was reached (II.2.9, III.9.2)."""
        return self.bill.cycle.due_date

    @property
    def wtn_count(self) -> int:
        """How many recurring per-WTN lines the bill has."""
        return self.bill.recurring.num_rows

    @property
    def billed(self) -> tuple[SummaryRow, ...]:
        """The summary rows that have lines (categories with nothing billed are left out)."""
        return tuple(r for r in self.summary if r.lines)

    @property
    def true_up(self) -> tuple[ChargeLine, ...]:
        """Lines billed at an interim price, subject to true-up when the price is set (III.46.2)."""
        return tuple(l for l in self.lines if l.true_up)

    @property
    def nrc_lines(self) -> tuple[ChargeLine, ...]:
        """The non-recurring lines, by type then service date: the detail after `nrc_types`."""
        return tuple(
            sorted(
                (l for l in self.lines if l.category == "nrc"),
                key=lambda l: (l.code, l.service_date or dt.date.min, l.line_id),
            )
        )

    @property
    def nrc_detail(self) -> tuple[tuple[NrcTypeRow, tuple[tuple[dt.date | None, tuple[ChargeLine, ...]], ...]], ...]:
        """Each non-recurring type with its lines by service date (the detail after the subtotals)."""
        out = []
        for t in self.nrc_types:
            days: dict[dt.date | None, list[ChargeLine]] = {}
            for line in self.nrc_lines:
                if line.code == t.code and line.unit_price == t.unit_price:
                    days.setdefault(line.service_date, []).append(line)
            out.append((t, tuple((day, tuple(lines)) for day, lines in days.items())))
        return tuple(out)

    @property
    def other_lines(self) -> tuple[ChargeLine, ...]:
        """The lines that are neither recurring nor non-recurring (usage, taxes, late charges, credits...)."""
        return tuple(l for l in self.lines if l.category != "nrc")

    @property
    def clauses(self) -> tuple[str, ...]:
        """Every clause the invoice cites, in the agreement's order (for the list of clauses cited)."""
        cited = {c for r in self.summary for c in r.clauses}
        if self.notices is not None:
            cited |= {self.notices.dispute_clause, self.notices.methods_clause, self.notices.addresses_clause}
        cited |= set(self.due_date.clauses) | set(self.bill_date.clauses)
        cited |= {r.clause for r in self.refused}
        return tuple(sorted(cited, key=clause_order))

    @property
    def line_count(self) -> int:
        """Every line item of the bill: each WTN's recurring line and every other line."""
        return self.wtn_count + len(self.lines)


_EVENT_WORDS = re.compile(r"\b[a-z]{2,}(?:[._][a-z0-9]{2,})+\b")
_ROUNDING = re.compile(r"\bROUND_([A-Z_]+)\b")


def plain(text: str) -> str:
    """Explanation text without the system's own words: an event type (`order.submitted`)
    becomes words (`order submitted`), a rounding constant (`ROUND_HALF_UP`) its name (`half up`)."""
    text = _ROUNDING.sub(lambda m: m.group(1).lower().replace("_", " "), text)
    return _EVENT_WORDS.sub(lambda m: m.group(0).replace(".", " ").replace("_", " "), text)


_LONG_RUN = re.compile(r"\S{40,}")
_CHUNK = 30


def breakable(text: object) -> Markup:
    """`text` escaped for HTML, with a `<wbr>` every 30 characters of any run of 40 or more
    without a space: a long word wraps where it may, and the layout of the printed invoice
    stays linear in the word's length (an unbroken 20,000-character word would take minutes)."""
    raw = str(text)
    out, at = [], 0
    for run in _LONG_RUN.finditer(raw):
        out.append(escape(raw[at : run.start()]))
        word = run.group(0)
        out.append(Markup("<wbr>").join(escape(word[i : i + _CHUNK]) for i in range(0, len(word), _CHUNK)))
        at = run.end()
    out.append(escape(raw[at:]))
    return Markup("").join(out)


def money(amount: Decimal | None) -> str:
    """An amount with thousands separators and at least two decimals, never rounded."""
    if amount is None:
        return ""
    if not isinstance(amount, Decimal):
        raise TypeError(f"money must be a Decimal, got {amount!r}")
    exponent = amount.as_tuple().exponent
    shown = amount if isinstance(exponent, int) and exponent < -2 else amount.quantize(Decimal("0.01"))
    return f"{shown:,f}"


def quantity(value: Decimal) -> str:
    """A quantity with thousands separators, exactly as computed (`123,456`)."""
    return f"{value:,f}"


def day(value: dt.date | None) -> str:
    """A date as ISO with its weekday, e.g. `2012-09-04 (Tuesday)`."""
    return "" if value is None else f"{value.isoformat()} ({value.strftime('%A')})"


def clause_order(clause: str) -> tuple[tuple[int, int | str], ...]:
    """A sort key that puts III.9.2 before III.10 and III.9.4.1 after III.9.4."""
    roman = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}
    parts = clause.replace("(", ".").replace(")", "").split(".")
    return tuple((0, roman[p]) if p in roman else (0, int(p)) if p.isdigit() else (1, p) for p in parts)


def _nrc_types(lines: tuple[ChargeLine, ...]) -> tuple[NrcTypeRow, ...]:
    by: dict[tuple[str, Decimal | None], list[ChargeLine]] = {}
    for line in lines:
        if line.category == "nrc":
            by.setdefault((line.code, line.unit_price), []).append(line)
    rows = []
    for (code, unit), mine in sorted(by.items(), key=lambda kv: (kv[0][0], kv[0][1] or Decimal(0))):
        cited = dict.fromkeys(c for l in mine for c in (l.clause, *l.explanation.clauses))
        rows.append(
            NrcTypeRow(
                code,
                mine[0].description,
                len(mine),
                sum((l.quantity for l in mine), Decimal(0)),
                unit,
                sum((l.amount for l in mine), Decimal("0.00")),
                tuple(cited),
            )
        )
    return tuple(rows)


def _groups(bill: Bill) -> tuple[GroupRow, ...]:
    table = bill.recurring
    if table.num_rows == 0:
        return ()
    agg = (
        table.group_by("price_group")
        .aggregate(
            [
                ("amount", "sum"),
                ("amount", "count"),
                ("clause", "min"),
                ("usoc", "distinct"),
                ("days_in_service", "min"),
            ]
        )
        .sort_by("price_group")
    )
    rows = []
    for r in agg.to_pylist():
        gid = int(r["price_group"])
        explanation = bill.recurring_groups[gid]
        usocs = tuple(sorted(u for u in r["usoc_distinct"] if u))
        rows.append(
            GroupRow(
                gid,
                usocs,
                int(r["days_in_service_min"]),
                int(r["amount_count"]),
                explanation.value,
                Decimal(r["amount_sum"]),
                r["clause_min"],
                explanation,
            )
        )
    return tuple(rows)


def _service_codes(bill: Bill) -> tuple[ServiceCodeRow, ...]:
    table = bill.recurring
    if table.num_rows == 0:
        return ()
    table = table.set_column(table.schema.get_field_index("usoc"), "usoc", pc.fill_null(table.column("usoc"), ""))
    agg = (
        table.group_by("usoc")
        .aggregate(
            [
                ("amount", "sum"),
                ("amount", "count"),
                ("price_group", "count_distinct"),
                ("clause", "distinct"),
            ]
        )
        .sort_by("usoc")
    )
    return tuple(
        ServiceCodeRow(
            r["usoc"],
            int(r["amount_count"]),
            int(r["price_group_count_distinct"]),
            Decimal(r["amount_sum"]),
            tuple(sorted(r["clause_distinct"])),
        )
        for r in agg.to_pylist()
    )


def _summary(bill: Bill, groups: tuple[GroupRow, ...]) -> tuple[SummaryRow, ...]:
    totals = bill.totals()
    rows = []
    for category in CATEGORIES:
        if category == "mrc":
            cited = [c for g in groups for c in (g.clause, *g.explanation.clauses)]
            count = bill.recurring.num_rows
        else:
            mine = [l for l in bill.lines if l.category == category]
            cited = [c for l in mine for c in (l.clause, *l.explanation.clauses)]
            count = len(mine)
        rows.append(SummaryRow(category, LABELS[category], totals[category], tuple(dict.fromkeys(cited)), count))
    return tuple(rows)


def _rejected(bill: Bill) -> tuple[RejectedRow, ...]:
    table = bill.rejected_inventory
    if table is None or table.num_rows == 0:
        return ()
    return tuple(
        RejectedRow(r["line_id"], r["field"], r["reason"])
        for r in table.select(["line_id", "field", "reason"]).to_pylist()
    )


def invoice_view(
    bill: Bill,
    parties: Parties | Agreement | Mapping[str, Any],
    account: AccountSummary | None = None,
    notices: Notices | None = None,
    currency: str = "USD",
) -> InvoiceView:
    """The view of `bill` every output prints: account summary, charges by category, price
    groups, non-recurring charges by type, other lines, how to dispute.

    `parties`: a `Parties`, a loaded Agreement or its manifest (see `Parties.of`).
    """
    if account is not None and account.bill_id != bill.id:
        raise ValueError(f"account summary of {account.bill_id} given for bill {bill.id}")
    groups = _groups(bill)
    order = {c: i for i, c in enumerate(CATEGORIES)}
    lines = tuple(sorted(bill.lines, key=lambda l: order[l.category]))
    return InvoiceView(
        bill,
        Parties.of(parties),
        account,
        notices,
        _summary(bill, groups),
        groups,
        _service_codes(bill),
        lines,
        _nrc_types(lines),
        tuple(bill.refused),
        _rejected(bill),
        bill.total,
        currency,
    )


def recurring_rows(bill: Bill, batch_size: int = 65_536) -> Iterator[dict[str, Any]]:
    """Each per-WTN recurring line as a dict, read batch by batch (for small bills' detail)."""
    columns = [
        "line_id",
        "wtn",
        "usoc",
        "service_start",
        "service_end",
        "days_in_service",
        "amount",
        "price_group",
        "clause",
    ]
    for batch in bill.recurring.select(columns).to_batches(max_chunksize=batch_size):
        yield from batch.to_pylist()
