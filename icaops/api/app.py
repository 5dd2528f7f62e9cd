"""The REST API application: `create_app` for tests and embedding, `from_environment` for
`icaops serve` (uvicorn workers each build it from the environment; they share nothing but
the database)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import re
from collections.abc import Callable, Sequence
from importlib.metadata import version
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy import Engine
from starlette.middleware.trustedhost import TrustedHostMiddleware

from ..app.agreements import DEFAULT_AGREEMENT, open_agreement
from ..app.errors import UserError
from ..app.gateway.notify import notifier
from ..app.workspace import open_store
from ..terms.loader import Agreement
from ..web.app import create_portal
from . import (
    audit,
    auth,
    bills,
    deadlines,
    disputes,
    errors,
    hub,
    listings,
    notices,
    obligations,
    orders,
    records,
    tickets,
)
from .deps import AUTHENTICATED, Gateway

__all__ = [
    "AGREEMENT_VARIABLE",
    "ALLOWED_HOSTS_VARIABLE",
    "CLOCK_FILE_VARIABLE",
    "LOOPBACK_HOSTS",
    "SECURE_COOKIES_VARIABLE",
    "allowed_hosts",
    "create_app",
    "file_clock",
    "from_environment",
]

AGREEMENT_VARIABLE = "ICAOPS_AGREEMENT"
CLOCK_FILE_VARIABLE = "ICAOPS_CLOCK_FILE"
SECURE_COOKIES_VARIABLE = "ICAOPS_SECURE_COOKIES"
ALLOWED_HOSTS_VARIABLE = "ICAOPS_ALLOWED_HOSTS"
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")
_HOST_PATTERN = re.compile(r"\*|(\*\.)?[a-z0-9_-]+(\.[a-z0-9_-]+)*|\[[0-9a-f:.]+\]")

DESCRIPTION = """The wholesale gateway of an interconnection/resale agreement: orders (LSR),
trouble tickets, customer records under CPNI rules, directory listings, bills and billing
disputes, notices and deadlines, each action a dated event of one system of record, every
refusal with its clause. Authenticate with `Authorization: Bearer <token>`; send an
`Idempotency-Key` with every POST. See docs/api.md."""


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def file_clock(path: Path) -> Callable[[], dt.datetime]:
    """A rehearsal clock: each call reads the moment from `path` (ISO 8601 with its offset, e.g.
    2013-03-04T10:00-06:00), so a demo or the documentation's examples move through the days of
    an agreement; `icaops serve --clock-file`. Never for production: the file decides the dates
    of records. An unreadable or malformed file is a UserError naming it."""

    def now() -> dt.datetime:
        try:
            text = path.read_text(encoding="utf-8").strip()
            moment = dt.datetime.fromisoformat(text)
        except (OSError, ValueError) as exc:
            raise UserError(f"clock file {path}: expected a moment like 2013-03-04T10:00-06:00 ({exc})") from None
        if moment.tzinfo is None:
            raise UserError(f"clock file {path}: {text!r} has no UTC offset; expected e.g. 2013-03-04T10:00-06:00")
        return moment

    return now


def _host_name(address: str) -> str:
    """An address as a Host header names it: an IPv6 literal in brackets."""
    try:
        return f"[{address}]" if ipaddress.ip_address(address).version == 6 else address
    except ValueError:
        return address


def allowed_hosts(setting: str | None, host: str | None = None) -> tuple[str, ...]:
    """The names the server answers to in the Host header: the comma-separated `setting`
    ($ICAOPS_ALLOWED_HOSTS; `*.example.com` for a domain's hosts, `*` for any) when given, else
    the loopback names and the address served on (`host`). A request naming another host is
    refused (400), so a web page whose name an attacker re-points at this address (DNS
    rebinding) reaches nothing. A malformed setting is a UserError naming it."""
    if setting is None:
        names = [*LOOPBACK_HOSTS, _host_name(host)] if host else list(LOOPBACK_HOSTS)
        return tuple(dict.fromkeys(names))
    names = [_host_name(name.strip().lower()) for name in setting.split(",") if name.strip()]
    wrong = [name for name in names if not _HOST_PATTERN.fullmatch(name)]
    if wrong or not names:
        raise UserError(
            f"{ALLOWED_HOSTS_VARIABLE} {setting!r}: expected host names without a port, separated by commas "
            f"(gw.example.com, *.example.com, 10.0.0.5, [::1]), or *" + (f"; not {wrong[0]!r}" if wrong else ""),
            field=ALLOWED_HOSTS_VARIABLE,
        )
    return tuple(dict.fromkeys(names))


def create_app(
    engine: Engine,
    agreement: Agreement,
    clock: Callable[[], dt.datetime] = _utc_now,
    secure_cookies: bool = False,
    hosts: Sequence[str] | None = None,
) -> FastAPI:
    """The API over a migrated database and an agreement, with the web portal under /portal
    (its session cookie marked Secure when `secure_cookies` or the request came over https).
    With `hosts` (`allowed_hosts`), a request whose Host header names none of them is refused
    (400) before any route; without, the embedding server or proxy checks the Host."""
    app = FastAPI(
        title="icaops wholesale gateway",
        version=version("icaops"),
        description=DESCRIPTION,
        openapi_url="/openapi.json",
        responses=errors.ERROR_RESPONSES,
    )
    app.state.gateway = Gateway(engine, agreement, clock)
    # Every kept action queues its webhook events in its own transaction (docs/webhooks.md).
    app.state.notify = notifier(
        {"productOrder": orders.order_payload(agreement), "troubleTicket": tickets.ticket_payload(agreement)}
    )
    errors.install(app)
    app.include_router(auth.router)
    # Every resource authenticates first: a request without a valid token is 401, its body unread.
    resources = (orders, tickets, records, listings, bills, disputes, notices, deadlines, audit, hub, obligations)
    for resource in resources:
        app.include_router(resource.router, dependencies=[AUTHENTICATED])
    # The portal is its own application (pages, cookies, CSRF), over the same app functions.
    app.mount("/portal", create_portal(engine, agreement, clock, app.state.notify, secure_cookies), name="portal")
    if hosts is not None:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(hosts), www_redirect=False)
    return app


def from_environment() -> FastAPI:
    """The API configured by $ICAOPS_DATABASE_URL, $ICAOPS_AGREEMENT, $ICAOPS_SECURE_COOKIES (1:
    the portal's cookie only over https, behind a TLS proxy), $ICAOPS_ALLOWED_HOSTS (the Host
    names answered; `allowed_hosts`, loopback when unset) and, for rehearsals only,
    $ICAOPS_CLOCK_FILE (what `icaops serve` sets)."""
    agreement = open_agreement(os.environ.get(AGREEMENT_VARIABLE) or DEFAULT_AGREEMENT)
    clock_file = os.environ.get(CLOCK_FILE_VARIABLE)
    clock = file_clock(Path(clock_file)) if clock_file else _utc_now
    secure = os.environ.get(SECURE_COOKIES_VARIABLE, "") in ("1", "true", "yes")
    hosts = allowed_hosts(os.environ.get(ALLOWED_HOSTS_VARIABLE))
    return create_app(open_store(None), agreement, clock, secure, hosts)
