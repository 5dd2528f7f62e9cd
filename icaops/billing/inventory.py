"""The resale service inventory as a columnar table, and its validation.

One row per resold line (WTN): its account, service code (USOC), class of service, retail
monthly rate and the attributes that decide the discount (IV.3–IV.4). Rows that cannot be
billed are rejected with their reason and kept; the rest bill normally.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal

import duckdb
import pyarrow as pa

__all__ = ["INVENTORY_SCHEMA", "REJECT_SCHEMA", "inventory_table", "validate_inventory"]

MONEY4 = pa.decimal128(14, 4)

INVENTORY_SCHEMA = pa.schema(
    [
        pa.field("line_id", pa.string(), nullable=False),
        pa.field("account_id", pa.string(), nullable=False),
        pa.field("wtn", pa.string(), nullable=False),
        pa.field("usoc", pa.string()),
        pa.field("class_of_service", pa.string()),  # residential | business
        pa.field("retail_mrc", MONEY4, nullable=False),
        pa.field("volume_term_discount", pa.decimal128(9, 6)),
        pa.field("promotion_days", pa.int32()),
        pa.field("promotion_sequential", pa.bool_()),
        pa.field("customer_specific_pricing", pa.bool_()),
        pa.field("os_da", pa.bool_()),
        pa.field("special_access", pa.bool_()),
        pa.field("cocot", pa.bool_()),
        pa.field("own_use", pa.bool_()),
        pa.field("grandfathered", pa.bool_()),
        pa.field("advanced_services_isp", pa.bool_()),
        pa.field("e911_service", pa.bool_()),
        pa.field("lifeline", pa.bool_()),
        pa.field("suspension", pa.bool_()),
        pa.field("start_date", pa.date32(), nullable=False),
        pa.field("end_date", pa.date32()),
    ]
)

REJECT_SCHEMA = pa.schema(
    [
        pa.field("line_id", pa.string()),
        pa.field("account_id", pa.string()),
        pa.field("field", pa.string()),
        pa.field("reason", pa.string()),
    ]
)


def inventory_table(rows: Iterable[Mapping]) -> pa.Table:
    """An inventory table from row mappings (missing attribute columns read as null/False)."""
    rows = list(rows)
    columns = {}
    for field in INVENTORY_SCHEMA:
        values = [r.get(field.name) for r in rows]
        if pa.types.is_decimal(field.type):
            values = [None if v is None else Decimal(str(v)) for v in values]
        if pa.types.is_date(field.type):
            values = [dt.date.fromisoformat(v) if isinstance(v, str) else v for v in values]
        columns[field.name] = pa.array(values, type=field.type)
    return pa.table(columns, schema=INVENTORY_SCHEMA)


# Each check: the field it is about, the SQL condition that makes a row bad, what was expected.
_CHECKS = (
    (
        "wtn",
        "NOT regexp_full_match(coalesce(wtn, ''), '[2-9][0-9]{2}[2-9][0-9]{6}')",
        "a 10-digit NANP number (NPA and NXX not starting with 0 or 1)",
    ),
    ("retail_mrc", "retail_mrc < 0", "a monthly retail rate of zero or more"),
    (
        "volume_term_discount",
        "volume_term_discount < 0 OR volume_term_discount >= 1",
        "a volume/term discount as a fraction from 0 up to (not including) 1",
    ),
    ("promotion_days", "promotion_days <= 0", "a promotion length in days, more than zero"),
    ("end_date", "end_date < start_date", "an end date on or after the start date"),
    (
        "class_of_service",
        "class_of_service IS NOT NULL AND class_of_service NOT IN ('residential', 'business')",
        "residential or business",
    ),
)


def validate_inventory(con: duckdb.DuckDBPyConnection, relation: str) -> tuple[str, pa.Table]:
    """Split `relation` into a view of billable rows and a table of rejected rows with reasons.

    Returns the name of a DuckDB view holding the good rows, and the rejects (line_id,
    account_id, field, reason). One row may be rejected for several reasons; each is listed.
    """
    parts = [
        f"SELECT line_id, account_id, '{field}' AS field, 'expected ' || '{expected}' || ', got ' || coalesce(CAST({field} AS VARCHAR), 'null') AS reason "
        f"FROM {relation} WHERE coalesce({cond}, false)"
        for field, cond, expected in _CHECKS
    ]
    parts.append(
        f"SELECT line_id, min(account_id), 'line_id', 'expected a line id used once, got it ' || count(*) || ' times' "
        f"FROM {relation} GROUP BY line_id HAVING count(*) > 1"
    )
    rejects = con.sql(" UNION ALL ".join(parts) + " ORDER BY line_id, field").to_arrow_table().cast(REJECT_SCHEMA)
    con.register("_inv_rejects", rejects)
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW _inv_good AS SELECT * FROM {relation} WHERE line_id NOT IN (SELECT line_id FROM _inv_rejects)"
    )
    return "_inv_good", rejects
