"""Monthly recurring charges for a whole inventory in bulk (IV.3.1, IV.3.2, IV.4, proration).

Pipeline: validate rows -> days in service per line (DuckDB) -> distinct price groups ->
exact Decimal price per group (pricing.py) -> join back to every line. Each line keeps the
id of its price group, whose explanation says how its amount was reached.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

import duckdb
import pyarrow as pa

from ..explain import Explained
from ..terms.schema import Terms
from .cycle import BillingCycle
from .inventory import REJECT_SCHEMA, validate_inventory
from .pricing import (
    ATTRIBUTE_COLUMNS,
    LineAttributes,
    NotAvailableForResale,
    matching_rule,
    monthly_rate,
    prorated_charge,
)

__all__ = ["AMOUNT", "LINE_SCHEMA", "RecurringResult", "recurring_charges"]

AMOUNT = pa.decimal128(18, 2)

LINE_SCHEMA = pa.schema(
    [
        pa.field("bill_id", pa.string()),
        pa.field("line_id", pa.string()),
        pa.field("account_id", pa.string()),
        pa.field("wtn", pa.string()),
        pa.field("usoc", pa.string()),
        pa.field("service_start", pa.date32()),
        pa.field("service_end", pa.date32()),
        pa.field("days_in_service", pa.int32()),
        pa.field("amount", AMOUNT),
        pa.field("price_group", pa.int32()),
        pa.field("clause", pa.string()),
    ]
)

_GROUP_COLS = ("retail_mrc", "volume_term_discount") + ATTRIBUTE_COLUMNS + ("days_in_service", "days_in_cycle")


@dataclass(frozen=True)
class RecurringResult:
    """The MRC lines of a cycle, the explanation of each price group, and rejected rows."""

    lines: pa.Table
    groups: Mapping[int, Explained[Decimal]]
    rejected: pa.Table

    def totals_by_account(self) -> dict[str, Decimal]:
        """The sum of MRC lines per account (exact)."""
        con = duckdb.connect()
        con.register("lines", self.lines)
        rows = con.execute("SELECT account_id, sum(amount) FROM lines GROUP BY account_id").fetchall()
        return {a: Decimal(s) for a, s in rows}


def _cycles_table(cycles: Mapping[str, BillingCycle]) -> pa.Table:
    items = list(cycles.values())
    return pa.table(
        {
            "account_id": [c.account_id for c in items],
            "bill_id": [c.bill_id for c in items],
            "cycle_start": pa.array([c.start for c in items], pa.date32()),
            "cycle_end": pa.array([c.close for c in items], pa.date32()),
        }
    )


def recurring_charges(
    inventory: pa.Table, cycles: Mapping[str, BillingCycle], terms: Terms, con: duckdb.DuckDBPyConnection | None = None
) -> RecurringResult:
    """Price every line of `inventory` active in its account's cycle; reject what cannot be billed."""
    con = con or duckdb.connect()
    con.register("_inventory", inventory)
    con.register("_cycles", _cycles_table(cycles))
    good, rejects = validate_inventory(con, "_inventory")
    cols = ", ".join(_GROUP_COLS)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _active AS
        SELECT *, CAST(date_diff('day', service_start, service_end) + 1 AS INTEGER) AS days_in_service
        FROM (
            SELECT g.line_id, g.account_id, g.wtn, g.usoc, {", ".join("g." + c for c in _GROUP_COLS[:-2])}, c.bill_id,
                   greatest(g.start_date, c.cycle_start) AS service_start,
                   least(coalesce(g.end_date, c.cycle_end), c.cycle_end) AS service_end,
                   CAST(date_diff('day', c.cycle_start, c.cycle_end) + 1 AS INTEGER) AS days_in_cycle
            FROM {good} g JOIN _cycles c USING (account_id)
            WHERE g.start_date <= c.cycle_end AND coalesce(g.end_date, c.cycle_end) >= c.cycle_start
        )
    """)
    # One 64-bit key per price group; checked below to be collision-free for this run.
    con.execute(f"CREATE OR REPLACE TEMP TABLE _keyed AS SELECT *, hash({cols}) AS gkey FROM _active")
    distinct = con.execute(f"SELECT gkey, {cols} FROM _keyed GROUP BY ALL ORDER BY gkey").fetchall()
    assert len({row[0] for row in distinct}) == len(distinct), "price-group hash collision"
    keys: list[int] = []
    amounts, clauses, explanations, unavailable = [], [], {}, []
    for gkey, *values in distinct:
        row = dict(zip(_GROUP_COLS, values))
        attrs = LineAttributes.from_row(row)
        try:
            rate = monthly_rate(attrs, terms)
        except NotAvailableForResale as exc:
            unavailable.append((gkey, str(exc)))
            continue
        charge = prorated_charge(rate, row["days_in_service"], row["days_in_cycle"], terms)
        gid = len(keys)
        explanations[gid] = charge
        keys.append(gkey)
        amounts.append(charge.value)
        found = matching_rule(attrs, terms)
        clauses.append(found[1].clause if found else terms.resale.discount_applies_to.clause)
    groups = pa.table(
        {
            "gkey": pa.array(keys, pa.uint64()),
            "price_group": pa.array(range(len(keys)), pa.int32()),
            "amount": pa.array(amounts, AMOUNT),
            "clause": pa.array(clauses, pa.string()),
        }
    )
    con.register("_groups", groups)
    lines = (
        con.sql("""
        SELECT a.bill_id, a.line_id, a.account_id, a.wtn, a.usoc, a.service_start, a.service_end,
               a.days_in_service, g.amount, g.price_group, g.clause
        FROM _keyed a JOIN _groups g USING (gkey)
        ORDER BY a.bill_id, a.line_id
    """)
        .to_arrow_table()
        .cast(LINE_SCHEMA)
    )
    if unavailable:
        reasons = pa.table(
            {"gkey": pa.array([k for k, _ in unavailable], pa.uint64()), "reason": [r for _, r in unavailable]}
        )
        con.register("_unavailable", reasons)
        extra = con.sql(
            "SELECT a.line_id, a.account_id, 'service' AS field, u.reason FROM _keyed a JOIN _unavailable u USING (gkey)"
        ).to_arrow_table()
        rejects = pa.concat_tables([rejects, extra.cast(REJECT_SCHEMA)]).sort_by(
            [("line_id", "ascending"), ("field", "ascending")]
        )
    return RecurringResult(lines, explanations, rejects)
