"""The CPNI fold: one handler per event type, `(state, event, deadlines) -> (state, errors)`.

Events (docs/scenarios.md, "Customer records and CPNI"): `cpni.blanket_loa_filed`,
`cpni.blanket_loa_withdrawn`, `cpni.authorization_recorded`, `cpni.authorization_withdrawn`,
`csr.requested` (a CSR search: granted, it derives the priced `csr.searched`), `cpni.accessed`
(any other read of customer information, by any role) and `dvf.requested`. A refused request
keeps the state's facts unchanged but is recorded (`refused`, and as an access record when it
was a read), so an audit sees every attempt (VI.8.4.4).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import replace
from types import MappingProxyType

from ..calendar.deadlines import Deadlines
from ..relationship.events import Event
from .access import ILEC, INFORMATION_KINDS, ROLES, may_read
from .errors import Code, CpniError, cpni_error
from .model import Access, Authorization, CpniState, DvfRequest, LoaPeriod

__all__ = ["CPNI_EVENTS", "DVF_FILES", "csr_channels", "fold"]

Outcome = tuple[CpniState, tuple[CpniError, ...]]
Handler = Callable[[CpniState, Event, Deadlines], Outcome]

DVF_FILES: tuple[str, ...] = (
    "street_address_guide",
    "feature_availability_by_switch",
    "directory_names",
    "class_of_service_codes",
    "community_names",
    "yellow_page_headings",
    "pic_lpic",
)
"""The Data Validation Files of VI.8.5.1.1-8.5.1.7."""

AUTHORIZATION_SCOPES: tuple[str, ...] = ("release_of_cpni", "change_of_provider")
"""What an End User Customer authorises (VI.8.4.2, III.29.1.1)."""


def csr_channels(dl: Deadlines) -> tuple[str, ...]:
    """The channels a CSR search is priced by: the `channel` of each price triggered by `csr.searched` (VIII)."""
    found = [
        str(t.value.trigger.get("channel"))
        for t in dl.terms.prices.values()
        if t.value.trigger and t.value.trigger.get("event") == "csr.searched" and t.value.trigger.get("channel")
    ]
    return tuple(dict.fromkeys(found))


def _missing(e: Event, *fields: str) -> tuple[CpniError, ...]:
    for name in fields:
        if e.get(name) in (None, ""):
            return (cpni_error(Code.FIELD_MISSING, e, name, "this field to be present"),)
    return ()


def _refuse(state: CpniState, err: CpniError, access: Access | None = None) -> Outcome:
    accesses = state.accesses + ((replace(access, granted=False, code=err.code.value),) if access else ())
    return replace(state, refused=MappingProxyType({**state.refused, err.event: err}), accesses=accesses), (err,)


def _loa_filed(state: CpniState, e: Event, dl: Deadlines) -> Outcome:
    if err := _missing(e, "account"):
        return state, err
    account = str(e.get("account"))
    if state.loa_on_file(account, e.date):
        return state, ()
    return replace(state, loas=state.loas + (LoaPeriod(account, e.date),)), ()


def _loa_withdrawn(state: CpniState, e: Event, dl: Deadlines) -> Outcome:
    if err := _missing(e, "account"):
        return state, err
    account = str(e.get("account"))
    loas = tuple(replace(p, end=e.date) if p.account == account and p.end is None else p for p in state.loas)
    return replace(state, loas=loas), ()


def _authorization(state: CpniState, e: Event, dl: Deadlines) -> Outcome:
    if err := _missing(e, "account", "wtn"):
        return state, err
    scope = str(e.get("scope") or "release_of_cpni")
    if scope not in AUTHORIZATION_SCOPES:
        return state, (cpni_error(Code.KIND_INVALID, e, "scope", f"one of {', '.join(AUTHORIZATION_SCOPES)}"),)
    auth = Authorization(e.id, str(e.get("account")), str(e.get("wtn")), scope, e.date)
    return replace(state, authorizations=MappingProxyType({**state.authorizations, e.id: auth})), ()


def _authorization_withdrawn(state: CpniState, e: Event, dl: Deadlines) -> Outcome:
    if err := _missing(e, "refers_to"):
        return state, err
    ref = str(e.get("refers_to"))
    auth = state.authorizations.get(ref)
    if auth is None:
        known = ", ".join(state.authorizations) or "none"
        return state, (
            cpni_error(Code.AUTHORIZATION_UNKNOWN, e, "refers_to", f"an authorisation's id (known: {known})"),
        )
    withdrawn = replace(auth, withdrawn_on=e.date)
    return replace(state, authorizations=MappingProxyType({**state.authorizations, ref: withdrawn})), ()


def _authorization_problem(state: CpniState, e: Event, account: str, wtn: str) -> str | None:
    """Why the request's `authorization` does not authorise this search, or None if it does."""
    ref = e.get("authorization")
    if ref is None:
        return "no End User authorisation named (give `authorization`, the id of a cpni.authorization_recorded)"
    auth = state.authorizations.get(str(ref))
    if auth is None:
        return f"authorisation {ref} is not on record"
    if (auth.account, auth.wtn) != (account, wtn):
        return f"authorisation {ref} is {auth.account}'s for {auth.wtn}, not {account}'s for {wtn}"
    if not auth.valid_on(e.date):
        when = "recorded later" if auth.recorded_on > e.date else f"withdrawn on {auth.withdrawn_on}"
        return f"authorisation {ref} was {when}"
    return None


def _csr_requested(state: CpniState, e: Event, dl: Deadlines) -> Outcome:
    if err := _missing(e, "account", "wtn", "channel"):
        return state, err
    account, wtn, channel = str(e.get("account")), str(e.get("wtn")), str(e.get("channel"))
    channels = csr_channels(dl)
    if channel not in channels:
        return state, (cpni_error(Code.CHANNEL_INVALID, e, "channel", f"one of {', '.join(channels)} (VIII)"),)
    ordering = dl.terms.ordering
    loa = state.loa_on_file(account, e.date)
    access = Access(
        e.id, e.date, account, wtn, str(e.get("actor") or account), "clec_user", account,
        "customer_record", e.get("authorization"), loa, True,
    )  # fmt: skip
    need_loa = ordering.blanket_loa_required_for_cpni
    if need_loa.value and not loa:
        expected = f"a Blanket Letter of Authorization of {account} on file on {e.date.isoformat()}"
        return _refuse(state, cpni_error(Code.BLANKET_LOA_MISSING, e, "account", expected, need_loa.clause), access)
    need_auth = ordering.csr_search_requires_loa
    problem = _authorization_problem(state, e, account, wtn)
    if need_auth.value and problem:
        refusal = cpni_error(Code.AUTHORIZATION_MISSING, e, "authorization", problem, need_auth.clause)
        return _refuse(state, refusal, access)
    searched = Event(
        f"{e.id}:csr.searched", e.date, "csr.searched", (("account", account), ("channel", channel)), seq=e.seq
    )
    return replace(state, accesses=state.accesses + (access,), emitted=state.emitted + (searched,)), ()


def _accessed(state: CpniState, e: Event, dl: Deadlines) -> Outcome:
    if err := _missing(e, "account", "actor", "role"):
        return state, err
    role, kind = str(e.get("role")), str(e.get("kind") or "customer_record")
    if role not in ROLES:
        return state, (cpni_error(Code.ROLE_INVALID, e, "role", f"one of {', '.join(ROLES)}"),)
    if kind not in INFORMATION_KINDS:
        return state, (cpni_error(Code.KIND_INVALID, e, "kind", f"one of {', '.join(INFORMATION_KINDS)}"),)
    account = str(e.get("account"))
    default_org = account if role.startswith("clec_") else ILEC
    organisation = str(e.get("organisation") or default_org)
    access = Access(
        e.id, e.date, account, str(e.get("wtn") or ""), str(e.get("actor")), role, organisation, kind,
        e.get("authorization"), state.loa_on_file(account, e.date), True,
    )  # fmt: skip
    verdict = may_read(role, organisation, account, kind)
    if not verdict.value:
        step = verdict.steps[-1]
        return _refuse(state, cpni_error(Code.READ_NOT_ALLOWED, e, "role", step.text, step.clause or ""), access)
    return replace(state, accesses=state.accesses + (access,)), ()


def quarter_start(day: dt.date) -> dt.date:
    """The first day of `day`'s calendar quarter (reading data-validation-quarter)."""
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _dvf_requested(state: CpniState, e: Event, dl: Deadlines) -> Outcome:
    if err := _missing(e, "account", "file"):
        return state, err
    account, file = str(e.get("account")), str(e.get("file"))
    if file not in DVF_FILES:
        return state, (cpni_error(Code.FILE_INVALID, e, "file", f"one of {', '.join(DVF_FILES)} (VI.8.5.1)"),)
    limit, counted = (
        dl.terms.ordering.data_validation_files_per_quarter,
        dl.terms.ordering.data_validation_files_counted,
    )
    start = quarter_start(e.date)
    same = [
        d
        for d in state.dvfs
        if d.account == account and quarter_start(d.on) == start and (counted.value == "any_file" or d.file == file)
    ]
    if len(same) >= limit.value:
        what = "Data Validation File" if counted.value == "any_file" else f"{file} file"
        expected = f"at most {limit.value} {what} a quarter; {account} obtained {', '.join(d.event_id for d in same)} in the quarter from {start.isoformat()}"
        return _refuse(state, cpni_error(Code.DVF_LIMIT_REACHED, e, "file", expected, limit.clause))
    return replace(state, dvfs=state.dvfs + (DvfRequest(e.id, account, file, e.date),)), ()


CPNI_EVENTS: Mapping[str, Handler] = MappingProxyType(
    {
        "cpni.blanket_loa_filed": _loa_filed,
        "cpni.blanket_loa_withdrawn": _loa_withdrawn,
        "cpni.authorization_recorded": _authorization,
        "cpni.authorization_withdrawn": _authorization_withdrawn,
        "csr.requested": _csr_requested,
        "cpni.accessed": _accessed,
        "dvf.requested": _dvf_requested,
    }
)
"""One handler per CPNI event type."""


def fold(events: tuple[Event, ...], dl: Deadlines) -> tuple[CpniState, tuple[CpniError, ...]]:
    """The CPNI state after the events (in log order) and every error; events of other domains are skipped."""
    state = CpniState()
    errors: list[CpniError] = []
    for e in events:
        handler = CPNI_EVENTS.get(e.type)
        if handler is not None:
            state, errs = handler(state, e, dl)
            errors.extend(errs)
    return state, tuple(errors)
