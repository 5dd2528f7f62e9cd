"""The gateway part of `icaops demo`: the demo's organisations, users and tokens in the demo
database, then a CLEC's month through the real REST API (FastAPI's TestClient, in process, on
the demo's clock): an order from submission to completion and its service order charge on the
next bill, a no-fault dispatch and its charge, a refused CSR search in the audit log."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from rich.table import Table

from ..app.identity import create_organisation, create_user, issue_token
from ..identity import OrgKind, Role
from ..privatefiles import write_private_bytes, write_private_text
from .output import console

if TYPE_CHECKING:
    from ..app.workspace import Workspace

__all__ = [
    "DEMO_USERS",
    "DEMO_USERS_FILE",
    "DemoUser",
    "create_demo_identities",
    "print_serve_help",
    "run_gateway_demo",
    "run_obligations_demo",
]

CENTRAL = ZoneInfo("America/Chicago")
DEMO_USERS_FILE = "demo-users.tsv"  # e-mails, passwords, tokens: owner-only
SO_CODE = "service_order_electronic"  # the LSR came through the electronic interface (VIII)


@dataclass(frozen=True, slots=True)
class DemoUser:
    """A demo user: its organisation, e-mail and role."""

    key: str
    org: str
    email: str
    role: Role


# (organisation id, kind, name, billing accounts)
DEMO_ORGANISATIONS: tuple[tuple[str, OrgKind, str, tuple[str, ...]], ...] = (
    ("CTL", "ilec", "CenturyLink (CenturyTel of Idaho, Inc.)", ()),
    ("GRN", "clec", "Granite Telecommunications, LLC", ("GRANITE",)),
    ("AUD", "auditor", "Independent auditor (III.7)", ()),
)
DEMO_USERS = (
    DemoUser("granite", "GRN", "user@granite.example", "clec_user"),
    DemoUser("granite_admin", "GRN", "admin@granite.example", "clec_admin"),
    DemoUser("ops", "CTL", "ops@centurylink.example", "ilec_operations"),
    DemoUser("billing", "CTL", "billing@centurylink.example", "ilec_billing"),
    DemoUser("retail", "CTL", "retail@centurylink.example", "ilec_retail_sales"),
    DemoUser("auditor", "AUD", "auditor@audit.example", "auditor"),
)


@dataclass
class _Clock:
    """The demo's clock: a Central-time moment the demo moves."""

    now: dt.datetime

    def __call__(self) -> dt.datetime:
        return self.now

    def day(self, day: dt.date, hour: int = 10) -> None:
        self.now = dt.datetime(day.year, day.month, day.day, hour, tzinfo=CENTRAL)


@dataclass
class _Api:
    """The in-process API with a token per demo user."""

    client: Any
    clock: _Clock
    tokens: dict[str, str] = field(default_factory=dict)

    def post(self, who: str, path: str, body: dict[str, Any], key: str | None = None) -> Any:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} | ({"Idempotency-Key": key} if key else {})
        return self.client.post(path, json=body, headers=headers)

    def get(self, who: str, path: str, **params: Any) -> Any:
        return self.client.get(path, headers={"Authorization": f"Bearer {self.tokens[who]}"}, params=params)


def _ok(r: Any, status: int = 200) -> dict[str, Any]:
    if r.status_code != status:
        raise RuntimeError(f"demo: {r.request.method} {r.request.url.path} answered {r.status_code}: {r.text}")
    return dict(r.json())


def _step(when: dt.datetime, who: str, what: str) -> None:
    console.print(f"\n[bold]{when:%a %Y-%m-%d %H:%M} CT[/bold]  [cyan]{who}[/cyan]: {what}")


def _explained_value(label: str, value: dict[str, Any]) -> None:
    console.print(f"   {label} → [bold]{value['value']}[/bold]")
    for s in value.get("steps", ()):
        console.print(f"      {s['text']} [green]\\[{s['clause']}][/green]", soft_wrap=False)


def create_demo_identities(engine: Any, out: Path, at: dt.datetime) -> tuple[dict[str, str], Path]:
    """The demo organisations, a user per role with a generated password and a token each; the
    e-mails, passwords and tokens written to an owner-only file under `out`; (tokens by user key, the file)."""
    for org, kind, name, accounts in DEMO_ORGANISATIONS:
        create_organisation(engine, org, kind, name, accounts=accounts, now=at)
    tokens: dict[str, str] = {}
    rows = [
        "# icaops demo users (owner-only file). Sign in with POST /auth/token {email, password},",
        "# or send a token as `Authorization: Bearer <token>`. Demo credentials: never use them elsewhere.",
        "# key\torganisation\trole\temail\tpassword\ttoken",
    ]
    for u in DEMO_USERS:
        password = secrets.token_urlsafe(18)
        user = create_user(engine, u.org, u.email, u.key, u.role, password, now=at)
        tokens[u.key], _ = issue_token(engine, user.id, "demo", None, None, at)
        rows.append(f"{u.key}\t{u.org}\t{u.role}\t{u.email}\t{password}\t{tokens[u.key]}")
    path = out / DEMO_USERS_FILE
    write_private_text(path, "\n".join(rows) + "\n")
    return tokens, path


def _csr_refusal(api: _Api, wtn: str) -> None:
    _step(api.clock.now, "Granite (admin)", "files the Blanket Letter of Authorization (VI.8.4.1)")
    _ok(api.post("granite_admin", "/blanketLoa", {"account": "GRANITE"}), 201)
    _step(
        api.clock.now,
        "Granite",
        f"searches the Customer Service Record of {wtn} without the End User's authorisation (VI.8.4.2)",
    )
    r = api.post(
        "granite", "/csrInquiry", {"account": "GRANITE", "wtn": wtn, "channel": "electronic"}, key=f"csr-{wtn}-1"
    )
    body = r.json()
    console.print(
        f"   POST /csrInquiry → HTTP {r.status_code} {body['code']}, kept: {body['kept']}; nothing of the record disclosed"
    )
    for e in body["errors"]:
        console.print(f"   {e['code']}: {e['message']} [green]\\[{e['clause']}][/green]")
    rows = _ok(api.get("auditor", "/auditLog", action="csr.requested.kept_refused"))["items"]
    for row in rows:
        who = f"user {row['actor']} ({row['detail']['organisation']}, {row['detail']['role']})"
        console.print(f"   audit log, read by the auditor (GET /auditLog): {row['at']} {who}")
        console.print(f"      {row['action']} {row['subject']}: {row['reason']}")


def _order(api: _Api, wtn: str, submit: dt.date) -> dict[str, Any]:
    lsr = {
        "account": "GRANITE", "pon": "N-100", "ccna": "GRN", "act": "N", "entity": "centurytel_of_idaho",
        "end_user": "Acme Hardware", "address": "12 Main St, Boise ID", "ddd": f"{submit + dt.timedelta(days=7)}",
        "class_of_service": "business", "end_user_class": "business", "usoc": "1FB", "retail_mrc": "40.00",
    }  # fmt: skip
    api.clock.day(submit)
    _step(api.clock.now, "Granite", f"submits LSR N-100 (new connect, 1FB, desired due date {lsr['ddd']})")
    order = _ok(api.post("granite", "/productOrder", lsr, key="demo-N-100"), 201)
    console.print(f"   POST /productOrder → 201 {order['id']}: {order['state']}")
    api.clock.day(submit + dt.timedelta(days=1))
    _step(api.clock.now, "CenturyLink operations", "confirms the order (FOC)")
    order = _ok(api.post("ops", "/productOrder/GRANITE/N-100/confirm", {}))
    console.print(f"   POST /productOrder/GRANITE/N-100/confirm → state {order['state']}")
    _explained_value("committed due date", order["committedDueDate"])
    due = dt.date.fromisoformat(order["committedDueDate"]["value"])
    api.clock.day(due, 15)
    _step(api.clock.now, "CenturyLink operations", f"completes the order: {wtn} in service")
    order = _ok(api.post("ops", "/productOrder/GRANITE/N-100/complete", {"wtns": [wtn]}))
    notices = ", ".join(n["kind"] for n in order["notices"])
    console.print(
        f"   POST /productOrder/GRANITE/N-100/complete → state {order['state']}; notices to Granite: {notices}"
    )
    return order


def _ticket(api: _Api, wtn: str, day: dt.date) -> None:
    api.clock.day(day, 9)
    path = "/troubleTicket/GRANITE/T1"
    _step(api.clock.now, "Granite", f"reports no dial tone on {wtn}, isolation tested to the NID (V.2.1, V.2.4)")
    body = {"account": "GRANITE", "ticket": "T1", "wtn": wtn, "trouble": "no dial tone",
            "isolation": "tested to the NID", "isolation_attested": True}  # fmt: skip
    t = _ok(api.post("granite", "/troubleTicket", body, key="demo-T1"), 201)
    console.print(f"   POST /troubleTicket → 201 {t['id']}: {t['status']}")
    _ok(api.post("granite", f"{path}/dispatchRequest", {"location": "out", "contact": "Pat Lee 208-555-0101"}))
    api.clock.day(day, 11)
    _step(api.clock.now, "CenturyLink operations", "dispatches a technician at Granite's request (V.2.5(c), V.6.2)")
    _ok(api.post("ops", f"{path}/dispatch", {"dispatch": "D1"}))
    api.clock.day(day, 14)
    _step(
        api.clock.now,
        "CenturyLink operations",
        "the trouble was in the End User's inside wire: no fault of CenturyLink",
    )
    t = _ok(api.post("ops", f"{path}/dispatchComplete", {"finding": "clec_side", "tariff_amount": "65.00"}))
    for c in t["charges"]:
        console.print(f"   charge {c['status']}: {c['eventType']} ${c['amount']} (log event {c['billedEvent']})")
        for s in c["explanation"]["steps"]:
            console.print(f"      {s['text']} [green]\\[{s['clause']}][/green]")
    t = _ok(api.post("ops", f"{path}/resolve", {"cause": "clec_side", "quality_restored": True}))
    console.print(f"   resolved (V.2.6): {t['status']}")


def _bill(api: _Api, period: str, bill_date: dt.date, lines: tuple[str, ...]) -> None:
    api.clock.day(bill_date, 6)
    _step(api.clock.now, "CenturyLink billing", f"closes cycle {period} on its Bill Date: POST /customerBill/run")
    body = {"account": "GRANITE", "period": period}
    bill = _ok(api.post("billing", "/customerBill/run", body, key=f"run-GRANITE-{period}"), 201)
    console.print(
        f"   201 {bill['id']}: {bill['lineCount']:,} lines, ${Decimal(bill['amountDue']['value']):,}, "
        f"due {bill['paymentDueDate']['value']} (III.9.2)"
    )
    _step(api.clock.now, "Granite", f"reads its bill: GET /customerBill/{bill['id']}/items/…/explanation")
    for line in lines:
        got = _ok(api.get("granite", f"/customerBill/{bill['id']}/items/{line}/explanation"))
        explanation = got["explanation"]
        console.print(f"   {got['line']} → [bold]${explanation['value']}[/bold]")
        for s in explanation["steps"]:
            console.print(f"      {s['text']} [green]\\[{s['clause']}][/green]")


def run_gateway_demo(
    engine: Any, agreement: Any, out: Path, billed: dt.date, next_period: str, next_bill_date: dt.date
) -> Path:
    """Create the demo identities, walk a CLEC's month through the API in the month of the
    Bill Date `billed`, close `next_period` on `next_bill_date`; returns the owner-only file of the demo users."""
    import warnings

    with warnings.catch_warnings():  # Starlette's notice about its httpx client, not the user's concern
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from ..api.app import create_app

    console.rule("[bold]The wholesale gateway: Granite's month through the REST API")
    first = billed.replace(day=1)
    clock = _Clock(dt.datetime(first.year, first.month, 5, 8, tzinfo=CENTRAL))
    tokens, users = create_demo_identities(engine, out, clock.now)
    console.print(
        f"{len(DEMO_USERS)} demo users (one per role) and their tokens in the demo database; credentials in {users} (owner-only)"
    )
    with TestClient(create_app(engine, agreement, clock), raise_server_exceptions=False) as client:
        api = _Api(client, clock, tokens)
        wtn = "2085550100"
        _order(api, wtn, first.replace(day=10))
        _ticket(api, wtn, first.replace(day=20))
        _csr_refusal(api, wtn)
        _bill(
            api,
            next_period,
            next_bill_date,
            (f"nrc:N-100:order.submitted:{SO_CODE}", "nrc:T1:D1:dispatch.no_fault:dispatch_no_fault"),
        )
    return users


def run_obligations_demo(ws: Workspace, out: Path, as_of: dt.date, unpaid_bill_date: dt.date) -> None:
    """Both parties' open obligations as of `as_of`, each due date explained; the CLEC's
    iCalendar feeds and the letter of a disconnection notice for the bill of `unpaid_bill_date`
    (drafted, not recorded) under `out`."""
    from ..app.clock import now
    from ..app.notices import NoticeRequest, draft_notice
    from ..app.obligations import ical_feed, obligations_for
    from .notices import print_letter
    from .obligations import print_obligations

    console.rule(f"[bold]Obligations of the relationship as of {as_of} (`icaops obligations`)")
    for party in ("ilec", "clec"):
        found = obligations_for(ws, party, as_of, "open")
        print_obligations(f"What the {party} owes as of {as_of}: open obligations", found, explain=True)
    for party in ("clec", "ilec"):
        path = out / f"obligations-{party}.ics"
        write_private_bytes(path, ical_feed(ws, party, as_of, stamp=now()))
        console.print(f"\niCalendar feed of the {party}'s obligations (RFC 5545): {path}")
    request = NoticeRequest(
        kind="disconnection",
        sent_on=as_of,
        method="first_class_mail",
        by="ilec",
        account="GRANITE",
        bill_date=unpaid_bill_date,
    )
    console.print()
    print_letter(draft_notice(ws, request, out / "notices"), "drafted (not recorded)")


def print_serve_help(db: Path, users: Path) -> None:
    """How to start `icaops serve` on the demo database with the demo users."""
    console.rule("[bold]Try the API yourself")
    console.print(
        "Start the gateway on the demo database (OpenAPI at /docs; the server's clock is today's, so the demo's\n"
        "2012 records are history):\n"
        f"   icaops serve --db sqlite:///{db.resolve()} --port 8000\n"
        "then the REST API is at http://127.0.0.1:8000/ and the web portal at http://127.0.0.1:8000/portal/\n"
        "(sign in there with a demo user's e-mail and password; docs/portal.md).\n"
        f"Demo users, one per role — passwords and tokens are in {users.resolve()} (owner-only; demo credentials):"
    )
    table = Table()
    for col in ("role", "organisation", "e-mail"):
        table.add_column(col)
    for u in DEMO_USERS:
        table.add_row(u.role, u.org, u.email)
    console.print(table)
    console.print(
        "For example, as Granite's user (the token is the last column of its row):\n"
        f"   TOKEN=$(awk -F'\\t' '$1==\"granite\" {{print $6}}' {users.resolve()})\n"
        '   curl -s http://127.0.0.1:8000/productOrder/GRANITE/N-100 -H "Authorization: Bearer $TOKEN"\n'
        'or sign in: POST /auth/token with {"email": …, "password": …}. docs/api.md walks a CLEC\'s day through the API.'
    )
