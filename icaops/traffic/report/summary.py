"""What the traffic report shows, computed from a TrafficCheck and the terms (clauses and quotes).

Nothing here is contractual arithmetic: clause ids come from the findings and the terms, quotes
and the DoS remedy from the Carrier Partner rules, minutes are conversation tenths / 600.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.compute as pc

from icaops.terms.schema import Rule, Term, Terms
from icaops.traffic.pipeline.result import FINDING_KINDS, TrafficCheck

__all__ = ["DosRow", "JurisdictionRow", "KindRow", "ReportData", "report_data", "rule_for_clause"]

_TENTHS_PER_MINUTE = Decimal(600)


@dataclass(frozen=True, slots=True)
class KindRow:
    """Findings of one kind: how many, the clause, and what the clause says."""

    kind: str
    clause: str
    count: int
    quote: str
    reference: str | None


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
class JurisdictionRow:
    """Calls and minutes of one direction and jurisdiction, whether compensable, and why (clause)."""

    direction: str
    jurisdiction: str
    calls: int
    minutes: Decimal
    compensable: bool
    clause: str


@dataclass(frozen=True)
class ReportData:
    """Everything the HTML template renders."""

    title: str
    zone: str
    records: int
    backend: str
    first_day: dt.date | None
    last_day: dt.date | None
    total_findings: int
    kinds: tuple[KindRow, ...]
    dos: tuple[DosRow, ...]
    dos_clause: str
    dos_quote: str
    dos_remedy: str
    thresholds: dict
    jurisdictions: tuple[JurisdictionRow, ...]
    clause_quotes: dict[str, str]
    events: tuple
    first_findings: tuple[dict, ...]


def rule_for_clause(terms: Terms, clause: str) -> Term[Rule] | Term[bool] | None:
    """The Carrier Partner term cited as `clause` (a rule with a check first), or None."""
    cp = terms.carrier_partner
    if cp is None:
        return None
    rules = list(cp.rules.values())
    found: list[Term[Rule] | Term[bool]] = [r for r in rules if r.clause == clause]
    if cp.transit_compensation_to_clec.clause == clause:
        found.append(cp.transit_compensation_to_clec)
    return next((r for r in found if getattr(r.value, "check", None)), found[0] if found else None)


def _quotes(terms: Terms, clause: str) -> list[str]:
    """Every distinct quote of the Carrier Partner terms cited as `clause`."""
    cp = terms.carrier_partner
    if cp is None:
        return []
    terms_: list[Term[Rule] | Term[bool]] = [*cp.rules.values(), cp.transit_compensation_to_clec]
    return list(dict.fromkeys(t.quote for t in terms_ if t.clause == clause and t.quote))


def _kinds(findings: pa.Table, terms: Terms) -> tuple[KindRow, ...]:
    counts: dict[tuple[str, str], int] = {}
    if findings.num_rows:
        grouped = findings.group_by(["kind", "clause"]).aggregate([("kind", "count")])
        for row in grouped.to_pylist():
            counts[(row["kind"], row["clause"])] = row["kind_count"]
    order = {k: i for i, k in enumerate(FINDING_KINDS)}
    rows = []
    for (kind, clause), count in sorted(counts.items(), key=lambda kv: (order.get(kv[0][0], 99), kv[0])):
        rule = rule_for_clause(terms, clause)
        rows.append(KindRow(kind, clause, count, rule.quote if rule else "",
                            getattr(rule.value, "reference", None) if rule else None))
    return tuple(rows)


def _local(ts: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    return ts.astimezone(zone)


def _dos(windows: pa.Table, zone: ZoneInfo) -> tuple[DosRow, ...]:
    rows = sorted(windows.to_pylist(), key=lambda r: (r["window_start"], r["scope"], r["key"]))
    return tuple(DosRow(r["scope"], r["key"], _local(r["window_start"], zone), _local(r["window_end"], zone),
                        r["attempts"], r["answered"], r["short_calls"], r["attempts_per_second"],
                        r["short_call_ratio"], r["answer_seizure_ratio"], r["breached"], r["clause"]) for r in rows)


def _jurisdictions(comp: pa.Table) -> tuple[JurisdictionRow, ...]:
    if comp.num_rows == 0:
        return ()
    grouped = comp.group_by(["direction", "jurisdiction", "compensable", "clause"]).aggregate(
        [("calls", "sum"), ("conversation_tenths", "sum")])
    rows = [JurisdictionRow(r["direction"], r["jurisdiction"], int(r["calls_sum"] or 0),
                            (Decimal(int(r["conversation_tenths_sum"] or 0)) / _TENTHS_PER_MINUTE).quantize(Decimal("0.1")),
                            bool(r["compensable"]), r["clause"]) for r in grouped.to_pylist()]
    return tuple(sorted(rows, key=lambda r: (r.direction, r.jurisdiction, r.clause)))


def _days(check: TrafficCheck) -> tuple[dt.date | None, dt.date | None]:
    for table, column in ((check.findings, "call_date"), (check.message_counts, "call_date")):
        if table.num_rows:
            col = table.column(column)
            return pc.min(col).as_py(), pc.max(col).as_py()
    return None, None


def report_data(check: TrafficCheck, terms: Terms, *, title: str = "Carrier Partner traffic report",
                first_findings: int = 50) -> ReportData:
    """The report's content: findings by kind with clause and quote, DoS windows and remedy, minutes by jurisdiction."""
    zone_name = terms.calendar.timezone.value
    zone = ZoneInfo(zone_name)
    dos_rule = rule_for_clause(terms, "CPA.8")
    for term in (terms.carrier_partner.rules.values() if terms.carrier_partner else ()):
        if term.value.check == "dos":
            dos_rule = term
    thresholds = terms.carrier_partner.dos_thresholds if terms.carrier_partner else None
    jurisdictions = _jurisdictions(check.compensation)
    quotes = {clause: " … ".join(_quotes(terms, clause)) for clause in sorted({j.clause for j in jurisdictions})}
    findings = check.findings.sort_by([("connect_time", "ascending"), ("kind", "ascending")])
    first = tuple({**r, "connect_time": _local(r["connect_time"], zone) if r["connect_time"] else None}
                  for r in findings.slice(0, first_findings).to_pylist())
    first_day, last_day = _days(check)
    return ReportData(
        title=title, zone=zone_name, records=check.records, backend=check.backend,
        first_day=first_day, last_day=last_day, total_findings=check.findings.num_rows,
        kinds=_kinds(check.findings, terms), dos=_dos(check.dos_windows, zone),
        dos_clause=dos_rule.clause if dos_rule else "", dos_quote=dos_rule.quote if dos_rule else "",
        dos_remedy=(dos_rule.value.remedy or dos_rule.value.description) if dos_rule and isinstance(dos_rule.value, Rule) else "",
        thresholds=thresholds.value.model_dump() if thresholds else {},
        jurisdictions=jurisdictions, clause_quotes=quotes, events=tuple(check.events), first_findings=first,
    )
