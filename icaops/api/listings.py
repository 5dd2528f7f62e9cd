"""directoryListing: the CLEC's End Users' listings and the directory work around them (Article
VII): the listing method the CLEC chose (VII.7), listings by LSR or DSR (VII.2.a, VII.2.e), the
Business Office Close CenturyLink announces (VII.7.b.3, VII.8) with the deadlines the domain
computes from it, galley proofs and corrections (VII.2.g), and the annual data file (VII.2.h,
VII.7.b). A listing's key is `ACCOUNT/WTN` (directory.fold.listing_key)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Query

from ..app.audit import customer_read
from ..app.errors import UserError
from ..app.gateway.actions import Outcome
from ..app.gateway.directory import DIRECTORY_ACTIONS, current_method, directory_rest
from ..app.gateway.reads import fetch, page
from ..app.identity import authorise
from ..calendar.deadlines import Deadlines
from ..directory.fold import listing_key
from ..directory.model import Book, Listing
from ..directory.queries import BOOK_QUERIES
from .deps import ActorDep, Gateway, GatewayDep, PageDep, cursor_after, next_cursor
from .lifecycle import AccountRoute, account_routes, refused_body
from .views import explained, plain

__all__ = ["router"]

router = APIRouter(tags=["directoryListing"])


def listing_view(listing: Listing) -> dict[str, Any]:
    """A listing as the API shows it."""
    return {
        "id": listing_key(listing.account, listing.wtn),
        "href": f"/directoryListing/{listing.account}/{listing.wtn}",
        "account": listing.account,
        "wtn": listing.wtn,
        "name": listing.name,
        "status": "active" if listing.active else "deleted",
        "via": listing.via,
        "since": listing.since.isoformat(),
        "lastEvent": listing.last_event,
    }


def book_view(book: Book, dl: Deadlines) -> dict[str, Any]:
    """A directory's Business Office Close and every deadline the domain computes from it."""
    return {
        "directory": book.directory,
        "close": book.close.isoformat(),
        "announcedOn": book.announced_on.isoformat(),
        "deadlines": {name: explained(answer(book, dl)) for name, answer in BOOK_QUERIES.items() if name != "close"},
    }


def directory_view(rest: Mapping[str, Any], account: str, on: dt.date, dl: Deadlines) -> dict[str, Any]:
    """A CLEC's directory work on `on`: its method, the directories' closes and deadlines, its
    galleys, corrections and annual files."""
    methods = tuple(m for m in rest.get("methods", ()) if m.account == account)
    current = current_method(rest, account, on)

    def mine(name: str) -> list[Any]:
        return [plain(x) for x in rest.get(name, ()) if x.account == account]

    return {
        "account": account,
        "asOf": on.isoformat(),
        "method": current.method if current else None,
        "methodChoices": [plain(m) for m in methods],
        "directories": [book_view(b, dl) for b in rest.get("books", {}).values()],
        "galleys": mine("galleys"),
        "corrections": mine("corrections"),
        "annualFileIntents": mine("intents"),
        "annualFiles": mine("files"),
    }


def _rest(state: Any) -> Mapping[str, Any]:
    names = ("methods", "books", "galleys", "corrections", "intents", "files")
    return {name: getattr(state, name) for name in names}


def _account_view(
    gw: Gateway, outcome: Outcome, account: str, data: Mapping[str, Any]
) -> tuple[int, Mapping[str, Any]]:
    if not outcome.kept or outcome.refusals:
        return 422, refused_body(outcome)
    on = outcome.event.date
    body = directory_view(_rest(outcome.state), account, on, Deadlines(gw.agreement.terms_at(on)))
    return 201, {"event": outcome.event.id, "charges": [e.id for e in outcome.emitted], **body}


def _listing_view(
    gw: Gateway, outcome: Outcome, account: str, data: Mapping[str, Any]
) -> tuple[int, Mapping[str, Any]]:
    if not outcome.kept or outcome.refusals:
        return 422, refused_body(outcome)
    listing = outcome.state.listings[listing_key(account, str(data["wtn"]))]
    return 201, {**listing_view(listing), "event": outcome.event.id, "charges": [e.id for e in outcome.emitted]}


VIEWS = {"directoryListing": _listing_view}
DIRECTORY_ROUTES = tuple(
    AccountRoute(f"/{a.name}", a.event_type, a.permission, a.schema, a.summary, VIEWS.get(a.name, _account_view), a.name, key=a.key)
    for a in DIRECTORY_ACTIONS
)  # fmt: skip

account_routes(router, DIRECTORY_ROUTES)


@router.get("/directoryListing", summary="List listings (a CLEC sees its own), by account and status, paged")
def list_listings(
    gw: GatewayDep,
    actor: ActorDep,
    paging: PageDep,
    account: Annotated[str | None, Query(max_length=64)] = None,
    status: Annotated[str | None, Query(max_length=32, description="active or deleted")] = None,
) -> dict[str, Any]:
    authorise(actor, "listings.read", account)
    tenants = [account] if account is not None else (sorted(actor.accounts) if actor.org_kind == "clec" else None)
    items = page(
        gw.engine,
        gw.agreement,
        "directory",
        tenants,
        "listings",
        gw.today(),
        status,
        cursor_after(paging),
        paging.limit,
    )
    customer_read(gw.engine, actor, "directoryListing", [f"{t}/{k}" for t, k, _ in items])  # names (VI.8.3.2)
    return {"items": [listing_view(v) for _, _, v in items], "nextCursor": next_cursor(items, paging)}


@router.get("/directoryListing/{account}/{wtn}", summary="One End User's listing")
def get_listing(account: str, wtn: str, gw: GatewayDep, actor: ActorDep) -> dict[str, Any]:
    authorise(actor, "listings.read", account)
    found = fetch(gw.engine, gw.agreement, "directory", account, "listings", listing_key(account, wtn), gw.today())
    if found is None:
        raise UserError(f"directoryListing {account}/{wtn}: not found", code="not_found", field="wtn")
    customer_read(gw.engine, actor, "directoryListing", [f"{account}/{wtn}"])  # the end user's listing (VI.8.3.2)
    return listing_view(found)


@router.get(
    "/directory/{account}",
    summary="A CLEC's listing method, the directories' Business Office Close with their deadlines, galleys, "
    "corrections and annual files",
)
def get_directory(account: str, gw: GatewayDep, actor: ActorDep) -> dict[str, Any]:
    authorise(actor, "listings.read", account)
    on = gw.today()
    return directory_view(
        directory_rest(gw.engine, gw.agreement, account, on), account, on, Deadlines(gw.agreement.terms_at(on))
    )
