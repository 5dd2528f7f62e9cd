"""Customer records and what surrounds them: a Customer Service Record search under the End
User's authorisation (refused with its clause, VI.8.4.x), the CPNI access log for CenturyLink's
operations and the auditor (VI.8.3.2, VI.8.4.4), the directory listings (Article VII) and the
audit log (ILEC and auditor). Retail sales reach none (IV.8.5)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from ..app.audit import audit_page, customer_read
from ..app.errors import UserError
from ..app.gateway.cpni import accesses_page, cpni_state, dvf_remaining, dvfs_of
from ..app.gateway.reads import page
from ..app.gateway.requests import body_of, customer_record
from ..app.identity import authorise
from ..calendar.deadlines import Deadlines
from ..cpni import event_schemas as schemas
from ..cpni.fold import AUTHORIZATION_SCOPES, csr_channels
from .actions import perform
from .core import PAGE_SIZE, Portal, PortalDep, PostedDep, Session, SessionDep, after_of, cursor_of, render, tenants_of
from .forms import form_fields, parse_form

__all__ = ["router"]

router = APIRouter()

CsrForm = body_of(schemas.CsrRequested, "PortalCsr", drop=("actor",))
LoaForm = body_of(schemas.BlanketLoaFiled, "PortalLoa")
AuthorizationForm = body_of(schemas.AuthorizationRecorded, "PortalAuthorization")
DvfForm = body_of(schemas.DvfRequested, "PortalDvf")
AUDIT_KEY = "audit"


def _scale(portal: Portal) -> int:
    return int(portal.agreement.terms.money.scale.value)


def _channels(portal: Portal) -> tuple[str, ...]:
    """The channels a CSR search is priced by (VIII): a search names one of them."""
    return csr_channels(Deadlines(portal.agreement.terms_at(portal.today())))


def _on_file(portal: Portal, account: str) -> tuple[bool, list[Any]]:
    """Whether the account's Blanket LOA is on file today (VI.8.4.1), and its End Users'
    authorisations (VI.8.4.2), newest first."""
    state = cpni_state(portal.engine, portal.agreement, account, portal.today())
    on = portal.today()
    loa = any(p.covers(on) for p in state.get("loas", ()) if p.account == account)
    auths = [a for a in state.get("authorizations", {}).values() if a.account == account]
    return loa, sorted(auths, key=lambda a: (a.recorded_on, a.id), reverse=True)


def _csr_page(
    request: Request, portal: Portal, session: Session, values: Mapping[str, Any], status: int = 200, **more: Any
) -> Response:
    accounts = sorted(session.actor.accounts)
    account = str(values.get("account") or request.query_params.get("account") or (accounts[0] if accounts else ""))
    if account:
        authorise(session.actor, "csr.read", account)
    loa, auths = _on_file(portal, account) if account else (False, [])
    # the End Users' authorisations shown (VI.8.4.2): a read of their information (VI.8.3.2)
    customer_read(portal.engine, session.actor, "cpniAuthorization", [f"{account}/{a.id}" for a in auths])
    return render(
        request, "csr.html", session, status=status, accounts=accounts, values=values, account=account,
        channels=_channels(portal), refusals=more.get("refusals", ()), problems=more.get("problems", ()),
        record=more.get("record"), event=more.get("event", ""), loa=loa, authorizations=auths,
        scopes=AUTHORIZATION_SCOPES,
        done_name=request.query_params.get("done", ""),
        dvf_fields=form_fields(DvfForm, values if more.get("form") == "dvf" else {}, hidden=frozenset({"account"})),
        dvfs=dvfs_of(portal.engine, portal.agreement, account, portal.today()) if account else (),
        dvf_left=dvf_remaining(portal.engine, portal.agreement, account, portal.today()) if account else None,
        dvf_refusals=more.get("dvf_refusals", ()),
    )  # fmt: skip


@router.get("/csr")
def csr_form(request: Request, portal: PortalDep, session: SessionDep) -> Response:
    """The Customer Service Record search form (II.2.26, VI.8.4.1, VI.8.4.2), whether the Blanket
    LOA is on file, and the End Users' authorisations on the CLEC's records."""
    authorise(session.actor, "csr.search", request.query_params.get("account") or None)
    return _csr_page(request, portal, session, {})


def _recorded(request: Request, account: str, done: str) -> Response:
    base = request.scope.get("root_path", "")
    return RedirectResponse(f"{base}/csr?account={quote(account)}&done={quote(done)}", status_code=303)


@router.post("/csr/loa")
def file_loa(request: Request, portal: PortalDep, posted: PostedDep) -> Response:
    """File the CLEC's Blanket Letter of Authorization (VI.8.4.1, III.29.1): a CLEC admin's."""
    account = posted.get("account")
    authorise(posted.actor, "cpni.loa", account or None)
    data, problems = parse_form(LoaForm, {}, _scale(portal), fixed={"account": account})
    if data is None:
        return _csr_page(request, portal, posted.session, posted.form, 422, problems=problems)
    done = perform(portal, posted, "/csr/loa", account, "cpni.blanket_loa_filed", data, f"blanketLoa/{account}")
    if done.refusals:  # one already on file changes nothing and is not recorded again: not a refusal
        return _csr_page(request, portal, posted.session, posted.form, 422, refusals=done.refusals)
    return _recorded(request, account, "Blanket LOA on file")


@router.post("/csr/authorizations")
def record_authorization(request: Request, portal: PortalDep, posted: PostedDep) -> Response:
    """Record an End User's authorisation, kept on the CLEC's records (VI.8.4.2); its id is the
    reference a search names."""
    authorise(posted.actor, "csr.search", posted.get("account") or None)
    data, problems = parse_form(AuthorizationForm, posted.form, _scale(portal))
    if data is None:
        return _csr_page(request, portal, posted.session, posted.form, 422, problems=problems)
    account, wtn = str(data["account"]), str(data["wtn"])
    authorise(posted.actor, "csr.search", account)
    done = perform(
        portal, posted, "/csr/authorizations", account, "cpni.authorization_recorded", data,
        f"cpniAuthorization/{account}/{wtn}",
    )  # fmt: skip
    if done.refused:
        return _csr_page(request, portal, posted.session, posted.form, 422, refusals=done.refusals)
    return _recorded(request, account, f"authorisation {done.event} recorded")


@router.post("/csr/authorizations/{ref}/withdraw")
def withdraw_authorization(ref: str, request: Request, portal: PortalDep, posted: PostedDep) -> Response:
    """The End User withdrew an authorisation (VI.8.4.2): searches under it stop."""
    account = posted.get("account")
    authorise(posted.actor, "csr.search", account or None)
    data = {"account": account, "refers_to": ref}
    done = perform(
        portal, posted, f"/csr/authorizations/{ref}/withdraw", account, "cpni.authorization_withdrawn", data,
        f"cpniAuthorization/{account}/{ref}",
    )  # fmt: skip
    if done.refused:
        return _csr_page(request, portal, posted.session, posted.form, 422, refusals=done.refusals)
    return _recorded(request, account, f"authorisation {ref} withdrawn")


@router.post("/csr/dvf")
def request_dvf(request: Request, portal: PortalDep, posted: PostedDep) -> Response:
    """Request a Data Validation File (VI.8.5.1): at most as often as VI.8.5.2 allows (once a
    quarter), a refusal shown with its clause."""
    account = posted.get("account")
    authorise(posted.actor, "dvf.request", account or None)
    data, problems = parse_form(DvfForm, posted.form, _scale(portal), fixed={"account": account})
    if data is None:
        return _csr_page(request, portal, posted.session, posted.form, 422, problems=problems, form="dvf")
    authorise(posted.actor, "dvf.request", account)
    done = perform(
        portal, posted, "/csr/dvf", account, "dvf.requested", data, f"dataValidationFile/{account}/{data['file']}"
    )  # fmt: skip
    if done.refused:
        return _csr_page(request, portal, posted.session, posted.form, 422, dvf_refusals=done.refusals, form="dvf")
    return _recorded(request, account, f"Data Validation File {data['file']} requested")


@router.post("/csr")
def csr_search(request: Request, portal: PortalDep, posted: PostedDep) -> Response:
    """Search a Customer Service Record: needs the Blanket LOA on file (VI.8.4.1) and the End User's
    authorisation in force (VI.8.4.2); granted or refused, it is kept with its authorisation (VI.8.3.2)."""
    authorise(posted.actor, "csr.search", posted.get("account") or None)
    data, problems = parse_form(CsrForm, posted.form, _scale(portal))
    if data is None:
        return _csr_page(request, portal, posted.session, posted.form, 422, problems=problems)
    account, wtn = str(data["account"]), str(data["wtn"])
    authorise(posted.actor, "csr.search", account)
    data = {**data, "actor": posted.actor.user_id}  # who searched is who signs in, never the form's say
    # Looked up before the search is recorded; disclosed only if the domain grants it.
    found = customer_record(portal.engine, portal.agreement, account, wtn, portal.today())
    authorization = str(data["authorization"]) if data.get("authorization") else None
    done = perform(
        portal, posted, "/csr", account, "csr.requested", data, f"csrInquiry/{account}/{wtn}",
        authorization=authorization,
    )  # fmt: skip
    if done.refused:
        return _csr_page(request, portal, posted.session, posted.form, 422, refusals=done.refusals)
    return _csr_page(request, portal, posted.session, posted.form, record=found, event=done.event)


@router.get("/cpni-access")
def cpni_access(
    request: Request,
    portal: PortalDep,
    session: SessionDep,
    account: Annotated[str, Query(max_length=40)] = "",
    since: Annotated[dt.date | None, Query()] = None,
    cursor: Annotated[str, Query(max_length=600)] = "",
) -> Response:
    """Every access to a CLEC's customer information with its authorisation (VI.8.3.2, VI.8.4.4)."""
    items = accesses_page(
        portal.engine, portal.agreement, session.actor, portal.today(), account or None, since, after_of(cursor),
        PAGE_SIZE,
    )  # fmt: skip
    return render(
        request, "cpni_access.html", session, accesses=[a for _, _, a in items], account=account,
        since=since.isoformat() if since else "", next_cursor=cursor_of(items),
    )  # fmt: skip


@router.get("/listings")
def listings(
    request: Request,
    portal: PortalDep,
    session: SessionDep,
    account: Annotated[str, Query(max_length=40)] = "",
    status: Annotated[str, Query(pattern="^(active|deleted|)$")] = "",
    cursor: Annotated[str, Query(max_length=600)] = "",
) -> Response:
    """Directory listings of the End Users (a CLEC sees its own; Article VII)."""
    authorise(session.actor, "listings.read", account or None)
    items = page(
        portal.engine, portal.agreement, "directory", tenants_of(session.actor, account), "listings",
        portal.today(), status or None, after_of(cursor), PAGE_SIZE,
    )  # fmt: skip
    customer_read(portal.engine, session.actor, "directoryListing", [f"{t}/{k}" for t, k, _ in items])  # VI.8.3.2
    return render(
        request, "listings.html", session, listings=[v for _, _, v in items], account=account, listing_status=status,
        next_cursor=cursor_of(items), done=request.query_params.get("done", ""),
    )  # fmt: skip


@router.get("/audit")
def audit_log(
    request: Request,
    portal: PortalDep,
    session: SessionDep,
    actor: Annotated[str, Query(max_length=100)] = "",
    action: Annotated[str, Query(max_length=100)] = "",
    subject: Annotated[str, Query(max_length=300)] = "",
    cursor: Annotated[str, Query(max_length=600)] = "",
) -> Response:
    """The audit log, oldest first: every action and every read of customer information (VI.8.3.2)."""
    authorise(session.actor, "audit.read")
    after = after_of(cursor)
    if after is not None and (after[0] != AUDIT_KEY or not after[1].isdigit()):
        raise UserError("cursor: expected the link to the next page", code="invalid", field="cursor")
    entries = audit_page(
        portal.engine, actor=actor or None, action=action or None, subject=subject or None,
        after=int(after[1]) if after else None, limit=PAGE_SIZE,
    )  # fmt: skip
    keyed = [(AUDIT_KEY, str(e.id), e) for e in entries]
    return render(
        request, "audit.html", session, entries=entries, who=actor, action=action, subject=subject,
        next_cursor=cursor_of(keyed),
    )  # fmt: skip
