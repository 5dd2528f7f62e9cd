"""Calls per trunk group per minute, and the compensation summary (CPA.2, 3, 4, 6), from the one-pass counts."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from icaops.traffic.pipeline.params import CheckParams
from icaops.traffic.pipeline.result import COMPENSATION_SCHEMA, PER_MINUTE_SCHEMA

__all__ = ["compensation", "compensation_terms", "per_minute"]


def per_minute(minutes: pa.Table) -> pa.Table:
    """Calls per trunk group and minute (every direction) from the `minute` part, ordered by both."""
    out = pa.table(
        {
            "trunk_group": minutes["trunk_group"],
            "minute": minutes["t"].cast(pa.int64()).cast(pa.timestamp("s", tz="UTC")),
            "calls": minutes["attempts"].cast(pa.int64()),
        },
        schema=PER_MINUTE_SCHEMA,
    )
    return out.take(_trunk_then_time(minutes["trunk_group"], minutes["t"]))


def _trunk_then_time(trunk_groups: pa.ChunkedArray, seconds: pa.ChunkedArray) -> np.ndarray:
    """Row order by trunk group (text order) then time, through one integer key per row.

    Sorting 300,000 rows on (text, integer) costs three times as much as ranking the few hundred
    trunk groups once and sorting one int64. Trunk groups are never null here (the minute part
    has only calls on a trunk group); times are whole seconds, far below 2**40 apart.
    """
    if len(trunk_groups) == 0:
        return np.zeros(0, dtype=np.int64)
    codes = pc.dictionary_encode(trunk_groups).combine_chunks()
    names = codes.dictionary.to_numpy(zero_copy_only=False)
    rank = np.empty(len(names), dtype=np.int64)
    rank[np.argsort(names, kind="stable")] = np.arange(len(names))
    t = seconds.to_numpy().astype(np.int64)
    key = rank[codes.indices.to_numpy()] * (1 << 40) + (t - t.min())
    return np.argsort(key, kind="stable")


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
