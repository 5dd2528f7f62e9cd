"""What the traffic report shows, computed from a TrafficCheck and the terms (clauses and quotes).

Every time is in the agreement's zone (`calendar.timezone`, II.2.10); clause ids come from the
findings and the terms, quotes and the DoS remedy from the Carrier Partner rules, minutes are
conversation tenths / 600, and dollars appear only where the terms price something
(compensation.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.compute as pc

from icaops.relationship.events import Event
from icaops.terms.schema import Rule, Term, Terms
from icaops.traffic.pipeline.result import FINDING_KINDS, TrafficCheck
from icaops.traffic.report.compensation import (
    NOT_PRICED,
    CompensationRow,
    MessageCharge,
    ProviderMinutes,
    compensation_quotes,
    compensation_rows,
    message_charges,
    provider_minutes,
)

__all__ = [
    "NO_PROVIDER",
    "CoverageRow",
    "DosEventRow",
    "DosRow",
    "FindingRow",
    "KindRow",
    "ProviderFindings",
    "ReferenceFileRow",
    "ReportData",
    "TimeZone",
    "UndeterminedRow",
    "report_data",
    "rule_for_clause",
]

NO_PROVIDER = "(no provider)"
"""How findings without a provider (trunk-group DoS windows) are grouped."""


@dataclass(frozen=True, slots=True)
class TimeZone:
    """The zone every time of the report is shown in, and the term that sets it."""

    name: str
    clause: str
    quote: str

    @property
    def info(self) -> ZoneInfo:
        """The zone for conversions."""
        return ZoneInfo(self.name)


@dataclass(frozen=True, slots=True)
class KindRow:
    """Findings of one kind: how many, the clause, and what the clause says."""

    kind: str
    clause: str
    count: int
    quote: str
    reference: str | None


@dataclass(frozen=True, slots=True)
class ProviderFindings:
    """One provider's findings counted per kind (in the order of ReportData.kinds)."""

    provider: str
    counts: tuple[int, ...]
    total: int


@dataclass(frozen=True, slots=True)
class DosRow:
    """One breached DoS window (local times), the thresholds it breached and its clause."""

    scope: str
    key: str
    start: dt.datetime
    end: dt.datetime
    attempts: int
    answered: int
    short_calls: int
    attempts_per_second: float
    short_call_ratio: float
    answer_seizure_ratio: float
    breached: str
    clause: str


@dataclass(frozen=True, slots=True)
class DosEventRow:
    """A dos_detected event: who, when (local), how bad, and the remedy the terms give."""

    date: dt.date
    scope: str
    key: str
    windows: int
    start: dt.datetime | None
    end: dt.datetime | None
    peak_attempts_per_second: float | None
    breached: str
    remedy: str
    clause: str


@dataclass(frozen=True, slots=True)
class FindingRow:
    """One finding on a call (local time), with its file and record."""

    time: dt.datetime | None
    kind: str
    clause: str
    trunk_group: str | None
    provider: str | None
    source_file: str | None
    record_no: int | None
    detail: str


@dataclass(frozen=True, slots=True)
class ReportData:
    """Everything the HTML template renders."""

    title: str
    zone: TimeZone
    zone_abbreviations: tuple[str, ...]
    records: int
    backend: str
    first_day: dt.date | None
    last_day: dt.date | None
    total_findings: int
    kinds: tuple[KindRow, ...]
    providers: tuple[ProviderFindings, ...]
    dos: tuple[DosRow, ...]
    dos_clause: str
    dos_quote: str
    dos_remedy: str
    thresholds: Mapping[str, str]
    thresholds_clause: str
    events: tuple[DosEventRow, ...]
    compensation: tuple[CompensationRow, ...]
    provider_minutes: tuple[ProviderMinutes, ...]
    messages: int
    message_charges: tuple[MessageCharge, ...]
    not_priced: str
    clause_quotes: Mapping[str, str]
    first_findings: tuple[FindingRow, ...]
    call_findings: int
    undetermined: tuple[UndeterminedRow, ...] = ()
    coverage: tuple[CoverageRow, ...] = ()
    reference_files: tuple[ReferenceFileRow, ...] = ()


@dataclass(frozen=True, slots=True)
class UndeterminedRow:
    """Calls (or a registry code) a check could not decide with the numbering data, and why."""

    check: str
    clause: str
    provider: str | None
    npanxx: str | None
    reason: str
    calls: int


@dataclass(frozen=True, slots=True)
class CoverageRow:
    """What one check can decide with the numbering data used: NPA-NXX codes in whole or in part, NPAs whole."""

    check: str
    clause: str
    whole_codes: int
    partial_codes: int
    complete_npas: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReferenceFileRow:
    """One reference file the check used."""

    kind: str
    name: str
    sha256: str
    rows: int
    effective: dt.date | None


def _coverage(coverage: pa.Table) -> tuple[CoverageRow, ...]:
    """Per check, the NPA-NXX codes it can decide for every block or for some, and the NPAs decided whole."""
    from icaops.traffic.reference import COVERAGE_CHECKS

    rows = coverage.to_pylist()
    out = []
    for check, clause, _ in COVERAGE_CHECKS:
        mine = [r for r in rows if r["check"] == check]
        whole_npas = tuple(sorted({r["npa"] for r in mine if r["nxx_from"] == "200" and r["nxx_to"] == "999"}))
        codes = [(r, int(r["nxx_to"]) - int(r["nxx_from"]) + 1) for r in mine if r["npa"] not in whole_npas]
        whole = sum(n for r, n in codes if r["blocks"] == "0-9")
        partial = sum(n for r, n in codes if r["blocks"] != "0-9")
        out.append(CoverageRow(check, clause, whole, partial, whole_npas))
    return tuple(out)


def rule_for_clause(terms: Terms, clause: str) -> Term[Rule] | None:
    """The Carrier Partner rule cited as `clause` (one with a check first), or None."""
    cp = terms.carrier_partner
    if cp is None:
        return None
    found = [r for r in cp.rules.values() if r.clause == clause]
    return next((r for r in found if r.value.check), found[0] if found else None)


def _zone(terms: Terms) -> TimeZone:
    tz = terms.calendar.timezone
    return TimeZone(tz.value, tz.clause, tz.quote)


def _kinds(findings: pa.Table, terms: Terms) -> tuple[KindRow, ...]:
    counts: dict[tuple[str, str], int] = {}
    if findings.num_rows:
        for row in findings.group_by(["kind", "clause"]).aggregate([("kind", "count")]).to_pylist():
            counts[(row["kind"], row["clause"])] = row["kind_count"]
    order = {k: i for i, k in enumerate(FINDING_KINDS)}
    rows = []
    for (kind, clause), count in sorted(counts.items(), key=lambda kv: (order.get(kv[0][0], len(order)), kv[0])):
        rule = rule_for_clause(terms, clause)
        rows.append(KindRow(kind, clause, count, rule.quote if rule else "", rule.value.reference if rule else None))
    return tuple(rows)


def _providers(findings: pa.Table, kinds: tuple[KindRow, ...]) -> tuple[ProviderFindings, ...]:
    """Findings per provider and (kind, clause); providers by most findings, findings without one last."""
    column = {(k.kind, k.clause): i for i, k in enumerate(kinds)}
    counts: dict[str, list[int]] = {}
    if findings.num_rows:
        grouped = findings.group_by(["provider_id", "kind", "clause"]).aggregate([("kind", "count")])
        for row in grouped.to_pylist():
            per_kind = counts.setdefault(row["provider_id"] or NO_PROVIDER, [0] * len(kinds))
            per_kind[column[(row["kind"], row["clause"])]] += row["kind_count"]
    rows = [ProviderFindings(p, tuple(c), sum(c)) for p, c in counts.items()]
    return tuple(sorted(rows, key=lambda r: (r.provider == NO_PROVIDER, -r.total, r.provider)))


def _dos(windows: pa.Table, zone: ZoneInfo) -> tuple[DosRow, ...]:
    rows = sorted(windows.to_pylist(), key=lambda r: (r["window_start"], r["scope"], r["key"]))
    return tuple(
        DosRow(
            r["scope"],
            r["key"],
            r["window_start"].astimezone(zone),
            r["window_end"].astimezone(zone),
            r["attempts"],
            r["answered"],
            r["short_calls"],
            r["attempts_per_second"],
            r["short_call_ratio"],
            r["answer_seizure_ratio"],
            r["breached"],
            r["clause"],
        )
        for r in rows
    )


def _instant(value: object, zone: ZoneInfo) -> dt.datetime | None:
    """An ISO instant of an event's data in the agreement's zone (None when absent or not an instant)."""
    if isinstance(value, dt.datetime):
        return value.astimezone(zone)
    if isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
        return parsed.astimezone(zone) if parsed.tzinfo else None
    return None


def _events(events: tuple[Event, ...], zone: ZoneInfo) -> tuple[DosEventRow, ...]:
    rows = []
    for e in events:
        if e.type != "dos_detected":
            continue
        d = dict(e.data)
        peak = d.get("peak_attempts_per_second")
        rows.append(
            DosEventRow(
                e.date,
                str(d.get("scope", "")),
                str(d.get("key", "")),
                int(d.get("windows", 0)),
                _instant(d.get("first_window_start"), zone),
                _instant(d.get("last_window_end"), zone),
                float(peak) if isinstance(peak, int | float) else None,
                str(d.get("breached", "")),
                str(d.get("remedy", "")),
                str(d.get("clause", "")),
            )
        )
    return tuple(rows)


def _first_findings(findings: pa.Table, zone: ZoneInfo, first: int) -> tuple[FindingRow, ...]:
    """The first findings on calls in time order (window-level DoS findings are the DoS section's rows)."""
    calls = findings.filter(pc.is_valid(findings.column("record_id")))
    ordered = calls.sort_by([("connect_time", "ascending"), ("kind", "ascending"), ("record_no", "ascending")])
    return tuple(
        FindingRow(
            r["connect_time"].astimezone(zone) if r["connect_time"] else None,
            r["kind"],
            r["clause"],
            r["trunk_group"],
            r["provider_id"],
            r["source_file"],
            r["record_no"],
            r["detail"],
        )
        for r in ordered.slice(0, first).to_pylist()
    )


def _abbreviations(zone: TimeZone, first: dt.date | None, last: dt.date | None) -> tuple[str, ...]:
    """The zone's names in force on the report's days, e.g. ('CDT',), or ('CST', 'CDT') across a change."""
    if first is None or last is None:
        return ()
    names = (
        dt.datetime.combine(first, dt.time(0), zone.info).tzname(),
        dt.datetime.combine(last, dt.time(23, 59), zone.info).tzname(),
    )
    return tuple(dict.fromkeys(n for n in names if n))


def _days(check: TrafficCheck) -> tuple[dt.date | None, dt.date | None]:
    for table, column in ((check.findings, "call_date"), (check.message_counts, "call_date")):
        if table.num_rows:
            col = table.column(column)
            return pc.min(col).as_py(), pc.max(col).as_py()
    return None, None


def report_data(
    check: TrafficCheck, terms: Terms, *, title: str = "Carrier Partner traffic report", first_findings: int = 50
) -> ReportData:
    """The report's content: findings by kind and provider, DoS windows and remedy, compensation, first findings."""
    zone = _zone(terms)
    cp = terms.carrier_partner
    dos_rule = next((t for t in cp.rules.values() if t.value.check == "dos"), None) if cp else None
    thresholds = cp.dos_thresholds if cp else None
    kinds = _kinds(check.findings, terms)
    compensation = compensation_rows(check.compensation)
    first_day, last_day = _days(check)
    return ReportData(
        title=title,
        zone=zone,
        zone_abbreviations=_abbreviations(zone, first_day, last_day),
        records=check.records,
        backend=check.backend,
        first_day=first_day,
        last_day=last_day,
        total_findings=check.findings.num_rows,
        kinds=kinds,
        providers=_providers(check.findings, kinds),
        dos=_dos(check.dos_windows, zone.info),
        dos_clause=dos_rule.clause if dos_rule else "",
        dos_quote=dos_rule.quote if dos_rule else "",
        dos_remedy=(dos_rule.value.remedy or dos_rule.value.description) if dos_rule else "",
        thresholds={k: str(v) for k, v in thresholds.value.model_dump().items()} if thresholds else {},
        thresholds_clause=thresholds.clause if thresholds else "",
        events=_events(tuple(check.events), zone.info),
        compensation=compensation,
        provider_minutes=provider_minutes(check.compensation),
        messages=int(pc.sum(check.message_counts.column("messages")).as_py() or 0),
        message_charges=message_charges(check.message_counts, terms),
        not_priced=NOT_PRICED,
        clause_quotes=compensation_quotes(terms, {c.clause for c in compensation}),
        first_findings=_first_findings(check.findings, zone.info, first_findings),
        call_findings=int(pc.sum(pc.is_valid(check.findings.column("record_id"))).as_py() or 0),
        undetermined=tuple(
            UndeterminedRow(r["check"], r["clause"], r["provider_id"], r["npanxx"], r["reason"], r["calls"])
            for r in check.undetermined.to_pylist()
        ),
        coverage=_coverage(check.coverage),
        reference_files=tuple(
            ReferenceFileRow(r["kind"], r["name"], r["sha256"], r["rows"], r["effective"])
            for r in check.reference_files.to_pylist()
        ),
    )
