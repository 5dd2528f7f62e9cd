"""The directory work of a CLEC account (Article VII), each party's side: the CLEC's listing
method (VII.7) and its listings on an LSR or a stand-alone DSR (VII.2.a, VII.2.e), the Business
Office Close CenturyLink announces (VII.7.b.3, VII.8) with every deadline computed from it —
Galley Proofs (VII.2.g), corrections, the annual data file (VII.2.h, VII.7.b) — and the galleys
provided and requested. Each action is the API's (`DIRECTORY_ACTIONS`), refused with its clause."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from ..app.errors import UserError
from ..app.gateway.directory import DIRECTORY_ACTIONS, AccountAction, current_method, directory_rest
from ..app.gateway.requests import body_of
from ..app.identity import authorise
from ..calendar.deadlines import Deadlines
from ..directory.fold import ANNUAL_FILE, LSR_DSR
from ..directory.queries import BOOK_QUERIES
from .actions import perform
from .core import Portal, PortalDep, PostedDep, Session, SessionDep, render
from .forms import FormField, FormProblem, form_fields, parse_form

__all__ = ["router"]

router = APIRouter()

ACTIONS: Mapping[str, tuple[AccountAction, type[BaseModel]]] = {
    a.name: (a, body_of(a.schema, f"Portal{a.schema.__name__}", drop=("account",))) for a in DIRECTORY_ACTIONS
}
TITLES: Mapping[str, str] = {
    "directoryMethod": "Choose the listing method (VII.7)",
    "directoryListing": "Submit a listing: add, change or delete (VII.2.e)",
    "directoryClose": "Announce a Business Office Close (VII.7.b.3, VII.8)",
    "galleyProof": "Provide the Galley Proof (VII.2.g)",
    "galleyRequest": "Request a Galley Proof (VII.2.g, VIII)",
    "galleyCorrections": "Submit galley corrections (VII.2.g)",
    "annualFileIntent": "Notice of intent to provide an annual data file (VII.2.h)",
    "annualFile": "Submit the annual data file (VII.7.b)",
}
DEADLINES: Mapping[str, str] = {
    "close_notice_by": "Close announced by",
    "close_notice_timely": "Announced in time",
    "galley_by": "Galley Proof by",
    "corrections_by": "Corrections (galley review) by",
    "annual_file_by": "Annual data file by",
}


def _fields(action: AccountAction, model: type[BaseModel], values: Mapping[str, Any]) -> tuple[FormField, ...]:
    fields = form_fields(model, values)
    if action.name == "directoryMethod":  # the two methods of VII.7
        return tuple(
            replace(f, kind="choice", choices=(LSR_DSR, ANNUAL_FILE)) if f.name == "method" else f for f in fields
        )
    return fields


def _account(session: Session, given: str) -> str:
    if given:
        return given
    accounts = sorted(session.actor.accounts)
    return accounts[0] if accounts and session.actor.org_kind == "clec" else ""


def _page(request: Request, portal: Portal, session: Session, account: str, status: int = 200, **more: Any) -> Response:
    on = portal.today()
    rest = directory_rest(portal.engine, portal.agreement, account, on) if account else {}
    dl = Deadlines(portal.agreement.terms_at(on))
    books = [
        (b, [(DEADLINES[name], answer(b, dl)) for name, answer in BOOK_QUERIES.items() if name in DEADLINES])
        for b in sorted(rest.get("books", {}).values(), key=lambda b: (b.close, b.directory))
    ]

    def mine(name: str) -> list[Any]:
        return [x for x in rest.get(name, ()) if x.account == account]

    failed, values = more.get("action", ""), more.get("values", {})
    forms = [
        (a.name, TITLES[a.name], _fields(a, model, values if a.name == failed else {}))
        for a, model in ACTIONS.values()
        if session.actor.may(a.permission)
    ]
    return render(
        request, "directory.html", session, status=status, account=account,
        accounts=sorted(session.actor.accounts), method=current_method(rest, account, on) if account else None,
        choices=mine("methods"), books=books, galleys=mine("galleys"), corrections=mine("corrections"),
        intents=mine("intents"), files=mine("files"), forms=forms, failed=failed,
        refusals=more.get("refusals", ()), problems=more.get("problems", ()),
        done=request.query_params.get("done", ""),
    )  # fmt: skip


@router.get("/directory")
def directory(
    request: Request,
    portal: PortalDep,
    session: SessionDep,
    account: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    """A CLEC account's directory work: its listing method, the directories' Business Office
    Close with their deadlines, galleys, corrections and annual files, and the forms of the
    actions the role may take (Article VII)."""
    account = _account(session, account)
    authorise(session.actor, "listings.read", account or None)
    return _page(request, portal, session, account)


@router.post("/directory/{directory_action}")
def directory_act(directory_action: str, request: Request, portal: PortalDep, posted: PostedDep) -> Response:
    """Record one directory action of the account the form names, as the API's route of the same
    name records it; refusals are shown with their clause."""
    found = ACTIONS.get(directory_action)
    if found is None:
        raise UserError(f"directory action {directory_action!r}: not found", code="not_found")
    action, model = found
    account = posted.get("account")
    authorise(posted.actor, action.permission, account or None)
    data, problems = parse_form(model, posted.form, int(portal.agreement.terms.money.scale.value))
    if not account:
        problems = (*problems, FormProblem("account", "expected the CLEC account"))
    if data is None or not account:
        return _page(
            request, portal, posted.session, account, 422, action=action.name, values=posted.form, problems=problems
        )  # fmt: skip
    authorise(posted.actor, action.permission, account)
    subject = f"{action.name}/{account}" + (f"/{data[action.key]}" if action.key and action.key in data else "")
    if "account" in action.schema.model_fields:  # else an event of the relationship, to the account's log
        data = {**data, "account": account}
    done = perform(portal, posted, f"/directory/{action.name}", account, action.event_type, data, subject)
    if done.refused:
        return _page(
            request, portal, posted.session, account, 422, action=action.name, values=posted.form,
            refusals=done.refusals,
        )  # fmt: skip
    base = request.scope.get("root_path", "")
    if action.name == "directoryListing":
        return RedirectResponse(f"{base}/listings?account={quote(account)}&done={quote(done.event)}", status_code=303)
    return RedirectResponse(
        f"{base}/directory?account={quote(account)}&done={quote(TITLES[action.name])}", status_code=303
    )
