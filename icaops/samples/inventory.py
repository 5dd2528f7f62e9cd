"""Synthetic resale inventories for the demo and the benchmarks (seeded, vectorised).

The retail rates below are sample rate plans, not tariff figures: the agreement prices
resale as "retail less the discount", and the retail tariff is outside it. WTNs are drawn
from the ILEC-switch NPA-NXXs of the shipped (synthetic) LERG sample; for inventories
larger than those NXXs hold, further 208 NXXs are used and the rows say so in `usoc`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..billing.inventory import INVENTORY_SCHEMA

__all__ = ["RATE_PLANS", "ilec_nxxs", "resale_inventory"]

# (USOC, class of service, sample monthly retail rate)
RATE_PLANS: tuple[tuple[str, str, str], ...] = (
    ("1FR", "residential", "18.50"),
    ("1FR", "residential", "21.95"),
    ("1FB", "business", "37.25"),
    ("1FB", "business", "45.00"),
    ("1FBKS", "business", "52.40"),
    ("ESX", "residential", "6.95"),
    ("NSY", "business", "9.50"),
)

_REFERENCE = "lerg_sample_id.csv"


def ilec_nxxs(path: Path | None = None) -> list[str]:
    """NPA-NXXs served by ILEC switches in the shipped LERG-style sample (package data), or in `path`."""
    import csv

    from ..traffic.reference.shipped import shipped_file

    text = path.read_text() if path is not None else shipped_file(_REFERENCE).data.decode("utf-8")
    rows = [l for l in text.splitlines() if not l.startswith("#")]
    out = []
    for row in csv.DictReader(rows):
        if row["ILEC_Switch"] == "Y" and row["BLOCK_ID"] in ("", "A"):
            out.append(row["NPA"] + row["NXX"])
    return sorted(set(out))


def _flags(rng: np.random.Generator, n: int, share: float) -> np.ndarray:
    return rng.random(n) < share


def resale_inventory(
    n_lines: int,
    accounts: list[str],
    *,
    seed: int = 2012,
    cycle_start: dt.date = dt.date(2012, 7, 4),
    cycle_close: dt.date = dt.date(2012, 8, 3),
    invalid_share: float = 0.0,
) -> pa.Table:
    """`n_lines` resold lines spread over `accounts`, with a realistic mix of discount attributes."""
    rng = np.random.default_rng(seed)
    nxxs = ilec_nxxs()
    extra = [f"208{n}" for n in range(300, 1000) if f"208{n}" not in nxxs]
    capacity = len(nxxs) * 10_000
    number = np.arange(n_lines)
    nxx_index = number // 10_000
    prefixes = np.array(nxxs + extra[: max(0, int(nxx_index.max()) + 1 - len(nxxs))] if n_lines else nxxs)
    wtn = pc.binary_join_element_wise(
        pa.array(prefixes[nxx_index]), pa.array(np.char.zfill((number % 10_000).astype(str), 4)), ""
    )
    if invalid_share:
        bad = _flags(rng, n_lines, invalid_share)
        wtn = pc.if_else(pa.array(bad), pc.binary_join_element_wise("1", pc.utf8_slice_codeunits(wtn, 1), ""), wtn)
    plan = rng.integers(0, len(RATE_PLANS), n_lines)
    usoc = np.array([p[0] for p in RATE_PLANS])[plan]
    cos = np.array([p[1] for p in RATE_PLANS])[plan]
    rates = pa.array([Decimal(p[2]) for p in RATE_PLANS], pa.decimal128(14, 4)).take(pa.array(plan))
    promo = rng.random(n_lines)
    promotion_days = np.where(promo < 0.03, 60, np.where(promo < 0.05, 180, 0))
    days = (cycle_close - cycle_start).days
    late_start = _flags(rng, n_lines, 0.02)
    start_offsets = np.where(late_start, rng.integers(1, days, n_lines), -rng.integers(30, 900, n_lines))
    start = pa.array(np.datetime64(cycle_start) + start_offsets.astype("timedelta64[D]"), pa.date32())
    ends = _flags(rng, n_lines, 0.01)
    end = pa.array(
        np.where(
            ends,
            np.datetime64(cycle_start) + rng.integers(0, days, n_lines).astype("timedelta64[D]"),
            np.datetime64("NaT"),
        ),
        pa.date32(),
    )
    vt = pc.if_else(pa.array(_flags(rng, n_lines, 0.05)), pa.scalar("0.10"), pa.scalar(None, pa.string())).cast(
        pa.decimal128(9, 6)
    )
    table = pa.table(
        {
            "line_id": pc.binary_join_element_wise("L", pa.array(np.char.zfill(number.astype(str), 8)), ""),
            "account_id": pa.array(np.array(accounts)[rng.integers(0, len(accounts), n_lines)]),
            "wtn": wtn,
            "usoc": pa.array(np.where(nxx_index < len(nxxs), usoc, np.char.add(usoc, "-SYN"))),
            "class_of_service": pa.array(cos),
            "retail_mrc": rates,
            "volume_term_discount": vt,
            "promotion_days": pa.array(np.where(promotion_days > 0, promotion_days, 0), pa.int32()).cast(pa.int32()),
            "promotion_sequential": pa.array(_flags(rng, n_lines, 0.005)),
            "customer_specific_pricing": pa.array(_flags(rng, n_lines, 0.01)),
            "os_da": pa.array(_flags(rng, n_lines, 0.002)),
            "special_access": pa.array(_flags(rng, n_lines, 0.002)),
            "cocot": pa.array(_flags(rng, n_lines, 0.005)),
            "own_use": pa.array(_flags(rng, n_lines, 0.003)),
            "grandfathered": pa.array(_flags(rng, n_lines, 0.01)),
            "advanced_services_isp": pa.array(_flags(rng, n_lines, 0.0005)),
            "e911_service": pa.array(np.zeros(n_lines, bool)),
            "lifeline": pa.array(_flags(rng, n_lines, 0.005)),
            "suspension": pa.array(_flags(rng, n_lines, 0.01)),
            "start_date": start,
            "end_date": end,
        }
    )
    no_promo = pc.equal(table["promotion_days"], 0)
    table = table.set_column(
        table.schema.get_field_index("promotion_days"),
        "promotion_days",
        pc.if_else(no_promo, pa.scalar(None, pa.int32()), table["promotion_days"]),
    )
    del capacity
    return table.cast(INVENTORY_SCHEMA)
