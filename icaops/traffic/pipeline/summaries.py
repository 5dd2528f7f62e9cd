"""Calls per trunk group per minute, and the compensation summary (CPA.2, 3, 4, 6), from bucket counts."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from icaops.traffic.pipeline.params import CheckParams
from icaops.traffic.pipeline.result import COMPENSATION_SCHEMA, PER_MINUTE_SCHEMA

__all__ = ["compensation", "compensation_terms", "per_minute"]


def per_minute(buckets: pa.Table) -> pa.Table:
    """Calls per trunk group and minute (every direction), ordered by trunk group and minute."""
    t = buckets.filter(pc.is_valid(buckets["trunk_group"]))
    minute = pc.multiply(pc.divide(t["bucket"], pa.scalar(60, pa.int64())), pa.scalar(60, pa.int64()))
    g = (pa.table({"trunk_group": t["trunk_group"], "minute": minute, "calls": t["attempts"]})
         .group_by(["trunk_group", "minute"]).aggregate([("calls", "sum")]))
    out = pa.table({"trunk_group": g["trunk_group"],
                    "minute": g["minute"].cast(pa.int64()).cast(pa.timestamp("s", tz="UTC")),
                    "calls": g["calls_sum"].cast(pa.int64())}, schema=PER_MINUTE_SCHEMA)
    return out.sort_by([("trunk_group", "ascending"), ("minute", "ascending")])


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


def compensation(buckets: pa.Table, p: CheckParams) -> pa.Table:
    """Calls and conversation time by CLEC, provider, direction and jurisdiction, with compensability."""
    keys = ["clec_ocn", "provider_id", "direction", "jurisdiction"]
    g = buckets.group_by(keys).aggregate([("attempts", "sum"), ("talk_tenths", "sum")])
    terms = [compensation_terms(d, prov is not None, p)
             for d, prov in zip(g["direction"].to_pylist(), g["provider_id"].to_pylist())]
    out = pa.table({
        "clec_ocn": g["clec_ocn"], "provider_id": g["provider_id"], "direction": g["direction"],
        "jurisdiction": g["jurisdiction"], "calls": g["attempts_sum"].cast(pa.int64()),
        "conversation_tenths": g["talk_tenths_sum"].cast(pa.int64()),
        "compensable": pa.array([t[0] for t in terms], pa.bool_()),
        "clause": pa.array([t[1] for t in terms], pa.string()),
    }, schema=COMPENSATION_SCHEMA)
    return out.sort_by([(k, "ascending") for k in keys])
