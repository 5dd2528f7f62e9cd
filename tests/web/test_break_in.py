"""The portal tries to break into itself, in the spirit of tests/gateway/test_break_in.py: every
route of the portal application (walked from its routes, not a hand-kept list) without a
session, with a wrong CSRF token, by another tenant, by retail sales and by the auditor; the
session after sign-out, after its idle time, an API token as a cookie; the cookie's flags, the
security headers, and refused sign-ins counted per e-mail address alike for known and unknown.

- OWASP A01 (broken access control) / API1: another CLEC's order, ticket, bill or dispute is not
  found (404), exactly like one that does not exist (III.29.1.1: a CLEC's information is its own).
- API5: retail sales reach nothing of a CLEC's (IV.8.5); the auditor writes nothing (III.7).
- A07 (identification and authentication): no session, a revoked, idle or foreign one: the
  sign-in page; refused sign-ins are uniform and rate-limited.
- CSRF: every POST without the session's token is refused (403) and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import Engine, func, select
from starlette.routing import Mount

from icaops.app.audit import audit_entries
from icaops.app.identity import find_user, list_tokens
from icaops.app.sessions import MAX_FAILURES
from icaops.store.models import AuditRow, EventRow
from icaops.web.app import CSP
from tests.gateway.billing_setup import AE_LINE, BILL, bill_march, item
from tests.gateway.conftest import PASSWORD, lsr, second_client

from .conftest import Browser, Portal, email_of

G = "GRANITE"


def portal_routes(portal: Portal) -> list[tuple[str, str]]:
    """(method, path template) of every page and action of the mounted portal."""
    app: Any = portal.gateway.client.app
    (mount,) = [r for r in app.routes if isinstance(r, Mount) and r.path == "/portal"]
    routes = [c.original_route for c in iter_route_contexts(mount.app.routes)]
    return sorted({(m, r.path_format) for r in routes if isinstance(r, APIRoute) for m in r.methods})


@pytest.fixture
def world(portal: Portal) -> dict[str, str]:
    """GRANITE's real objects: an order, a ticket, a closed bill and a dispute of it."""
    gw = portal.gateway
    bill_march(gw)
    assert gw.post("granite", "/productOrder", lsr()).status_code == 201
    ticket = {"account": G, "ticket": "T1", "wtn": "2085550100", "isolation": "NID", "isolation_attested": True}
    assert gw.post("granite", "/troubleTicket", ticket).status_code == 201
    r = gw.post("granite", "/billingDispute", {"bill": BILL, "items": [item(AE_LINE, "10.00")]})
    assert r.status_code == 201, r.text
    auth = gw.post("granite", "/cpniAuthorization", {"account": G, "wtn": "2085550100"})
    assert auth.status_code == 201, auth.text
    granite = find_user(gw.engine, email_of("granite"))
    (token,) = [t for t in list_tokens(gw.engine, granite.id) if t.name == "test"]
    notice = gw.post("granite_admin", "/notice", {"account": G, "kind": "dispute", "method": "first_class_mail"})
    assert notice.status_code == 201, notice.text
    return {
        "account": G, "pon": "N-100", "tid": "T1", "bill_id": BILL, "dispute_id": r.json()["id"],
        "ref": auth.json()["id"], "notice_id": notice.json()["id"],
        "directory_action": "directoryListing", "user_id": granite.id, "token_id": token.id,
        "order_action": "confirm", "ticket_action": "dispatch",
    }  # fmt: skip


def filled(path: str, values: dict[str, str]) -> str:
    """The path with the world's objects; `{action}`: the order's or the ticket's action of `values`."""
    kind = "ticket" if path.startswith("/tickets") else "order"
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1)) or values[f"{kind}_action"], path)


def writes(engine: Engine) -> tuple[int, int]:
    with engine.connect() as conn:
        return (conn.execute(select(func.count()).select_from(EventRow)).scalar_one(), 0)


PUBLIC = {("GET", "/login"), ("POST", "/login")}
SELF = {"/tokens"}
"""Everyone's own API tokens: listed and issued for oneself only (tests/web/test_tokens.py)."""


def test_every_route_without_a_session_is_sent_to_sign_in(portal: Portal, world: dict[str, str]) -> None:
    """A07: no session cookie: every page and action answers the sign-in page (303), its form unread."""
    routes = portal_routes(portal)
    assert len(routes) >= 20
    b = portal.browser()
    before = writes(portal.gateway.engine)
    for method, path in routes:
        if (method, path) in PUBLIC:
            continue
        url = "/portal" + filled(path, world)
        r = b.client.request(method, url, data={"csrf": "x"} if method == "POST" else None, follow_redirects=False)
        assert r.status_code == 303, (method, path, r.status_code)
        assert r.headers["location"].startswith("/portal/login?next="), (method, path)
    assert writes(portal.gateway.engine) == before


def test_every_post_without_the_session_s_csrf_token_is_refused(portal: Portal, world: dict[str, str]) -> None:
    """CSRF: a signed-in browser's POST without the token, or with another session's, is 403; nothing written."""
    g, ops = portal.as_("granite"), portal.as_("ops")
    g.get("/")
    posts = [p for m, p in portal_routes(portal) if m == "POST" and ("POST", p) not in PUBLIC]
    assert len(posts) >= 9
    before = writes(portal.gateway.engine)
    for path in posts:
        url = filled(path, world)
        for who, token in ((g, ""), (g, "0" * 64), (g, ops.csrf), (ops, g.csrf)):
            r = who.post(url, {"once": "x"}, csrf=token)
            assert r.status_code == 403, (path, r.status_code)
            assert "CSRF" in r.text
    assert writes(portal.gateway.engine) == before
    assert g.get("/").status_code == 200  # still signed in: /logout was refused too


def test_another_clec_sees_none_of_granite_s_objects(portal: Portal, world: dict[str, str]) -> None:
    """API1 (III.29.1.1): OTHERCO's user on each GRANITE page, and each action naming a GRANITE
    object in its path or GRANITE in its form: 404, as for an object that does not exist; 403
    only where its role lacks the permission whatever the account (closing a cycle, resolving a
    dispute, filing the Blanket LOA)."""
    other = portal.as_("other")
    other.get("/")
    before = writes(portal.gateway.engine)
    clec_actions = {**world, "order_action": "supplement", "ticket_action": "close"}  # what its role may do
    lacking = {"/bills/run", "/disputes/{dispute_id}/resolve", "/csr/loa", "/notices"}  # notices: its admin's
    lacking |= {"/users", "/users/{user_id}/disable", "/users/{user_id}/tokens/{token_id}/revoke"}  # users.manage
    form = {"once": "o", "account": G, "pon": "X-1", "ticket": "T9", "wtn": "2085550100", "channel": "electronic",
            "line": AE_LINE, "amount": "1.00", "reason": "r", "period": "2013-04", "ver": "2", "sup": "cancel"}  # fmt: skip
    for method, path in portal_routes(portal):
        if (method, path) in PUBLIC or path in ("/", "/logout", *SELF) or (method == "GET" and "{" not in path):
            continue
        url = filled(path, clec_actions)
        r = other.get(url) if method == "GET" else other.post(url, form)
        assert r.status_code == (403 if path in lacking else 404), (method, path, r.status_code)
        assert "N-100" not in r.text and "Acme" not in r.text
    for path in ("/orders", "/tickets", "/bills", "/disputes", "/listings", "/notices", "/csr", "/directory"):
        r = other.get(path)
        assert r.status_code == 200 and G not in r.text.replace("GRANITE organisation", ""), path
        assert other.get(path, account=G).status_code == 404, path
    assert writes(portal.gateway.engine) == before
    refused = [e for e in audit_entries(portal.gateway.engine) if e.action == "request.refused"]
    assert refused and all(e.actor == email_of("other") for e in refused)  # refused writes are audited


def test_retail_sales_reach_nothing_of_a_clec(portal: Portal, world: dict[str, str]) -> None:
    """IV.8.5: retail sales: every page of a CLEC's information is refused (403, or 404 for an
    object of an account it does not see); only its home page answers, empty."""
    retail = portal.as_("retail")
    retail.get("/")
    for method, path in portal_routes(portal):
        if (method, path) in PUBLIC or path in ("/", "/logout", *SELF):
            continue
        url = filled(path, world)
        r = retail.get(url) if method == "GET" else retail.post(url, {"once": "r"})
        assert r.status_code in (403, 404), (method, path, r.status_code)
        assert "N-100" not in r.text and "Acme" not in r.text


def test_the_auditor_reads_but_writes_nothing(portal: Portal, world: dict[str, str]) -> None:
    """III.7: the auditor reads orders, bills and the audit log; every action is refused (403)."""
    auditor = portal.as_("auditor")
    assert "N-100" in auditor.get("/orders").text
    assert auditor.get(f"/bills/{BILL}").status_code == 200
    assert auditor.get("/audit").status_code == 200
    assert auditor.get("/cpni-access").status_code == 200
    before = writes(portal.gateway.engine)
    for method, path in portal_routes(portal):
        if method != "POST" or ("POST", path) in PUBLIC or path in ("/logout", *SELF):
            continue
        auditor.get("/")
        r = auditor.post(filled(path, world), {"once": "a", "account": G, "period": "2013-04"})
        expected = 404 if path == "/tokens/{token_id}/revoke" else 403  # not its own token: not found
        assert r.status_code == expected, (path, r.status_code)
    assert writes(portal.gateway.engine) == before


def test_a_session_after_sign_out_is_dead(portal: Portal) -> None:
    """A07: signing out revokes the session: its cookie, replayed, reaches nothing."""
    g = portal.as_("granite")
    cookie = g.client.cookies.get("icaops_session")
    assert cookie
    r = g.post("/logout", {})
    assert r.status_code == 303 and r.headers["location"] == "/portal/login"
    thief = portal.browser()
    thief.client.cookies.set("icaops_session", cookie, path="/portal")
    assert thief.get("/").status_code == 303
    assert thief.get("/orders").status_code == 303


def test_a_session_is_the_database_s_not_a_worker_s(portal: Portal) -> None:
    """Stateless workers: a session opened on one worker is good on another over the same
    database, and signing out on one ends it on the other."""
    g = portal.as_("granite")
    cookie = g.client.cookies.get("icaops_session")
    assert cookie
    with second_client(portal.gateway, portal.url) as other_worker:
        other_worker.cookies.set("icaops_session", cookie, path="/portal")
        assert other_worker.get("/portal/", follow_redirects=False).status_code == 200
        g.post("/logout", {})
        assert other_worker.get("/portal/", follow_redirects=False).status_code == 303


def test_an_idle_session_ends_and_an_api_token_is_not_a_session(portal: Portal) -> None:
    """A07: 30 minutes without use end a session; an API token in the cookie is refused."""
    g = portal.as_("granite")
    portal.gateway.clock.now += dt.timedelta(minutes=20)
    assert g.get("/").status_code == 200  # used: the idle time starts again
    portal.gateway.clock.now += dt.timedelta(minutes=31)
    assert g.get("/").status_code == 303
    b = portal.browser()
    b.client.cookies.set("icaops_session", portal.gateway.tokens["granite"], path="/portal")
    assert b.get("/").status_code == 303


def test_a_session_cookie_is_not_an_api_token(portal: Portal) -> None:
    """A07: the portal's session is a cookie, HttpOnly: its value, were it taken, is refused as a
    Bearer token by the API (and an API token as a cookie, above)."""
    b = portal.as_("granite")
    secret = b.client.cookies.get("icaops_session", path="/portal")
    assert secret
    api = portal.gateway.client
    assert api.get("/productOrder", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert (
        api.get("/productOrder", headers={"Authorization": f"Bearer {portal.gateway.tokens['granite']}"}).status_code
        == 200
    )
    assert b.get("/").status_code == 200  # the session itself still works in the portal


def test_the_session_cookie_flags(portal: Portal) -> None:
    """HttpOnly, SameSite=Strict, Path=/portal; Secure when the portal is served over https."""
    b = portal.browser()
    r = b.sign_in(email_of("granite"))
    cookie = r.headers["set-cookie"]
    session = next(c for c in r.headers.get_list("set-cookie") if c.startswith("icaops_session="))
    assert "HttpOnly" in session and "SameSite=strict" in session and "Path=/portal" in session
    assert "Secure" not in session  # plain http in the test
    assert cookie
    secure = Browser(type(b.client)(portal.gateway.client.app, base_url="https://testserver"))
    r = secure.sign_in(email_of("granite"))
    session = next(c for c in r.headers.get_list("set-cookie") if c.startswith("icaops_session="))
    assert "Secure" in session


def test_security_headers_and_no_inline_script(portal: Portal) -> None:
    """CSP without inline script, no framing, nosniff, a referrer policy; no page holds an inline script."""
    g = portal.as_("granite")
    for path in ("/", "/orders", "/orders/new", "/login"):
        r = g.get(path)
        assert r.headers["content-security-policy"] == CSP
        assert "'unsafe-inline'" not in CSP and "frame-ancestors 'none'" in CSP
        assert r.headers["x-frame-options"] == "DENY" and r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "same-origin" and r.headers["cache-control"] == "no-store"
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", r.text) == [], path
        assert " style=" not in r.text and "<style" not in r.text
    js = g.client.get("/portal/static/htmx.min.js")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]


def test_refused_sign_ins_are_uniform_and_limited_per_address(portal: Portal) -> None:
    """A07: an unknown e-mail and a wrong password get the same answer; after MAX_FAILURES refusals
    in the window an address is refused even with the right password, known or not alike."""
    b = portal.browser()
    unknown = b.sign_in("nobody@grn.example", "wrong password!")
    wrong = b.sign_in(email_of("granite"), "wrong password!")
    assert unknown.status_code == wrong.status_code == 401
    message = re.compile(r'<p class="error" role="alert">([^<]*)</p>')
    assert message.findall(unknown.text) == message.findall(wrong.text) == ["e-mail or password not accepted"]
    for _ in range(MAX_FAILURES - 1):
        b.sign_in(email_of("granite"), "wrong password!")
        b.sign_in("nobody@grn.example", "wrong password!")
    limited = b.sign_in(email_of("granite"), PASSWORD)
    also = b.sign_in("nobody@grn.example", PASSWORD)
    assert limited.status_code == also.status_code == 429
    assert message.findall(limited.text) == message.findall(also.text)
    assert portal.as_("ops").get("/").status_code == 200  # other addresses are not affected
    portal.gateway.clock.now += dt.timedelta(minutes=16)
    assert b.sign_in(email_of("granite"), PASSWORD).status_code == 303


def test_a_sign_in_form_from_elsewhere_is_refused(portal: Portal) -> None:
    """Login CSRF: a sign-in posted without the form's one-time value (set in its own cookie) is refused."""
    b = portal.browser()
    r = b.client.post(
        "/portal/login", data={"email": email_of("granite"), "password": PASSWORD, "nonce": "forged"},
        follow_redirects=False,
    )  # fmt: skip
    assert r.status_code == 403 and "icaops_session" not in r.headers.get("set-cookie", "")


def test_sign_in_goes_back_only_to_a_portal_page(portal: Portal) -> None:
    """An open redirect is refused: `next` outside the portal goes to its home page."""
    b = portal.browser()
    page = b.client.get("/portal/login", params={"next": "https://evil.example/"})
    nonce = re.search(r'name="nonce" value="([^"]+)"', page.text)
    assert nonce is not None and "evil" not in page.text
    r = b.client.post(
        "/portal/login",
        data={"email": email_of("granite"), "password": PASSWORD, "nonce": nonce.group(1), "next": "//evil.example/"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/portal/"


def test_audit_rows_name_the_portal_user(portal: Portal) -> None:
    """VI.8.3.2: an action through the portal is in the audit log with its actor, organisation and role."""
    g = portal.as_("granite")
    g.get("/orders/new")
    assert g.post("/orders", {k: str(v) for k, v in lsr().items()}).status_code == 303
    with portal.gateway.engine.connect() as conn:
        row = conn.execute(select(AuditRow).where(AuditRow.action == "lsr.submitted.recorded")).one()
    assert row.subject == "productOrder/GRANITE/N-100"
    assert (row.detail["organisation"], row.detail["role"]) == ("GRN", "clec_user")
