"""The whole check as ONE query over the enriched calls: every summary and every flagged call at once.

The enriched calls fan out to six parts, each at the grain its output needs, and come back as one
table (`ONE_PASS_SCHEMA`, a `part` column saying which rows are which):

- `minute`: calls per trunk group and minute (all directions; the traffic report's chart), and
  the attempts, answered and short calls among them that CenturyLink received (CPA.8);
- `dos_trunk_group`, `dos_provider`: attempts, answered and short calls per DoS window of the
  traffic CenturyLink receives on the CLEC's trunks (CPA.8; docs/interpretations.md#dos-windows),
  only windows with at least the terms' minimum attempts (smaller ones are never judged). When
  the window is whole minutes, trunk group windows are summed from the `minute` part instead;
- `compensation`: calls and conversation time by CLEC, provider, direction and jurisdiction;
- `messages`: messages per billing number, message type and call date (per-message billing);
- `flagged`: the source file and record number of each call with a per-call finding.
  `flagged_calls` then enriches just those calls again for the evidence their findings need:
  far cheaper than carrying a dozen evidence columns (and a 32-character record id) through
  every join of every call.

One scan and one enrichment of the calls feed all six (DuckDB streams a CTE to all its consumers),
and each group-by has only the keys its output needs. `split` turns the result back into tables.
"""

from __future__ import annotations

from collections.abc import Callable

import ibis
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from ibis import _

from icaops.traffic.pipeline.enrich import FLAGS
from icaops.traffic.pipeline.params import CheckParams

__all__ = ["FLAGGED_COLUMNS", "ONE_PASS_SCHEMA", "PARTS", "WINDOW_COUNT_SCHEMA", "flagged_calls", "one_pass", "split"]

PARTS = ("minute", "dos_trunk_group", "dos_provider", "compensation", "messages", "flagged")
FLAGGED_COLUMNS = (
    "record_id",
    "source_file",
    "record_no",
    "call_date",
    "connect_time",
    "trunk_group",
    "clec_ocn",
    "provider_id",
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
        "trunk_group": "string",
        "provider_id": "string",
        "clec_ocn": "string",
        "direction": "string",
        "jurisdiction": "string",
        "call_date": "date",
        "billing_number": "string",
        "message_type": "string",
        "attempts": "int64",
        "dos_attempts": "int64",
        "answered": "int64",
        "short_calls": "int64",
        "talk_tenths": "int64",
        "source_file": "string",
        "record_no": "int64",
    }
)
WINDOW_COUNT_SCHEMA = pa.schema(
    [
        ("scope", pa.string()),
        ("key", pa.string()),
        ("window_start", pa.int64()),
        ("attempts", pa.int64()),
        ("answered", pa.int64()),
        ("short_calls", pa.int64()),
    ]
)
"""Counts of one DoS window of one trunk group or provider; window_start in epoch seconds (UTC)."""


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


def _start(seconds: ir.IntegerValue, grain: int) -> ir.IntegerValue:
    return (seconds // grain) * grain


def _dos(e: ir.Table) -> ir.BooleanValue:
    """Traffic CenturyLink receives on the CLEC's trunks: what DoS windows count (CPA.8)."""
    return e.direction.isin(("clec_to_ilec", "transit"))


def _trunk_windows_from_minutes(p: CheckParams) -> bool:
    """Whether DoS windows are whole minutes, so trunk group windows are sums of the `minute` part."""
    return p.window_seconds % 60 == 0


def _window_counts(e: ir.Table, key: str, p: CheckParams) -> ir.Table:
    """Attempts, answered and short calls per DoS window of `key`, windows with the minimum attempts only."""
    rows = e.filter(_dos(e) & e[key].notnull())
    g = rows.group_by([_start(rows.epoch, p.window_seconds).name("t"), key]).aggregate(
        attempts=_.count(), answered=_.answered.cast("int64").sum(), short_calls=_.short_call.cast("int64").sum()
    )
    return g.filter(g.attempts >= p.min_attempts)


def one_pass(e: ir.Table, p: CheckParams) -> ir.Table:
    """The parts of the check over the enriched calls `e` (with `epoch`), as one table of ONE_PASS_SCHEMA."""
    on_trunks = e.filter(e.trunk_group.notnull())
    dos = _dos(on_trunks)
    minute = on_trunks.group_by([_start(on_trunks.epoch, 60).name("t"), "trunk_group"]).aggregate(
        attempts=_.count(),
        dos_attempts=dos.cast("int64").sum(),
        answered=(dos & on_trunks.answered).cast("int64").sum(),
        short_calls=(dos & on_trunks.short_call).cast("int64").sum(),
    )
    comp = e.group_by(["clec_ocn", "provider_id", "direction", "jurisdiction"]).aggregate(
        attempts=_.count(), talk_tenths=_.talk_tenths.sum()
    )
    billed = e.filter(e.billing_number.notnull())
    messages = billed.group_by(["billing_number", "message_type", "call_date"]).aggregate(attempts=_.count())
    # Grouped, though each is one call: a part that ends in an aggregate lets DuckDB stream the
    # enriched calls to every part; a plain filtered part made it keep a copy of all of them.
    flagged = e.filter(_any_flag(e)).group_by(["source_file", "record_no"]).aggregate(attempts=_.count())
    parts = [
        _shaped(minute, "minute"),
        _shaped(_window_counts(e, "provider_id", p), "dos_provider"),
        _shaped(comp, "compensation"),
        _shaped(messages, "messages"),
        _shaped(flagged, "flagged"),
    ]
    if not _trunk_windows_from_minutes(p):
        parts.append(_shaped(_window_counts(e, "trunk_group", p), "dos_trunk_group"))
    return ibis.union(*parts, distinct=False)


def flagged_calls(calls: ir.Table, keys: ir.Table, enriched: Callable[[ir.Table], ir.Table]) -> ir.Table:
    """The flagged calls, with FLAGGED_COLUMNS: the calls whose record number is among `keys` (the
    flagged part), enriched again, those with a finding kept.

    Every flagged call is among them, and the checks keep exactly the flagged ones, so matching
    on the record number alone is enough; it is a fifth cheaper than matching the file as well.
    """
    found = enriched(calls.semi_join(keys, calls.record_no == keys.record_no))
    return found.filter(_any_flag(found)).select(list(FLAGGED_COLUMNS))


def _part(result: pa.Table, part: str, columns: list[str]) -> pa.Table:
    """The rows of one part, with only `columns` (selected first: only those are copied)."""
    return result.select(columns).filter(pc.equal(result["part"], PARTS.index(part)))


def _windows(scope: str, keys: pa.Array, t: pa.Array, counts: pa.Table) -> pa.Table:
    scopes = pa.array([scope], pa.string()).take(pa.array(np.zeros(len(keys), np.int32)))
    return pa.table(
        [scopes, keys, t, counts["attempts"], counts["answered"], counts["short_calls"]], schema=WINDOW_COUNT_SCHEMA
    )


def _trunk_windows(minutes: pa.Table, p: CheckParams) -> pa.Table:
    """Trunk group DoS window counts summed from the `minute` part (windows of whole minutes)."""
    m = minutes.filter(pc.greater(minutes["dos_attempts"], 0))
    w = pa.scalar(p.window_seconds, pa.int64())
    m = pa.table(
        {
            "trunk_group": m["trunk_group"],
            "t": pc.multiply(pc.divide(m["t"], w), w),
            "attempts": m["dos_attempts"],
            "answered": m["answered"],
            "short_calls": m["short_calls"],
        }
    )
    if p.window_seconds != 60:
        g = m.group_by(["trunk_group", "t"]).aggregate([(c, "sum") for c in ("attempts", "answered", "short_calls")])
        m = g.rename_columns([n.removesuffix("_sum") for n in g.column_names])
    return _windows("trunk_group", m["trunk_group"], m["t"], m)


def split(result: pa.Table, p: CheckParams) -> dict[str, pa.Table]:
    """The one-pass result back as one table per part, with only the columns each part fills.

    `windows` holds the DoS window counts of both scopes (WINDOW_COUNT_SCHEMA).
    """
    minutes = _part(result, "minute", ["t", "trunk_group", "attempts", "dos_attempts", "answered", "short_calls"])
    out = {
        "minute": minutes.select(["t", "trunk_group", "attempts"]),
        "compensation": _part(
            result, "compensation", ["clec_ocn", "provider_id", "direction", "jurisdiction", "attempts", "talk_tenths"]
        ),
        "messages": _part(result, "messages", ["billing_number", "message_type", "call_date", "attempts"]),
        "flagged": _part(result, "flagged", ["source_file", "record_no"]),
    }
    if _trunk_windows_from_minutes(p):
        trunk = _trunk_windows(minutes, p)
    else:
        w = _part(result, "dos_trunk_group", ["trunk_group", "t", "attempts", "answered", "short_calls"])
        trunk = _windows("trunk_group", w["trunk_group"], w["t"], w)
    w = _part(result, "dos_provider", ["provider_id", "t", "attempts", "answered", "short_calls"])
    out["windows"] = pa.concat_tables([trunk, _windows("provider", w["provider_id"], w["t"], w)])
    return out
