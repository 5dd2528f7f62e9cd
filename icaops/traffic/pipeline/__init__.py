"""The Carrier Partner traffic pipeline: every call attributed, classified and checked (CPA.1-11).

Written once as Ibis expressions; DuckDB by default, the same code on PySpark.
See docs/traffic-pipeline.md.
"""

from icaops.traffic.pipeline.result import (
    COMPENSATION_SCHEMA,
    DOS_WINDOW_SCHEMA,
    FINDING_KINDS,
    FINDINGS_SCHEMA,
    MESSAGE_COUNT_SCHEMA,
    PER_MINUTE_SCHEMA,
    TrafficCheck,
)
from icaops.traffic.pipeline.run import check_traffic, classify_calls, connect

__all__ = [
    "COMPENSATION_SCHEMA",
    "DOS_WINDOW_SCHEMA",
    "FINDINGS_SCHEMA",
    "FINDING_KINDS",
    "MESSAGE_COUNT_SCHEMA",
    "PER_MINUTE_SCHEMA",
    "TrafficCheck",
    "check_traffic",
    "classify_calls",
    "connect",
]
