"""The checks prepared once for a backend: parameters from the terms, lookup tables, compiled queries.

`prepare_checks` does everything that depends on the terms, the reference data, the registry and
the backend but not on the calls: reading the parameters, building the lookup tables and, on
DuckDB, compiling the three queries to SQL (`compiled.py`). The `TrafficChecks` it returns is then
handed to `check_traffic` / `classify_calls` for any number of calls tables on that backend.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType

import ibis
import ibis.expr.types as ir
import pyarrow as pa
from ibis.backends import BaseBackend

from icaops.terms.schema import Terms
from icaops.traffic.pipeline import compiled, lookups
from icaops.traffic.pipeline.backends import arrow_transfers
from icaops.traffic.pipeline.enrich import clec_code, enrich
from icaops.traffic.pipeline.numbering import NumberingFacts, numbering_facts
from icaops.traffic.pipeline.onepass import flagged_calls, one_pass, window_counts
from icaops.traffic.pipeline.params import CheckParams, params_from_terms
from icaops.traffic.providers import ProviderRegistry
from icaops.traffic.reference import ReferenceData

__all__ = ["TrafficChecks", "prepare_checks"]


@dataclass(frozen=True, slots=True)
class TrafficChecks:
    """The checks for one set of terms, reference data, registry (as of a date) and CLEC OCN, on one backend.

    `sql` holds the queries compiled to DuckDB SQL, or None where Ibis compiles them per run
    (other backends, or `compile_sql=False`). `lookups` holds `numbers`, `ocns`, `auth` (joined to
    the calls) and `providers` (provider codes back to names).
    """

    params: CheckParams
    zone: str
    clec_ocn: str | None
    lookups: Mapping[str, pa.Table]
    con: BaseBackend
    sql: compiled.DuckdbQueries | None
    numbering: NumberingFacts | None = None  # what the numbering data proves or cannot tell (CPA.7, 9, 1.4)

    def enriched(self, calls: ir.Table, tables: Mapping[str, ir.Table] | None = None) -> ir.Table:
        """`calls` enriched against `tables` (unbound tables), else the lookup tables in memory."""
        lk = tables or {name: ibis.memtable(self.lookups[name]) for name in ("numbers", "ocns", "auth")}
        return enrich(calls, lk["numbers"], lk["ocns"], lk["auth"], self.params, self.clec_ocn)


def prepare_checks(
    terms: Terms,
    reference: ReferenceData,
    registry: ProviderRegistry,
    con: BaseBackend,
    *,
    as_of: dt.date | None = None,
    clec_ocn: str | None = None,
    compile_sql: bool = True,
) -> TrafficChecks:
    """The checks under `terms` (already resolved to the date wanted) on the backend `con`.

    `as_of` leaves out registry facts dated after it. `clec_ocn`, when given, attributes every call
    to that OCN (CPA.2/4/6) instead of reading it from the records. On DuckDB the queries are
    compiled to SQL here, once, unless `compile_sql` is False (then Ibis runs them, as on PySpark).
    """
    registry = registry if as_of is None else ProviderRegistry.from_facts(f for f in registry.facts if f.on <= as_of)
    clec_code(clec_ocn)  # refuses an OCN that is not one before anything is built
    look = MappingProxyType(
        {
            "numbers": lookups.numbers_table(reference, registry),
            "ocns": lookups.provider_ocns_table(registry),
            "auth": lookups.authorization_table(registry),
            "providers": lookups.providers_table(registry),
        }
    )
    params = params_from_terms(terms)
    facts = numbering_facts(reference, registry, params, clec_ocn)
    checks = TrafficChecks(params, terms.calendar.timezone.value, clec_ocn, look, arrow_transfers(con), None, facts)
    if not compile_sql or con.name != "duckdb":
        return checks
    sql = compiled.compile_duckdb(
        look,
        checks.enriched,
        lambda e, calls: one_pass(e, calls, params),
        flagged_calls,
        lambda calls, hot, enriched: window_counts(calls, hot, enriched, params),
    )
    return replace(checks, sql=sql)
