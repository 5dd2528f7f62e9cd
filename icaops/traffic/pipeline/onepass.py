"""The whole check as ONE query over the enriched calls: every summary and every flagged call at once.

The enriched calls fan out to five parts, each at the grain its output needs, and come back as one
table (`ONE_PASS_SCHEMA`, a `part` column saying which rows are which):

- `minute`: calls per trunk group and minute (all directions; the traffic report's chart), and
  the attempts among them that CenturyLink received (CPA.8);
- `provider_minute`: the attempts CenturyLink received per provider and minute (CPA.8);
- `compensation`: calls and conversation time by CLEC, provider, direction and jurisdiction;
- `messages`: messages per billing number, message type and call date (per-message billing),
  counted from the calls themselves (they need no enrichment);
- `flagged`: the record number of each call with a per-call finding. `flagged_calls` then
  enriches just those calls again for the evidence their findings need: far cheaper than
  carrying a dozen evidence columns (and a 32-character record id) through every join of every call.

DoS windows slide (CPA.8; docs/interpretations.md#dos-windows): every window of `window_seconds`
is judged, not only clock minutes. A window with the terms' minimum attempts lies within
`_span_minutes` consecutive minutes holding at least that many attempts of its trunk group or
provider, so the minute counts name the few "hot" minutes where a breach is possible
(`hot_minutes`), and `window_counts` counts only the calls of those minutes per second and sums
them over sliding windows. Every window elsewhere has fewer than the minimum and is not judged.
Usually no minute is hot and nothing more is run.

One scan and one enrichment of the calls feed the parts (DuckDB streams a CTE to all its
consumers), and every group-by is on integer keys (enrich.py). `split` turns the result back into
tables; codes become names in run.py.
"""

from __future__ import annotations

from collections.abc import Callable

import ibis
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from ibis import _

from icaops.traffic.pipeline.enrich import DIRECTIONS, FLAGS
from icaops.traffic.pipeline.params import CheckParams

__all__ = [
    "FLAGGED_COLUMNS",
    "HOT_SECONDS_SCHEMA",
    "ONE_PASS_SCHEMA",
    "PARTS",
    "SCOPES",
    "WINDOW_COUNT_SCHEMA",
    "flagged_calls",
    "hot_minutes",
    "one_pass",
    "split",
    "window_counts",
]

PARTS = ("minute", "provider_minute", "compensation", "messages", "flagged")
SCOPES = ("trunk_group", "provider")
"""DoS window scopes by code (`scope` of `window_counts`): keyed by trunk code and provider code."""
FLAGGED_COLUMNS = (
    "record_id",
    "source_file",
    "record_no",
    "call_date",
    "connect_time",
    "trunk_group",
    "clec_code",
    "provider_code",
    "calling_number",
    "called_number",
    "orig_ocn",
    "a_ocn",
    "a_npanxxx",
    "b_npanxxx",
    "b_rate_center",
    "p_authorized",
    "p_reasons",
    "p_confined_trunk_group",
    *FLAGS,
)
"""What `flagged_calls` returns of each flagged call: its identity and the evidence of its findings."""
ONE_PASS_SCHEMA = ibis.schema(
    {
        "part": "int8",
        "t": "int64",
        "trunk_code": "int64",
        "provider_code": "int32",
        "clec_code": "int32",
        "direction": "int8",
        "jurisdiction": "int8",
        "call_date": "date",
        "billing_number": "string",
        "message_type": "string",
        "attempts": "int64",
        "dos_attempts": "int64",
        "talk_tenths": "int64",
        "record_no": "int64",
    }
)
HOT_SECONDS_SCHEMA = pa.schema([("t", pa.int64())])
"""The seconds (epoch) of the minutes in which a DoS window may hold the minimum attempts."""
WINDOW_COUNT_SCHEMA = pa.schema(
    [
        ("scope", pa.int8()),
        ("key", pa.int64()),
        ("window_start", pa.int64()),
        ("attempts", pa.int64()),
        ("answered", pa.int64()),
        ("short_calls", pa.int64()),
    ]
)
"""Counts of one DoS window [window_start, window_start + window_seconds) of one trunk group or
provider (scope a code of SCOPES, key its trunk or provider code); window_start in epoch seconds."""


def _any_flag(e: ir.Table) -> ir.BooleanValue:
    """Whether any per-call check failed for the call."""
    any_flag = e[FLAGS[0]]
    for flag in FLAGS[1:]:
        any_flag = any_flag | e[flag]
    return any_flag


def _shaped(table: ir.Table, part: str) -> ir.Table:
    """`table` with every column of ONE_PASS_SCHEMA (null where the part has none) and its part's number."""
    values = {"part": ibis.literal(PARTS.index(part), "int8")}
    for name, dtype in ONE_PASS_SCHEMA.items():
        if name != "part":
            values[name] = table[name].cast(dtype) if name in table.columns else ibis.null(dtype)
    return table.select(**values)


def _minute(seconds: ir.IntegerValue) -> ir.IntegerValue:
    return (seconds // 60) * 60


def _dos(e: ir.Table) -> ir.BooleanValue:
    """Traffic CenturyLink receives on the CLEC's trunks: what DoS windows count (CPA.8)."""
    return e.direction.isin((DIRECTIONS.index("clec_to_ilec"), DIRECTIONS.index("transit")))


def one_pass(e: ir.Table, calls: ir.Table, p: CheckParams) -> ir.Table:
    """The parts of the check over the enriched calls `e` (with `epoch`), as one table of ONE_PASS_SCHEMA.

    Messages are counted from `calls` themselves (the calls `e` enriches, one row each): they need
    no enrichment, and their text then never travels through the joins of every call.
    """
    on_trunks = e.filter(e.trunk_code.notnull())
    minute = on_trunks.group_by([_minute(on_trunks.epoch).name("t"), "trunk_code"]).aggregate(
        attempts=_.count(), dos_attempts=_dos(on_trunks).cast("int64").sum()
    )
    received = e.filter(_dos(e) & e.provider_code.notnull())
    provider_minute = received.group_by([_minute(received.epoch).name("t"), "provider_code"]).aggregate(
        dos_attempts=_.count()
    )
    comp = e.group_by(["clec_code", "provider_code", "direction", "jurisdiction"]).aggregate(
        attempts=_.count(), talk_tenths=_.talk_tenths.sum()
    )
    billed = calls.filter(calls.billing_number.notnull())
    messages = billed.group_by(["billing_number", "message_type", "call_date"]).aggregate(attempts=_.count())
    # Grouped, though each is one call: a part that ends in an aggregate lets DuckDB stream the
    # enriched calls to every part; a plain filtered part made it keep a copy of all of them.
    flagged = e.filter(_any_flag(e)).group_by(["record_no"]).aggregate(attempts=_.count())
    return ibis.union(
        _shaped(minute, "minute"),
        _shaped(provider_minute, "provider_minute"),
        _shaped(comp, "compensation"),
        _shaped(messages, "messages"),
        _shaped(flagged, "flagged"),
        distinct=False,
    )


def flagged_calls(calls: ir.Table, keys: ir.Table, enriched: Callable[[ir.Table], ir.Table]) -> ir.Table:
    """The flagged calls, with FLAGGED_COLUMNS: the calls whose record number is among `keys` (the
    flagged part), enriched again, those with a finding kept.

    Every flagged call is among them, and the checks keep exactly the flagged ones, so matching
    on the record number alone is enough.
    """
    found = enriched(calls.semi_join(keys, calls.record_no == keys.record_no))
    return found.filter(_any_flag(found)).select(list(FLAGGED_COLUMNS))


def _span_minutes(p: CheckParams) -> int:
    """How many clock minutes one window of window_seconds can touch: (w - 1) // 60 + 2 at most."""
    return (p.window_seconds - 1) // 60 + 2


def hot_minutes(minutes: pa.Table, p: CheckParams) -> pa.Table:
    """Every second (HOT_SECONDS_SCHEMA, ascending) of the minutes of every run of `_span_minutes`
    consecutive minutes in which one key has at least the terms' minimum attempts.

    `minutes` has columns `scope` (int8), `key` (int64), `t` (minute start) and `n` (attempts
    CenturyLink received). A window touches at most `_span_minutes` minutes, so a window with the
    minimum attempts has every one of its seconds in a hot minute; a window outside them has
    fewer than the minimum. Seconds rather than minutes: matched to the calls' `connect_epoch`
    itself, they let DuckDB skip the parts of a file outside them.
    """
    k = _span_minutes(p)
    # A run of k minutes with the minimum holds a minute with at least a k-th of it: only the keys
    # with such a minute can have one (a few trunk groups and providers, at most).
    busy = minutes.filter(pc.greater_equal(minutes["n"], max(-(-p.min_attempts // k), 1)))
    keep = [
        pc.and_(
            pc.equal(minutes["scope"], scope),
            pc.is_in(minutes["key"], busy.filter(pc.equal(busy["scope"], scope))["key"].combine_chunks()),
        )
        for scope in range(len(SCOPES))
    ]
    m = minutes.filter(pc.or_(*keep)) if busy.num_rows else busy
    if m.num_rows == 0:
        return HOT_SECONDS_SCHEMA.empty_table()
    minute = m["t"].to_numpy().astype(np.int64) // 60
    rel = minute - minute.min()
    span = int(rel.max()) + k + 1
    scope, key = m["scope"].to_numpy().astype(np.int64), m["key"].to_numpy().astype(np.int64)
    order = np.lexsort((rel, key, scope))
    scope, key, r = scope[order], key[order], rel[order]
    new_key = np.ones(r.size, dtype=np.int64)
    new_key[1:] = (scope[1:] != scope[:-1]) | (key[1:] != key[:-1])
    flat = (np.cumsum(new_key) - 1) * span + r  # one ascending position per (key, minute), keys apart
    total = np.concatenate([[0], np.cumsum(m["n"].to_numpy().astype(np.int64)[order])])
    ends = np.searchsorted(flat, flat + k - 1, side="right")
    starts = np.flatnonzero(total[ends] - total[np.arange(flat.size)] >= p.min_attempts)
    hot = np.unique((r[starts][:, None] + np.arange(k)[None, :]).ravel()) + minute.min()
    seconds = (hot[:, None] * 60 + np.arange(60)[None, :]).ravel()
    return pa.table({"t": pa.array(seconds, pa.int64())}, schema=HOT_SECONDS_SCHEMA)


def _sliding(seconds: ir.Table, scope: str, key: str, p: CheckParams) -> ir.Table:
    """Window counts of one scope from `seconds` (`_per_second`), counted per key and second.

    The distinct sets of calls that windows [s, s + w) hold change only where a call's second t
    enters (s = t - w + 1: the window ending at t) or leaves (s = t + 1: the window starting
    just after t), so those windows, over every call's second, are every window there is.
    """
    w = p.window_seconds
    r = seconds.filter(seconds[key].notnull())
    sec = r.group_by([r[key].cast("int64").name("key"), r.t]).aggregate(
        attempts=r.attempts.sum(), answered=r.answered.sum(), short_calls=r.short_calls.sum()
    )
    ending = ibis.window(group_by=sec.key, order_by=sec.t, range=(-(w - 1), 0))
    after = ibis.window(group_by=sec.key, order_by=sec.t, range=(1, w))
    parts = [
        sec.select(
            scope=ibis.literal(SCOPES.index(scope), "int8"),
            key=sec.key,
            window_start=start,
            attempts=sec.attempts.sum().over(frame),
            answered=sec.answered.sum().over(frame),
            short_calls=sec.short_calls.sum().over(frame),
        )
        for frame, start in ((ending, sec.t - (w - 1)), (after, sec.t + 1))
    ]
    u = ibis.union(*parts, distinct=False)
    return u.filter(u.attempts >= p.min_attempts)


def _per_second(rows: ir.Table) -> ir.Table:
    """The traffic CenturyLink receives among enriched `rows`, counted per trunk group, provider and
    second: one aggregate that both scopes sum further (DuckDB then scans the calls once for both)."""
    r = rows.filter(_dos(rows))
    return r.group_by(["trunk_code", "provider_code", r.epoch.name("t")]).aggregate(
        attempts=_.count(), answered=_.answered.cast("int64").sum(), short_calls=_.short_call.cast("int64").sum()
    )


def window_counts(calls: ir.Table, hot: ir.Table, enriched: Callable[[ir.Table], ir.Table], p: CheckParams) -> ir.Table:
    """Counts (WINDOW_COUNT_SCHEMA) of every DoS window with the minimum attempts, both scopes.

    `hot` holds the seconds of the `hot_minutes`: only the calls of those are enriched and counted.
    """
    seconds = _per_second(enriched(calls.semi_join(hot, calls.connect_epoch == hot.t)))
    return ibis.union(
        _sliding(seconds, "trunk_group", "trunk_code", p),
        _sliding(seconds, "provider", "provider_code", p),
        distinct=False,
    )


def _part(result: pa.Table, part: str, columns: list[str]) -> pa.Table:
    """The rows of one part, with only `columns` (selected first: only those are copied)."""
    return result.select(columns).filter(pc.equal(result["part"], PARTS.index(part)))


def split(result: pa.Table) -> dict[str, pa.Table]:
    """The one-pass result back as one table per part, with only the columns each part fills.

    `dos_minutes` holds the attempts CenturyLink received per scope, key and minute (the input of
    `hot_minutes`).
    """
    minutes = _part(result, "minute", ["t", "trunk_code", "attempts", "dos_attempts"])
    providers = _part(result, "provider_minute", ["t", "provider_code", "dos_attempts"])

    def scoped(scope: str, table: pa.Table, key: str) -> pa.Table:
        return pa.table(
            {
                "scope": pa.array(np.full(table.num_rows, SCOPES.index(scope), np.int8)),
                "key": table[key].cast(pa.int64()),
                "t": table["t"],
                "n": table["dos_attempts"],
            }
        )

    return {
        "minute": minutes.select(["t", "trunk_code", "attempts"]),
        "dos_minutes": pa.concat_tables(
            [scoped("trunk_group", minutes, "trunk_code"), scoped("provider", providers, "provider_code")]
        ),
        "compensation": _part(
            result,
            "compensation",
            ["clec_code", "provider_code", "direction", "jurisdiction", "attempts", "talk_tenths"],
        ),
        "messages": _part(result, "messages", ["billing_number", "message_type", "call_date", "attempts"]),
        "flagged": _part(result, "flagged", ["record_no"]),
    }
