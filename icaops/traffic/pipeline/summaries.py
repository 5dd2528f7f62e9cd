"""Calls per trunk group per minute, and the compensation summary (CPA.2, 3, 4, 6), from the one-pass counts."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from icaops.traffic.pipeline.params import CheckParams
from icaops.traffic.pipeline.result import COMPENSATION_SCHEMA, PER_MINUTE_SCHEMA
from icaops.traffic.records import unpack

__all__ = ["compensation", "compensation_terms", "per_minute"]


def per_minute(minutes: pa.Table) -> pa.Table:
    """Calls per trunk group and minute (every direction) from the `minute` part, ordered by both.

    The part keys trunk groups by their packed codes (icaops/traffic/records/keys.py): read as
    unsigned integers these sort as the texts' bytes do, so one sort of (code, time) orders the
    rows by trunk group (text order) then time, and only then are the codes turned into text.
    """
    codes = minutes["trunk_code"].combine_chunks().cast(pa.int64()).to_numpy(zero_copy_only=False)
    t = minutes["t"].combine_chunks().cast(pa.int64()).to_numpy(zero_copy_only=False)
    order = np.lexsort((t, codes.view(np.uint64)))
    return pa.table(
        {
            "trunk_group": unpack(pa.array(codes[order], pa.int64()), 8),
            "minute": pa.array(t[order], pa.int64()).cast(pa.timestamp("s", tz="UTC")),
            "calls": minutes["attempts"].combine_chunks().cast(pa.int64()).take(pa.array(order)),
        },
        schema=PER_MINUTE_SCHEMA,
    )


def compensation_terms(direction: str, has_provider: bool, p: CheckParams) -> tuple[bool, str]:
    """(compensable, clause) of one group of calls.

    CenturyLink traffic the CLEC delivers to a provider is treated as terminated with the CLEC
    (CPA.3, CPA.6: it stays attributed to the CLEC's OCN) and earns the CLEC no transit compensation
    (CPA.3, term `transit_compensation_to_clec`). Everything else is exchanged under the CLEC
    Agreement as the CLEC's own traffic, compensated as usual (CPA.2; CPA.4 for provider traffic).
    """
    if direction == "ilec_to_clec" and has_provider:
        return p.transit_compensation_to_clec, p.no_transit_clause
    return True, p.attribution_clause


def compensation(counts: pa.Table, p: CheckParams) -> pa.Table:
    """Calls and conversation time by CLEC, provider, direction and jurisdiction, with compensability.

    Resale usage is left out: it is billed per message (VIII), not exchanged on the CLEC's trunks
    (docs/interpretations.md#resale-usage).
    """
    keys = ["clec_ocn", "provider_id", "direction", "jurisdiction"]
    g = counts.filter(pc.not_equal(counts["direction"], "resale_usage"))
    terms = [
        compensation_terms(d, prov is not None, p)
        for d, prov in zip(g["direction"].to_pylist(), g["provider_id"].to_pylist())
    ]
    out = pa.table(
        {
            "clec_ocn": g["clec_ocn"],
            "provider_id": g["provider_id"],
            "direction": g["direction"],
            "jurisdiction": g["jurisdiction"],
            "calls": g["attempts"].cast(pa.int64()),
            "conversation_tenths": g["talk_tenths"].cast(pa.int64()),
            "compensable": pa.array([t[0] for t in terms], pa.bool_()),
            "clause": pa.array([t[1] for t in terms], pa.string()),
        },
        schema=COMPENSATION_SCHEMA,
    )
    return out.sort_by([(k, "ascending") for k in keys])
