"""Everything a scenario file can use, put together from each domain's tables.

The foundation (kinds.py), billing (billing_kinds.py) and traffic (traffic_kinds.py) each
define their kinds, state queries and event types as literal tables; nothing registers
itself on import. A new domain adds its tables here.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from .billing_kinds import BILLING_EVENT_TYPES, BILLING_QUERIES
from .context import Handler, StateQuery
from .kinds import FOUNDATION_EVENTS, FOUNDATION_KINDS, state_kind
from .maintenance_kinds import MAINTENANCE_EVENTS, MAINTENANCE_KINDS, MAINTENANCE_QUERIES
from .obligations_kinds import OBLIGATION_EVENTS, OBLIGATION_KINDS
from .orders_kinds import ORDER_EVENTS, ORDER_QUERIES
from .records_kinds import RECORDS_EVENT_TYPES, RECORDS_QUERIES
from .traffic_kinds import TRAFFIC_EVENTS, TRAFFIC_QUERIES

__all__ = ["EXPECTATION_KINDS", "KNOWN_EVENT_TYPES", "STATE_QUERIES"]

STATE_QUERIES: Mapping[str, StateQuery] = MappingProxyType(
    {**BILLING_QUERIES, **TRAFFIC_QUERIES, **MAINTENANCE_QUERIES, **RECORDS_QUERIES, **ORDER_QUERIES}
)
"""`state:` queries by the first segment of their name; other names go to the lifecycle."""

EXPECTATION_KINDS: Mapping[str, Handler] = MappingProxyType(
    {**FOUNDATION_KINDS, "state": state_kind(STATE_QUERIES), **MAINTENANCE_KINDS, **OBLIGATION_KINDS}
)
"""How each kind of `expect:` entry is computed, by kind."""

KNOWN_EVENT_TYPES: frozenset[str] = frozenset(
    FOUNDATION_EVENTS
    + BILLING_EVENT_TYPES
    + TRAFFIC_EVENTS
    + MAINTENANCE_EVENTS
    + RECORDS_EVENT_TYPES
    + ORDER_EVENTS
    + OBLIGATION_EVENTS
)
"""Event types some part of the system reads; a scenario using another (or a priced trigger) is an error."""
