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
from ..directory import fold as directory_fold
from ..directory import queries as directory_queries
from ..directory.errors import INPUT_CODES as DIRECTORY_INPUT_CODES
from ..explain import Explained
from .context import Answer, Context, StateQuery

__all__ = ["RECORDS_EVENT_TYPES", "RECORDS_QUERIES"]


def _cpni_state(ctx: Context, name: str, on: dt.date) -> Answer:
    dl = ctx.deadlines(on)
    state, errors = ctx.memo.get(("cpni", on), lambda: cpni_fold.fold(ctx.events, dl))
    wrong = tuple(e for e in errors if e.code in CPNI_INPUT_CODES)
    return Answer(cpni_queries.query(state, name, on, dl), wrong)


def _directory(ctx: Context, on: dt.date) -> Answer:
    dl = ctx.deadlines(on)
    upto = tuple(e for e in ctx.events if e.date <= on)
    state, errors = ctx.memo.get(("directory", on), lambda: directory_fold.fold(upto, dl))
    wrong = tuple(e for e in errors if e.code in DIRECTORY_INPUT_CODES)
    return Answer(Explained(state), wrong)


def _book_state(ctx: Context, name: str, on: dt.date) -> Answer:
    folded = _directory(ctx, on)
    return Answer(directory_queries.query_book(folded.explained.value, name, on, ctx.deadlines(on)), folded.errors)


def _listings_state(ctx: Context, name: str, on: dt.date) -> Answer:
    folded = _directory(ctx, on)
    return Answer(directory_queries.query_listings(folded.explained.value, name, on, ctx.deadlines(on)), folded.errors)


RECORDS_QUERIES: Mapping[str, StateQuery] = MappingProxyType(
    {"cpni": _cpni_state, "directory": _book_state, "listings": _listings_state}
)
"""State queries by the first segment of their name."""

RECORDS_EVENT_TYPES: tuple[str, ...] = tuple(cpni_fold.CPNI_EVENTS) + tuple(directory_fold.DIRECTORY_EVENTS)
"""Event types the CPNI and directory folds read."""
