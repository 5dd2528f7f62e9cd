"""The Carrier Partner traffic pipeline: every call attributed, classified and checked (CPA.1-11).

Written once as Ibis expressions; DuckDB by default, the same code on PySpark.
See docs/traffic-pipeline.md. In use:

    con = connect("duckdb")
    checks = prepare_checks(terms, reference, registry, con, as_of=day, clec_ocn=ocn)
    result = check_traffic(calls_from_parquet(con, "day/*.parquet"), checks)
"""

from icaops.traffic.pipeline.backends import connect
from icaops.traffic.pipeline.calls import CALLS_SCHEMA, calls_from_arrow, calls_from_parquet
from icaops.traffic.pipeline.checks import TrafficChecks, prepare_checks
from icaops.traffic.pipeline.result import (
    COMPENSATION_SCHEMA,
    DOS_WINDOW_SCHEMA,
    FINDING_KINDS,
    FINDINGS_SCHEMA,
    MESSAGE_COUNT_SCHEMA,
    PER_MINUTE_SCHEMA,
    TrafficCheck,
)
from icaops.traffic.pipeline.run import CLASSIFIED_SCHEMA, check_traffic, classify_calls

__all__ = [
    "CALLS_SCHEMA",
    "CLASSIFIED_SCHEMA",
    "COMPENSATION_SCHEMA",
    "DOS_WINDOW_SCHEMA",
    "FINDINGS_SCHEMA",
    "FINDING_KINDS",
    "MESSAGE_COUNT_SCHEMA",
    "PER_MINUTE_SCHEMA",
    "TrafficCheck",
    "TrafficChecks",
    "calls_from_arrow",
    "calls_from_parquet",
    "check_traffic",
    "classify_calls",
    "connect",
    "prepare_checks",
]
