"""State queries of the CPNI fold, `cpni.ACCOUNT.QUERY` (docs/scenarios.md), each explained.

The audit (VI.8.4.4) is a query over the fold: every access record of the account up to the
as-of date, each with the authorisation it was made under and whether a Blanket LOA was on file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from ..calendar.deadlines import Deadlines
from ..explain import Explained, Step
from .fold import quarter_start
from .model import Access, CpniState

__all__ = ["QUERIES", "audit", "query"]


def _accesses(state: CpniState, account: str, on: dt.date) -> tuple[Access, ...]:
    return tuple(a for a in state.accesses if a.account == account and a.on <= on)


def _describe(a: Access) -> str:
    outcome = "granted" if a.granted else f"refused ({a.code})"
    auth = a.authorization or "no authorisation named"
    loa = "Blanket LOA on file" if a.blanket_loa else "no Blanket LOA on file"
    return f"{a.on.isoformat()} {a.event_id}: {a.actor} ({a.role}) read {a.kind} {a.wtn or ''} under {auth}, {loa}: {outcome}"


def audit(state: CpniState, account: str, on: dt.date) -> Explained[list[dict[str, Any]]]:
    """Every access to `account`'s customer information up to `on`, each with its authorisation (VI.8.3.2, VI.8.4.4)."""
    found = _accesses(state, account, on)
    rows = [
        {
            "access": a.event_id,
            "date": a.on.isoformat(),
            "actor": a.actor,
            "role": a.role,
            "wtn": a.wtn,
            "authorization": a.authorization,
            "blanket_loa": a.blanket_loa,
            "granted": a.granted,
        }
        for a in found
    ]
    steps: tuple[Step, ...] = (
        Step(f"{len(found)} access record(s) of {account}'s customer information up to {on.isoformat()}", "VI.8.3.2"),
    )
    steps += tuple(Step(_describe(a), "VI.8.4.4") for a in found)
    return Explained(rows, steps)


def _count(pick: Callable[[Access], bool], what: str) -> Callable[[CpniState, str, dt.date, Deadlines], Explained[Any]]:
    def answer(state: CpniState, account: str, on: dt.date, dl: Deadlines) -> Explained[Any]:
        found = [a for a in _accesses(state, account, on) if pick(a)]
        steps = tuple(Step(_describe(a), "VI.8.3.2") for a in found)
        return Explained(len(found), (*steps, Step(f"{len(found)} {what} up to {on.isoformat()}", "VI.8.3.2")))

    return answer


def _blanket_loa(state: CpniState, account: str, on: dt.date, dl: Deadlines) -> Explained[bool]:
    ok = state.loa_on_file(account, on)
    term = dl.terms.ordering.blanket_loa_required_for_cpni
    text = "on file" if ok else "not on file"
    return Explained(
        ok, (Step(f"{account}'s Blanket Letter of Authorization on {on.isoformat()}: {text}", term.clause),)
    )


def _csr_searches(state: CpniState, account: str, on: dt.date, dl: Deadlines) -> Explained[int]:
    found = [e for e in state.emitted if e.type == "csr.searched" and e.get("account") == account and e.date <= on]
    steps = tuple(
        Step(f"{e.id} on {e.date.isoformat()}: a Customer Record Search, channel {e.get('channel')}", "VIII")
        for e in found
    )
    return Explained(
        len(found), (*steps, Step(f"{len(found)} CSR search charge(s) derived up to {on.isoformat()}", "VIII"))
    )


def _dvf_remaining(state: CpniState, account: str, on: dt.date, dl: Deadlines) -> Explained[int]:
    limit, counted = (
        dl.terms.ordering.data_validation_files_per_quarter,
        dl.terms.ordering.data_validation_files_counted,
    )
    start = quarter_start(on)
    used = [d for d in state.dvfs if d.account == account and quarter_start(d.on) == start and d.on <= on]
    if counted.value == "per_file":
        # per file, the remaining count is the least of the files: a file obtained uses up its own allowance
        by_file: dict[str, int] = {}
        for d in used:
            by_file[d.file] = by_file.get(d.file, 0) + 1
        taken = max(by_file.values(), default=0)
    else:
        taken = len(used)
    left = max(limit.value - taken, 0)
    return Explained(
        left,
        (
            Step(
                f"quarter from {start.isoformat()} (reading data-validation-quarter, counted {counted.value})",
                counted.clause,
            ),
            Step(f"{taken} obtained of at most {limit.value}: {left} left", limit.clause),
        ),
    )


QUERIES: Mapping[str, Callable[[CpniState, str, dt.date, Deadlines], Explained[Any]]] = MappingProxyType(
    {
        "blanket_loa": _blanket_loa,
        "accesses": _count(lambda a: True, "access record(s)"),
        "refused_accesses": _count(lambda a: not a.granted, "refused access(es)"),
        "audit": lambda s, account, on, dl: audit(s, account, on),
        "csr_searches": _csr_searches,
        "dvf_remaining": _dvf_remaining,
    }
)
"""`cpni.ACCOUNT.NAME` queries by NAME; `cpni.ACCOUNT.refused.EVENT` is answered by `query`."""


def query(state: CpniState, name: str, on: dt.date, dl: Deadlines) -> Explained[Any]:
    """Answer `cpni.ACCOUNT.QUERY` as of `on`; KeyError naming the known queries otherwise."""
    parts = name.split(".")
    if len(parts) == 3 and parts[2] in QUERIES:
        return QUERIES[parts[2]](state, parts[1], on, dl)
    if len(parts) == 4 and parts[2] == "refused":
        err = state.refused.get(parts[3])
        if err is None:
            return Explained(None, (Step(f"event {parts[3]} was not refused", None),))
        return Explained(
            err.code.value, (Step(f"{err.event}: {err.field}: expected {err.expected}", err.clause or None),)
        )
    known = ", ".join([*(f"cpni.ACCOUNT.{q}" for q in QUERIES), "cpni.ACCOUNT.refused.EVENT"])
    raise KeyError(f"unknown state query {name!r}; known: {known}")
