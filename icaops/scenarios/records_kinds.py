"""Customer-record (CPNI) and directory-listing events and their `cpni.…` / `listings.…` /
`directory.…` state queries for scenario files.

Each fold runs once per scenario run (the context's memo) over the whole log, with the terms of
the as-of date; a query answers as of its `on` date. Only errors that mean the log is wrong are
reported as the scenario's errors; the agreement's refusals are state, asked for with
`….refused.EVENT`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from types import MappingProxyType

from ..cpni import fold as cpni_fold
from ..cpni import queries as cpni_queries
from ..cpni.errors import INPUT_CODES as CPNI_INPUT_CODES
from .context import Answer, Context, StateQuery

__all__ = ["RECORDS_EVENT_TYPES", "RECORDS_QUERIES"]


def _cpni_state(ctx: Context, name: str, on: dt.date) -> Answer:
    dl = ctx.deadlines(on)
    state, errors = ctx.memo.get(("cpni", on), lambda: cpni_fold.fold(ctx.events, dl))
    wrong = tuple(e for e in errors if e.code in CPNI_INPUT_CODES)
    return Answer(cpni_queries.query(state, name, on, dl), wrong)


RECORDS_QUERIES: Mapping[str, StateQuery] = MappingProxyType({"cpni": _cpni_state})
"""State queries by the first segment of their name."""

RECORDS_EVENT_TYPES: tuple[str, ...] = tuple(cpni_fold.CPNI_EVENTS)
"""Event types the CPNI and directory folds read."""
