"""Carrier Partner traffic in scenario files: provider events, calls, and `traffic.…` state queries.

Provider events become registry facts (icaops/traffic/providers/); `traffic.calls` events hold
calls inline (or generate a demo day); queries run the traffic check (icaops.traffic.pipeline) on
the calls dated up to the as-of date, with the registry as known on that date. See the traffic
section of docs/scenarios.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from ..explain import Explained, Step
from ..relationship.events import Event
from .context import Answer, Context, StateQuery

__all__ = ["TRAFFIC_EVENTS", "TRAFFIC_QUERIES", "traffic_state"]

_FACT_OF_EVENT = {
    "traffic.provider_added": "provider_added",
    "traffic.agreement_signed": "agreement_signed",
    "traffic.agreement_terminated": "agreement_terminated",
    "traffic.provider_confirmed": "carry_confirmed",
    "traffic.dos_detected": "denial_of_service",
    "traffic.separate_trunk_group_established": "separate_trunk_group",
}
TRAFFIC_EVENTS = (
    *_FACT_OF_EVENT,
    "traffic.provider_notice",
    "traffic.provider_removed",
    "traffic.calls",
    "usage.file_delivered",
    "traffic.reference",
)
_TENTHS_PER_MINUTE = Decimal(600)


def _facts(ctx: Context, on: dt.date) -> list:
    from ..traffic.providers.parse import provider_fact
    from ..traffic.samples.day_spec import load_day_spec

    facts = []
    for e in ctx.events:
        if e.date > on:
            continue
        raw = {"id": e.id, "on": e.date, **dict(e.data)}
        if e.type in _FACT_OF_EVENT:
            facts.append(provider_fact({**raw, "fact": _FACT_OF_EVENT[e.type]}, f"event {e.id}"))
        elif e.type == "traffic.provider_notice":
            action = str(e.get("action", "start"))
            if action not in ("start", "stop"):
                raise ValueError(f"event {e.id}: action: expected start or stop, got {action!r}")
            facts.append(
                provider_fact({**raw, "fact": "carry_notice" if action == "start" else "stop_notice"}, f"event {e.id}")
            )
        elif e.type == "traffic.calls" and (e.get("generate") or {}).get("registry") == "demo":
            facts.extend(load_day_spec().facts)
    return facts


def _registry(ctx: Context, on: dt.date):
    from ..traffic.providers import ProviderRegistry

    return ProviderRegistry.from_facts(_facts(ctx, on))


def _check(ctx: Context, on: dt.date):
    """The traffic check of every call dated up to `on`, run once per scenario run and date."""
    return ctx.memo.get(("traffic.check", on), lambda: _run_check(ctx, on))


def _reference(ctx: Context, on: dt.date):
    """The numbering data of the check on `on`: per kind, the files of the latest `traffic.reference`
    event on or before it (effective from the event's date); the shipped files when there is none."""
    from pathlib import Path

    from ..traffic.reference import load_shipped_reference
    from ..traffic.reference.manifest import reference_from_entries

    latest: dict[str, list] = {}
    for e in ctx.events:
        if e.type != "traffic.reference" or e.date > on:
            continue
        files = e.get("files")
        if not isinstance(files, list) or not files:
            raise ValueError(f"event {e.id}: files: expected a list of {{file: PATH, kind: KIND}}")
        kinds = {str(f.get("kind")) for f in files if isinstance(f, dict)}
        for kind in kinds:
            latest[kind] = [dict(f, effective=e.date) for f in files if isinstance(f, dict) and f.get("kind") == kind]
    if not latest:
        return load_shipped_reference()
    base = ctx.source.parent if ctx.source is not None else Path.cwd()
    entries = [f for files in latest.values() for f in files]
    return reference_from_entries(entries, base, f"{ctx.source or 'scenario'}: traffic.reference files")


def _run_check(ctx: Context, on: dt.date):
    import pyarrow as pa

    from ..traffic.pipeline import calls_from_arrow, check_traffic, connect, prepare_checks
    from ..traffic.records import CALL_RECORD_SCHEMA

    reference = ctx.memo.get(("traffic.reference", on), lambda: _reference(ctx, on))
    terms = ctx.agreement.terms_at(on)
    batches = [_calls_of_event(e, reference, terms) for e in ctx.events if e.type == "traffic.calls" and e.date <= on]
    table = pa.Table.from_batches([b for b in batches if b.num_rows], CALL_RECORD_SCHEMA)
    clec = next((e.get("clec_ocn") for e in ctx.events if e.type == "traffic.calls" and e.get("clec_ocn")), None)
    checks = prepare_checks(terms, reference, _registry(ctx, on), connect("duckdb"), as_of=on, clec_ocn=clec)
    result = check_traffic(calls_from_arrow(table), checks)
    return result


def _calls_of_event(e: Event, reference, terms):
    """The event's calls as a RecordBatch of CALL_RECORD_SCHEMA: inline `calls:` rows, or `generate:` a demo day."""
    from ..traffic.samples.day import generate_day
    from ..traffic.samples.day_spec import load_day_spec

    generate = e.get("generate")
    if generate:
        day = generate_day(
            load_day_spec(),
            reference,
            terms,
            calls=int(generate.get("calls", 20_000)),
            seed=int(generate.get("seed", 0)),
            day=e.date,
            source_file=f"event {e.id}",
        )
        return day.calls.combine_chunks().to_batches()[0]
    rows = e.get("calls")
    if not isinstance(rows, list) or not rows:
        raise ValueError(f"event {e.id}: calls: expected a list of calls, or generate: {{calls: N, seed: S}}")
    cols: dict[str, list] = {
        k: []
        for k in (
            "connect_time_local",
            "calling_number",
            "called_number",
            "duration_tenths",
            "conversation_tenths",
            "trunk_group",
            "orig_term_ind",
            "orig_ocn",
            "term_ocn",
            "sending_ocn",
            "orig_lrn",
            "record_type",
            "billing_number",
            "message_type",
        )
    }
    midnight = (e.date - dt.date(1970, 1, 1)).days * 86400
    for i, row in enumerate(rows):
        for call in _expand(row, f"event {e.id}: calls[{i}]"):
            _append(cols, call, midnight, reference, e.get("clec_ocn"))
    import pyarrow as pa

    from ..traffic.records import finish_batch

    n = len(cols["calling_number"])
    arrays = {k: pa.array(v, pa.int64() if k.endswith(("_tenths", "_local")) else pa.string()) for k, v in cols.items()}
    arrays.update(record_no=pa.array(range(1, n + 1), pa.int64()))
    return finish_batch(arrays, n=n, source_file=f"event {e.id}", source_format="scenario")


def _seconds(value: Any, where: str) -> int:
    """Seconds (a number or decimal string) as whole tenths."""
    try:
        return int(Decimal(str(value)) * 10)
    except ArithmeticError:
        raise ValueError(f'{where}: expected seconds such as 12 or "0.5", got {value!r}') from None


def _expand(row: dict, where: str) -> list[dict]:
    """A call row, repeated `repeat` times evenly over `over` seconds with the calling line varied in its block."""
    if not isinstance(row, dict) or "at" not in row:
        raise ValueError(f"{where}: expected a mapping with at (HH:MM:SS), calling, called, duration")
    hh, mm, *ss = str(row["at"]).split(":")
    start = int(hh) * 3600 + int(mm) * 60 + (int(ss[0]) if ss else 0)
    repeat, over = int(row.get("repeat", 1)), int(row.get("over", 60))
    calls = []
    for i in range(repeat):
        call = dict(row, _at=start + (i * over) // repeat, _where=where)
        calling = str(row.get("calling") or "")
        if repeat > 1 and len(calling) == 10:
            call["calling"] = calling[:7] + f"{(int(calling[7:]) + i) % 1000:03d}"
        calls.append(call)
    return calls


_RESALE_MESSAGE = "010101"  # EMI category 01: a message of a resold line (docs/emi.md)
_ACCESS_RECORD = "110101"  # EMI category 11: a call on the CLEC's trunks


def _append(cols: dict[str, list], call: dict, midnight: int, reference, clec_ocn: str | None) -> None:
    where = call["_where"]
    calling = str(call["calling"]) if call.get("calling") not in (None, "") else None
    called = str(call.get("called") or "")
    if str(call.get("dir", "in")) == "resale":
        _append_message(cols, call, midnight, calling, called or None)
        return
    inbound = str(call.get("dir", "in")) == "in"
    a = reference.lookup(calling) if calling and len(calling) == 10 else None
    b = reference.lookup(called) if len(called) == 10 else None
    duration = _seconds(call.get("duration", 60), f"{where}: duration")
    cols["connect_time_local"].append(midnight + call["_at"])
    cols["calling_number"].append(calling)
    cols["called_number"].append(called or None)
    cols["duration_tenths"].append(duration)
    cols["conversation_tenths"].append(
        _seconds(call["conversation"], f"{where}: conversation") if "conversation" in call else duration
    )
    cols["trunk_group"].append(str(call["trunk_group"]) if call.get("trunk_group") else None)
    cols["orig_term_ind"].append("2" if inbound else "1")
    cols["orig_ocn"].append(call.get("orig_ocn", a.ocn if a else None))
    cols["term_ocn"].append(call.get("term_ocn", b.ocn if b else None))
    cols["sending_ocn"].append(call.get("sending_ocn", clec_ocn if inbound else (a.ocn if a else None)))
    cols["orig_lrn"].append(str(call["orig_lrn"]) if call.get("orig_lrn") else None)
    cols["record_type"].append(_ACCESS_RECORD)
    cols["billing_number"].append(None)
    cols["message_type"].append(None)


def _append_message(cols: dict[str, list], call: dict, midnight: int, calling: str | None, called: str | None) -> None:
    """A message of a resold line: no trunk group, no OCNs, billed to `billing` (default: the calling line)."""
    duration = _seconds(call.get("duration", 60), f"{call['_where']}: duration")
    values = {
        "connect_time_local": midnight + call["_at"],
        "calling_number": calling,
        "called_number": called,
        "duration_tenths": duration,
        "record_type": _RESALE_MESSAGE,
        "billing_number": str(call.get("billing") or calling or ""),
        "message_type": str(call.get("message_type", "1")),
    }
    for name, column in cols.items():
        column.append(values.get(name))


def _findings(ctx: Context, kind: str | None, on: dt.date) -> Explained[int]:
    import pyarrow.compute as pc

    from ..traffic.pipeline.params import params_from_terms

    result = _check(ctx, on)
    found = result.findings if kind is None else result.findings.filter(pc.equal(result.findings["kind"], kind))
    steps = [Step(f"{result.records} calls checked up to {on}")]
    steps += [Step(f"{r['kind']}: {r['detail']}", r["clause"]) for r in found.slice(0, 20).to_pylist()]
    if kind is not None and found.num_rows == 0:
        clauses = params_from_terms(ctx.agreement.terms_at(on)).clause_of_kind
        if kind not in clauses:
            raise KeyError(f"traffic.findings.{kind}: expected one of {', '.join(clauses)}")
        steps.append(Step(f"no {kind} finding", clauses[kind]))
    return Explained(found.num_rows, tuple(steps))


def _undetermined(ctx: Context, check: str | None, on: dt.date) -> Explained[int]:
    """Calls a check could not decide with the numbering data (for provider_numbering, CPA.1.4: codes); never findings."""
    from ..traffic.reference import COVERAGE_CHECKS

    names = [c for c, _, _ in COVERAGE_CHECKS]
    if check is not None and check not in names:
        raise KeyError(f"traffic.undetermined.{check}: expected one of {', '.join(names)}")
    rows = [r for r in _check(ctx, on).undetermined.to_pylist() if check is None or r["check"] == check]
    steps = tuple(
        Step(f"undetermined {r['check']} {r['npanxx'] or ''}: {r['calls']} calls; {r['reason']}", r["clause"])
        for r in rows
    )
    total = sum(r["calls"] or 1 for r in rows)
    clause = next((c for name, c, _ in COVERAGE_CHECKS if name == check), None)
    none = Step(f"every {check} decided up to {on}", clause) if check else Step(f"every check decided up to {on}")
    return Explained(total, steps or (none,))


def _dos_on(ctx: Context, on: dt.date) -> list[tuple[dt.date, str, str]]:
    """(date, provider, how) of every DoS by a provider known on `on`: declared events and detected ones (CPA.8)."""
    declared = [
        (e.date, str(e.require("provider")), f"event {e.id}")
        for e in ctx.events
        if e.type == "traffic.dos_detected" and e.date <= on
    ]
    calls = any(e.type == "traffic.calls" and e.date <= on for e in ctx.events)
    detected = []
    if calls:
        for e in _check(ctx, on).events:
            data = dict(e.data)
            if e.type == "dos_detected" and data.get("scope") == "provider":
                detected.append(
                    (e.date, str(data.get("provider") or data.get("key")), f"detected ({data.get('breached')})")
                )
    return sorted(declared + detected)


def _may_accept(ctx: Context, on: dt.date) -> Explained[bool]:
    """CPA.8: after a provider's DoS, CenturyLink may refuse all CLEC traffic until the provider is removed."""
    steps, blocked = [], False
    for when, provider, how in _dos_on(ctx, on):
        removed = [
            e
            for e in ctx.events
            if e.type == "traffic.provider_removed" and e.get("provider") == provider and when <= e.date <= on
        ]
        if removed:
            steps.append(Step(f"DoS from {provider} on {when} ({how}); provider removed on {removed[0].date}", "CPA.8"))
        else:
            blocked = True
            steps.append(
                Step(
                    f"DoS from {provider} on {when} ({how}); provider not removed by {on}: "
                    "CenturyLink may discontinue accepting all traffic on the CLEC's trunks",
                    "CPA.8",
                )
            )
    if not steps:
        steps.append(Step(f"no DoS from any provider up to {on}", "CPA.8"))
    return Explained(not blocked, tuple(steps))


def _provider(ctx: Context, parts: list[str], on: dt.date) -> Explained[Any]:
    name, query, *rest = parts
    answer = _registry(ctx, on).may_carry(name, on, rest[0] if rest else None)
    steps = tuple(Step(("met: " if r.met else "not met: ") + r.text, r.clause) for r in answer.reasons)
    if query in ("authorized", "may_use"):
        return Explained(answer.allowed, steps)
    if query == "trunk_group":
        return Explained(answer.trunk_group, steps)
    raise KeyError(f"traffic.provider.{name}.{query}: expected authorized, may_use.TG or trunk_group")


def _volume(ctx: Context, what: str, keys: list[str], on: dt.date) -> Explained[Any]:
    """Calls or conversation minutes by [direction.]jurisdiction from the compensation summary (CPA.2, 3, 4, 6)."""
    comp = _check(ctx, on).compensation.to_pylist()
    direction, jurisdiction = (None, keys[0]) if len(keys) == 1 else (keys[0], keys[1])
    rows = [r for r in comp if r["jurisdiction"] == jurisdiction and direction in (None, r["direction"])]
    calls = sum(r["calls"] for r in rows)
    tenths = sum(r["conversation_tenths"] or 0 for r in rows)
    steps = tuple(
        Step(
            f"{r['direction']} {r['jurisdiction']} {r['provider_id'] or ''}: {r['calls']} calls, "
            f"{r['conversation_tenths']} tenths, compensable {r['compensable']}",
            r["clause"],
        )
        for r in rows
    )
    if what == "calls":
        return Explained(calls, steps)
    return Explained(Decimal(tenths) / _TENTHS_PER_MINUTE, steps + (Step(f"{tenths} tenths / 600 = minutes"),))


def _messages(ctx: Context, billing_number: str | None, on: dt.date) -> Explained[int]:
    """Messages of resold lines (per billing number, type and day) for per-message billing (VIII)."""
    rows = [
        r
        for r in _check(ctx, on).message_counts.to_pylist()
        if billing_number is None or r["billing_number"] == billing_number
    ]
    steps = tuple(
        Step(f"{r['billing_number']} type {r['message_type']} on {r['call_date']}: {r['messages']} messages")
        for r in rows
    )
    return Explained(sum(r["messages"] for r in rows), steps or (Step(f"no messages up to {on}"),))


_WINDOW_FIELDS = {
    "start": "window_start",
    "end": "window_end",
    "attempts": "attempts",
    "episode_start": "episode_start",
    "episode_end": "episode_end",
}


def _dos_window(ctx: Context, rest: list[str], on: dt.date) -> Explained[Any]:
    """The first breached DoS episode of a trunk group or provider: its busiest window's start, end or
    attempts, or the episode's start or end; times as HH:MM:SS on the agreement's wall clock (CPA.8)."""
    scope, key, field = rest
    if field not in _WINDOW_FIELDS:
        raise KeyError(f"traffic.dos_window.{scope}.{key}.{field}: expected one of {', '.join(_WINDOW_FIELDS)}")
    hits = [w for w in _check(ctx, on).dos_windows.to_pylist() if (w["scope"], w["key"]) == (scope, key)]
    if not hits:
        raise KeyError(f"traffic.dos_window.{scope}.{key}: expected a breached DoS window, found none up to {on}")
    w, zone = hits[0], ZoneInfo(ctx.agreement.terms_at(on).calendar.timezone.value)
    value = w[_WINDOW_FIELDS[field]]
    shown = value if field == "attempts" else f"{value.astimezone(zone):%H:%M:%S}"
    step = Step(
        f"{scope} {key}: busiest breached window {w['window_start'].astimezone(zone):%H:%M:%S}-"
        f"{w['window_end'].astimezone(zone):%H:%M:%S} ({w['attempts']} attempts, {w['breached']}); breaching "
        f"windows {w['episode_start'].astimezone(zone):%H:%M:%S}-{w['episode_end'].astimezone(zone):%H:%M:%S}",
        w["clause"],
    )
    return Explained(shown, (step,))


def traffic_state(ctx: Context, name: str, on: dt.date) -> Explained[Any]:
    """Answer `traffic.…` queries (docs/scenarios.md)."""
    parts = name.split(".")[1:]
    head, rest = parts[0], parts[1:]
    if head == "findings":
        return _findings(ctx, rest[0] if rest else None, on)
    if head == "undetermined":
        return _undetermined(ctx, rest[0] if rest else None, on)
    if head == "may_accept_clec_traffic":
        return _may_accept(ctx, on)
    if head == "provider" and len(rest) >= 2:
        return _provider(ctx, rest, on)
    if head in ("minutes", "calls") and rest:
        return _volume(ctx, head, rest, on)
    if head == "messages":
        return _messages(ctx, rest[0] if rest else None, on)
    if head == "dos_window" and len(rest) == 3:
        return _dos_window(ctx, rest, on)
    if head == "dos_windows":
        windows = _check(ctx, on).dos_windows.to_pylist()
        hits = [w for w in windows if (not rest or w["scope"] == rest[0]) and (len(rest) < 2 or w["key"] == rest[1])]
        steps = tuple(
            Step(
                f"{w['scope']} {w['key']} {w['window_start']:%H:%M:%S} UTC: "
                f"{w['attempts']} attempts, breached {w['breached']} (breaching windows "
                f"{w['episode_start']:%H:%M:%S}-{w['episode_end']:%H:%M:%S} UTC)",
                w["clause"],
            )
            for w in hits
        )
        if not hits:
            from ..traffic.pipeline.params import params_from_terms

            clause = params_from_terms(ctx.agreement.terms_at(on)).clause_of_kind["dos_provider"]
            steps = (Step(f"no DoS window breached its thresholds up to {on}", clause),)
        return Explained(len(hits), steps)
    raise KeyError(
        f"{name}: expected traffic.findings[.KIND], traffic.may_accept_clec_traffic, traffic.undetermined[.CHECK], "
        "traffic.provider.P.(authorized|trunk_group|may_use.TG), traffic.(minutes|calls).[DIRECTION.]JURISDICTION, "
        "traffic.messages[.BILLING_NUMBER], traffic.dos_windows[.SCOPE[.KEY]] or "
        "traffic.dos_window.SCOPE.KEY.(start|end|attempts|episode_start|episode_end)"
    )


TRAFFIC_QUERIES: Mapping[str, StateQuery] = MappingProxyType(
    {
        "traffic": lambda ctx, name, on: Answer(traffic_state(ctx, name, on)),
    }
)
"""State queries by the first segment of their name."""
