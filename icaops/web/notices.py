"""Written notices (III.34): the notices given about a CLEC's accounts with the day each counts as
received (III.34.1), one notice's page with its dates explained, and giving one — the API's
`notice.given` with the same rules: the giver is the signed-in party, never the form's say; the
method is one the terms name; a refusal names its clause (III.34.1 where the fold cites none)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from ..app.errors import UserError
from ..app.gateway.notices import (
    NOTICE,
    cited_refusals,
    find_notice,
    notice_methods,
    notices_page,
    relationship_today,
)
from ..app.gateway.requests import body_of, party_of
from ..app.identity import authorise
from ..relationship import event_schemas as schemas
from .actions import perform
from .core import PAGE_SIZE, Portal, PortalDep, PostedDep, Session, SessionDep, after_of, cursor_of, render, tenants_of
from .forms import FormField, FormProblem, form_fields, parse_form

__all__ = ["router"]

router = APIRouter()

NoticeForm = body_of(schemas.NoticeGiven, "PortalNotice", drop=("by", "account"))


def _fields(portal: Portal, values: Mapping[str, Any]) -> tuple[FormField, ...]:
    """The notice's inputs; its method one of the terms' ways to give notice (III.34.1)."""
    methods = tuple(m for m, _ in notice_methods(portal.agreement, portal.today()))
    return tuple(
        replace(f, kind="choice", choices=methods) if f.name == "method" else f for f in form_fields(NoticeForm, values)
    )


def _list_page(
    request: Request, portal: Portal, session: Session, account: str, cursor: str, status: int = 200, **more: Any
) -> Response:
    found = notices_page(
        portal.engine, portal.agreement, tenants_of(session.actor, account), portal.today(), None, after_of(cursor),
        PAGE_SIZE,
    )  # fmt: skip
    values = more.get("values", {})
    return render(
        request, "notices.html", session, status=status, notices=found, account=account,
        next_cursor=cursor_of(found), fields=_fields(portal, values), accounts=sorted(session.actor.accounts),
        methods=notice_methods(portal.agreement, portal.today()), chosen=str(values.get("account", "")),
        refusals=more.get("refusals", ()), problems=more.get("problems", ()),
    )  # fmt: skip


@router.get("/notices")
def notices(
    request: Request,
    portal: PortalDep,
    session: SessionDep,
    account: Annotated[str, Query(max_length=40)] = "",
    cursor: Annotated[str, Query(max_length=600)] = "",
) -> Response:
    """Written notices given through the system (III.34), with the day each counts as received
    (III.34.1), and the form to give one for a role that may."""
    authorise(session.actor, "notices.read", account or None)
    return _list_page(request, portal, session, account, cursor)


@router.post("/notices")
def give_notice(request: Request, portal: PortalDep, posted: PostedDep) -> Response:
    """Give a written notice about one CLEC account (III.34): recorded as `notice.given`, by the
    signed-in party; the day it counts as received is computed (III.34.1) and shown on its page."""
    account = posted.get("account")
    authorise(posted.actor, "notices.give", account or None)
    if not account:
        missing = (FormProblem("account", "expected the CLEC account the notice is about"),)
        return _list_page(request, portal, posted.session, "", "", 422, values=posted.form, problems=missing)
    authorise(posted.actor, "notices.give", account)
    data, problems = parse_form(NoticeForm, posted.form, int(portal.agreement.terms.money.scale.value))
    if data is None:
        return _list_page(request, portal, posted.session, "", "", 422, values=posted.form, problems=problems)
    data = {**data, "account": account, "by": party_of(posted.actor)}  # the giver is who signs in
    done = perform(
        portal, posted, "/notices", account, NOTICE, data, f"notice/{account}",
        cite=lambda outcome: cited_refusals(portal.agreement, outcome),
    )  # fmt: skip
    if done.refused:
        return _list_page(request, portal, posted.session, "", "", 422, values=posted.form, refusals=done.refusals)
    base = request.scope.get("root_path", "")
    return RedirectResponse(f"{base}/notices/{quote(done.event, safe='')}?done=given", status_code=303)


@router.get("/notices/{notice_id}")
def notice_page(
    notice_id: Annotated[str, Path(min_length=1, max_length=200)],
    request: Request,
    portal: PortalDep,
    session: SessionDep,
) -> Response:
    """One notice: its kind, giver, method, the day it was sent, the receipt date where its
    method counts from one, and the day it counts as received, explained (III.34.1)."""
    authorise(session.actor, "notices.read")
    account = find_notice(portal.engine, notice_id)
    try:
        authorise(session.actor, "notices.read", account)
    except UserError as exc:
        if exc.code != "not_found":
            raise
        # another tenant's notice: the very answer of one that does not exist (OWASP API1)
        raise UserError(f"notice {notice_id}: not found", code="not_found", field="id") from None
    notice = relationship_today(portal.engine, portal.agreement, portal.today()).notices.get(notice_id)
    if notice is None:
        raise UserError(f"notice {notice_id}: not found", code="not_found", field="id")
    labels = dict(notice_methods(portal.agreement, notice.sent_on))
    return render(
        request, "notice.html", session, notice=notice, account=account, data=dict(notice.data),
        method_label=labels.get(notice.method, notice.method), done=request.query_params.get("done", ""),
    )  # fmt: skip
