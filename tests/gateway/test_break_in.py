"""The gateway tries to break into itself: every route of the application, walked from `app.routes`
and the published OpenAPI (not a hand-kept list), called by the wrong tenant, the wrong role, the
wrong token and with the wrong fields, after GRANITE has real objects of every kind (orders, a
ticket, a listing, the Blanket LOA, an End User authorisation, a CSR inquiry, escalation
procedures, a directory close).

What each test tries, with the OWASP API Security Top 10 (2023) item it covers:

- API1 Broken Object Level Authorization: OTHERCO's users on every GRANITE route get 404, never
  a 403 that would reveal the object, exactly as for an account that does not exist (III.29.1.1,
  VI.8: a CLEC's customer information is its own); nothing is written; OTHERCO's lists hold none
  of GRANITE's objects.
- API5 Broken Function Level Authorization: CenturyLink's retail sales reach nothing of a CLEC's
  (IV.8.5); the auditor writes nothing (III.7); a token scoped to orders.read cannot submit.
- API2 Broken Authentication: no token, a malformed, unknown, revoked or expired one: 401 on every
  route but /auth/token, before the request's body is read.
- API3 Broken Object Property Level Authorization: fields the server fills (`id`, `date`, `type`,
  `at`, `actor`, an `account` other than the path's) and unknown fields (mass assignment) are
  refused, never trusted.
- API9/API10 inventory: a route without coverage fails the suite (the count of routes covered is
  the count of routes in the app).
- Audit (VI.8.3.2, VI.8.4.4): each refused attempt on an account-scoped write and every read of
  customer information (a CSR inquiry, granted or refused) has its audit row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import Engine, select

from icaops.app.audit import audit_entries
from icaops.app.identity import find_user, issue_token, revoke_token
from icaops.identity.roles import PERMISSIONS
from icaops.store.models import Base

from .billing_setup import AE_LINE, BILL, bill_march, item
from .conftest import ROLES, Gateway, lsr
from .hooks import subscribe

G, O = "GRANITE", "OTHERCO"
NOBODY = "NOSUCHACCT"  # an account no organisation owns: what "not there" looks like
WTN = "2085550101"
PUBLIC = {("POST", "/auth/token")}  # sign-in: credentials, not a token
SELF = {("GET", "/me")}  # the caller's own user: no account, no tenant's object
# Besides /me, the reads of the agreement's terms are all that retail sales may reach (IV.8.5).
RETAIL_MAY = SELF
SERVER_FILLED = ("id", "date", "type", "at", "actor")
# Tables a refused request may still touch: the audit log (it records the refusal), the token's
# last use and the rate window (VI.13.2). Everything else must be byte-for-byte unchanged.
BOOKKEEPING = {"audit_log", "api_tokens", "rate_windows"}
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
# Writes that name no tenant: they act on the caller's own organisation (a webhook subscription).
OWN_ORGANISATION = {("POST", "/hub")}
# Path parameters that name no tenant's object: a deadline's name is the agreement's.
TENANTLESS = {"name"}
# Body and query fields that name the tenant: its account, or a bill (ACCOUNT:PERIOD).
TENANT_FIELDS = ("account", "bill")


@dataclass(frozen=True)
class Op:
    """One operation of the API: its method, path template and published OpenAPI operation."""

    method: str
    path: str
    spec: Mapping[str, Any]

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def body_schema(self) -> Mapping[str, Any] | None:
        body = self.spec.get("requestBody")
        return None if body is None else body["content"]["application/json"]["schema"]

    @property
    def query(self) -> set[str]:
        return {p["name"] for p in self.spec.get("parameters", ()) if p["in"] == "query"}

    @property
    def params(self) -> list[str]:
        return [s.split("}")[0] for s in self.path.split("{")[1:]]

    @property
    def account_scoped(self) -> bool:
        """Whether the operation names a CLEC's account or object: in its path (any parameter
        but a tenantless one), its body or its query."""
        body = (self.body_schema or {}).get("properties", {})
        named = {*body, *self.query} & set(TENANT_FIELDS)
        return bool(named) or any(p not in TENANTLESS for p in self.params)


def operations(gateway: Gateway) -> list[Op]:
    """Every APIRoute of the application with its published OpenAPI operation; fails if a route
    is left out of /openapi.json (it would escape schemathesis) or /openapi.json names another."""
    app: Any = gateway.client.app
    routes = [c.original_route for c in iter_route_contexts(app.routes)]
    pairs = {(m, r.path_format) for r in routes if isinstance(r, APIRoute) for m in r.methods}
    document = gateway.client.get("/openapi.json").json()
    published = inline(document["paths"], document.get("components", {}).get("schemas", {}))
    documented = {(m.upper(), p) for p, ops in published.items() for m in ops}
    assert pairs == documented, f"routes not published: {pairs - documented}; published, no route: {documented - pairs}"
    return [Op(m, p, published[p][m.lower()]) for m, p in sorted(pairs, key=lambda mp: (mp[1], mp[0]))]


def inline(node: Any, schemas: Mapping[str, Any]) -> Any:
    """`node` with every `#/components/schemas/` reference replaced by the schema it names."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            return inline(schemas[ref.removeprefix("#/components/schemas/")], schemas)
        return {k: inline(v, schemas) for k, v in node.items()}
    if isinstance(node, list):
        return [inline(v, schemas) for v in node]
    return node


# -- GRANITE's objects ------------------------------------------------------------------------


@dataclass(frozen=True)
class World:
    """GRANITE's real objects by path parameter, and strings that only GRANITE's data holds."""

    keys: Mapping[str, str]
    markers: tuple[str, ...]


def ok(r: Any, *status: int) -> Any:
    assert r.status_code in (status or (200, 201)), f"{r.request.method} {r.request.url.path}: {r.text}"
    return r.json()


def seed(gateway: Gateway) -> World:
    """GRANITE's objects of every kind, as a CLEC and CenturyLink make them; one order of OTHERCO's."""
    gw = gateway
    bill_march(gw)  # GRANITE's closed March 2013 bill, BILL
    ok(gw.post("granite", "/productOrder", lsr()))
    ok(gw.post("ops", "/productOrder/GRANITE/N-100/confirm", {}))
    ok(gw.post("ops", "/productOrder/GRANITE/N-100/complete", {"wtns": [WTN]}))
    ok(gw.post("granite", "/productOrder", lsr(pon="N-200", end_user="Zephyr Bakery")))
    ok(gw.post("granite", "/directoryMethod", {"account": G, "method": "lsr_dsr"}))
    listing = {"account": G, "wtn": WTN, "action": "add", "via": "lsr", "name": "Acme Hardware"}
    ok(gw.post("granite", "/directoryListing", listing))
    ok(gw.post("ops", "/directoryClose", {"account": G, "directory": "boise-2014", "close": "2014-03-14"}))
    ok(gw.post("granite_admin", "/blanketLoa", {"account": G}))
    ref = str(ok(gw.post("granite", "/cpniAuthorization", {"account": G, "wtn": WTN}))["id"])
    csr = {"account": G, "wtn": WTN, "channel": "electronic", "authorization": ref}
    ok(gw.post("granite", "/csrInquiry", csr))
    report = {
        "account": G,
        "ticket": "T1",
        "wtn": WTN,
        "trouble": "no dial tone",
        "isolation": "tested to the NID",
        "isolation_attested": True,
    }
    ok(gw.post("granite", "/troubleTicket", report))
    levels = [{"level": 1, "contact": "Repair desk 800-555-0100", "after_hours": 4}]
    ok(gw.post("ops", "/escalationProcedures/GRANITE", {"levels": levels}))
    ok(gw.post("other", "/productOrder", lsr(account=O, pon="O-1", ccna="OTH", end_user="Other Co Client")))
    dispute = str(ok(gw.post("granite", "/billingDispute", {"bill": BILL, "items": [item(AE_LINE, "1.00")]}))["id"])
    notice = {"account": G, "kind": "dispute", "method": "first_class_mail"}
    notice_id = str(ok(gw.post("granite_admin", "/notice", notice))["id"])
    hub_id = str(subscribe(gw, "granite_admin", "NoticeCreateEvent")["id"])
    keys = {
        "account": G,
        "pon": "N-200",
        "ticket": "T1",
        "ref": ref,
        "wtn": WTN,
        "bill_id": BILL,
        "line": AE_LINE,
        "dispute_id": dispute,
        "notice_id": notice_id,
        "hub_id": hub_id,
    }
    markers = (G, "N-100", "N-200", "Acme Hardware", "Zephyr Bakery", WTN, ref, dispute, notice_id, hub_id)
    markers += ("hooks.granite.example",)
    return World(keys, markers)


@pytest.fixture
def world(gateway: Gateway) -> World:
    return seed(gateway)


# -- requests built from the published schema --------------------------------------------------

KEY_OF = {"productOrder": "pon", "troubleTicket": "ticket"}  # an action route's {key}, by resource
REALISTIC: Mapping[str, Any] = {
    "wtn": WTN,
    "wtns": [WTN],
    "directory": "boise-2014",
    "channel": "electronic",
    "method": "lsr_dsr",
    "ticket": "T9",
    "pon": "N-900",
    "bill": BILL,
    "line": AE_LINE,
    "period": "2013-04",
}
NOWHERE: Mapping[str, str] = {
    "bill_id": f"{NOBODY}:2013-03",
    "line": f"{NOBODY}:2013-03:nrc:O1:account_establishment",
    "dispute_id": f"{NOBODY}-dispute-1",
    "notice_id": f"{NOBODY}-notice-1",
    "hub_id": f"{NOBODY}-hub-1",
}
"""Objects of no one: what "not there" looks like for each path parameter that names one."""
EXAMPLE_BODIES: Mapping[tuple[str, str], dict[str, Any]] = {
    ("POST", "/productOrder"): lsr(pon="N-900"),
    ("POST", "/auth/token"): {"email": "granite@grn.example", "password": "correct horse battery staple"},
    ("POST", "/billingDispute"): {"bill": BILL, "items": [item(AE_LINE, "1.00")]},
    ("POST", "/notice"): {"account": G, "kind": "dispute", "method": "first_class_mail"},
    ("POST", "/hub"): {"callback": "https://hooks.granite.example/events", "eventTypes": ["NoticeCreateEvent"]},
}


def example(schema: Mapping[str, Any], name: str = "") -> Any:
    """A value valid for `schema` (required properties only), realistic where the name says what."""
    if name in REALISTIC:
        return REALISTIC[name]
    if "enum" in schema:
        return schema["enum"][0]
    if "anyOf" in schema:
        return example(next(s for s in schema["anyOf"] if s.get("type") != "null"), name)
    kind = schema.get("type")
    if kind == "object":
        required = schema.get("required", ())
        return {k: example(v, k) for k, v in schema.get("properties", {}).items() if k in required}
    if kind == "array":
        return [example(schema["items"], name) for _ in range(schema.get("minItems", 0))]
    if kind == "boolean":
        return True
    if kind in ("integer", "number"):
        return max(schema.get("minimum", 1), 1)
    if schema.get("format") == "date":
        return "2013-03-08"
    if schema.get("format") == "date-time":
        return "2013-03-04T10:00:00-06:00"
    return "X1" + "0" * max(0, schema.get("minLength", 0) - 2)


def request_of(op: Op, world: World, tenant: str = G, **extra: Any) -> tuple[str, dict[str, Any] | None]:
    """The path (GRANITE's real objects in it, the account `tenant`) and a valid body naming `tenant`."""
    path = op.path
    for name in op.params:
        key = KEY_OF.get(op.path.split("/")[1], name) if name == "key" else name
        if key in TENANTLESS:
            value = "ordering_allowed"
        else:
            assert key in world.keys, f"{op.label}: no GRANITE object for {{{name}}}: seed one in seed()"
            value = tenant if key == "account" else NOWHERE.get(key, world.keys[key])
            value = world.keys[key] if tenant == G and key != "account" else value
        path = path.replace(f"{{{name}}}", value)
    schema = op.body_schema
    if schema is None:
        return path, None
    body = dict(EXAMPLE_BODIES.get((op.method, op.path)) or example(schema))
    if "account" in schema.get("properties", {}):
        body["account"] = tenant
    if "bill" in schema.get("properties", {}):
        body["bill"] = BILL if tenant == G else NOWHERE["bill_id"]
    return path, {**body, **extra}


def call(gateway: Gateway, who: str | None, op: Op, path: str, body: Any, headers: Any = None, **params: Any) -> Any:
    hdrs = dict(headers) if headers is not None else (gateway.as_(who) if who else {})
    return gateway.client.request(op.method, path, json=body, headers=hdrs, params=params or None)


def snapshot(engine: Engine) -> dict[str, list[str]]:
    """Every row of every table but the bookkeeping ones: the event log, the projections, the
    idempotent responses, bills, the ledger, identity, webhooks."""
    with engine.connect() as conn:
        return {
            t.name: sorted(repr(tuple(row)) for row in conn.execute(select(t)))
            for t in Base.metadata.sorted_tables
            if t.name not in BOOKKEEPING
        }


def unchanged(before: dict[str, list[str]], after: dict[str, list[str]], who: str, op: Op) -> None:
    changed = sorted(t for t in before if before[t] != after[t])
    assert not changed, f"{who} on {op.label}: refused, yet wrote to {changed}"


def leaks(text: str, world: World, sent: str = "") -> list[str]:
    """GRANITE's data in an answer, but what the request itself sent (`sent`: an echoed id)."""
    return [m for m in world.markers if m in text and m not in sent]


# -- API1: another CLEC ------------------------------------------------------------------------


def refusal(r: Any, path: str, body: Any) -> tuple[int, str, str]:
    """An answer's status, code and message, the identifiers the request sent (echoed back)
    replaced by `<sent>`: what is left must not depend on whose object was asked for."""
    answer = r.json()
    message = str(answer.get("message"))
    sent = [*path.split("/"), *(v for v in (body or {}).values() if isinstance(v, str))]
    for value in sorted((v for v in sent if len(v) > 2), key=len, reverse=True):
        message = message.replace(value, "<sent>")
    return r.status_code, answer.get("code"), message


@pytest.mark.parametrize("attacker", ["other", "other_admin"])
def test_another_clec_gets_404_on_every_granite_route_and_writes_nothing(
    gateway: Gateway, world: World, attacker: str
) -> None:
    """OWASP API1 (BOLA), III.29.1.1, VI.8: every route naming an account, called by OTHERCO's
    user or admin with GRANITE's real order, ticket, listing, authorisation and WTN in the path or
    the body, answers 404 exactly as for an account that does not exist; a 403 only where the
    role has no such permission at all (an ILEC action: the same answer for every account, so it
    reveals nothing). Nothing is written: the event log, the projections and every other table
    are unchanged."""
    attack_every_route(gateway, world, attacker)


@pytest.mark.slow
def test_another_clec_gets_404_on_every_granite_route_on_postgresql(pg_gateway: Gateway) -> None:
    """The same attack on PostgreSQL, the production database (issue 12 §4): OWASP API1, III.29.1.1."""
    attack_every_route(pg_gateway, seed(pg_gateway), "other_admin")


def attack_every_route(gateway: Gateway, world: World, attacker: str) -> None:
    """`attacker` (an OTHERCO user) on every route with GRANITE's real objects: see above."""
    role = ROLES[attacker][2]
    covered = 0
    for op in operations(gateway):
        if (op.method, op.path) in PUBLIC | SELF:
            covered += 1
            continue
        if not op.account_scoped:
            # Lists (and the agreement's deadlines) are the list test's; a write naming no tenant must act
            # on the caller's own organisation.
            listed = op.method == "GET" and set(op.params) <= TENANTLESS
            assert listed or (op.method, op.path) in OWN_ORGANISATION, (
                f"{op.label} names no account, bill or object: how does it choose the tenant? Cover it here"
            )
            covered += 1
            continue
        path, body = request_of(op, world, G)
        params = {"account": G} if op.method == "GET" and "account" in op.query and "{account}" not in op.path else {}
        before = snapshot(gateway.engine)
        r = call(gateway, attacker, op, path, body, **params)
        unchanged(before, snapshot(gateway.engine), attacker, op)
        assert r.status_code != 422 or r.json()["code"] != "invalid", (
            f"{op.label}: the test's body is invalid: {r.text}"
        )
        assert not leaks(r.text, world, f"{path} {body}"), (
            f"{attacker} on {op.label} ({path}): GRANITE's data in the answer: {r.text}"
        )
        nobody_path, nobody_body = request_of(op, world, NOBODY)
        nobody = call(gateway, attacker, op, nobody_path, nobody_body, **({"account": NOBODY} if params else {}))
        if r.status_code == 403:
            permission = r.json()["message"].rsplit(" ", 1)[-1].split(" ")[0]
            assert r.json()["code"] == "forbidden" and f"role {role} has no permission" in r.json()["message"], (
                f"{attacker} on {op.label}: 403 that is not the role's: {r.text}"
            )
            assert permission not in PERMISSIONS[role], f"{attacker} on {op.label}: 403 though the role may"
        else:
            assert r.status_code == 404, f"{attacker} on {op.label} ({path}): {r.status_code} {r.text}, expected 404"
        mine, none = refusal(r, path, body), refusal(nobody, nobody_path, nobody_body)
        assert mine == none, f"{attacker} on {op.label}: GRANITE's object answers {mine}, no object {none}"
        covered += 1
    assert covered == len(operations(gateway))


def test_lists_of_another_clec_hold_none_of_granite_objects(gateway: Gateway, world: World) -> None:
    """OWASP API1, III.29.1.1: every list (a GET naming no tenant's object: lists, the calendar,
    the agreement's deadlines), called by OTHERCO's users, holds OTHERCO's objects and none of
    GRANITE's; asked for GRANITE's account: 404."""
    lists = [op for op in operations(gateway) if op.method == "GET" and set(op.params) <= TENANTLESS]
    assert lists, "no list route found"
    for op in lists:
        path, _ = request_of(op, world, O)
        for who in ("other", "other_admin"):
            r = call(gateway, who, op, path, None)
            assert r.status_code in (200, 403), f"{who} on {op.label}: {r.status_code} {r.text}"
            assert not leaks(r.text, world), f"{who} on {op.label}: GRANITE's {leaks(r.text, world)} in {r.text}"
            if r.status_code == 200 and "account" in op.query:
                assert call(gateway, who, op, path, None, account=G).status_code == 404, f"{who} {op.label}"
    orders = gateway.get("other", "/productOrder").json()["items"]
    assert [o["id"] for o in orders] == ["OTHERCO/O-1"]  # the list works: OTHERCO sees its own


# -- API5: retail sales, the auditor, a scoped token ------------------------------------------


def test_retail_sales_reach_nothing_of_a_clec_s(gateway: Gateway, world: World) -> None:
    """IV.8.5: CenturyLink's retail sales "will not have access to information regarding Granite's
    requests for resold services or other competitively sensitive information" (OWASP API5):
    every route answers 403 or 404, except the signed-in user (/me) and reads of the terms;
    nothing is written and no answer holds GRANITE's data."""
    covered = 0
    for op in operations(gateway):
        covered += 1
        if (op.method, op.path) in PUBLIC:
            continue
        path, body = request_of(op, world, G)
        before = snapshot(gateway.engine)
        r = call(gateway, "retail", op, path, body)
        unchanged(before, snapshot(gateway.engine), "retail", op)
        if (op.method, op.path) in RETAIL_MAY:
            assert r.status_code == 200 and not leaks(r.text, world), f"retail on {op.label}: {r.text}"
        else:
            assert r.status_code in (403, 404), f"retail on {op.label} ({path}): {r.status_code} {r.text}"
            assert not leaks(r.text, world, f"{path} {body}"), f"retail on {op.label}: {r.text}"
    assert covered == len(operations(gateway))


def test_the_auditor_writes_nothing(gateway: Gateway, world: World) -> None:
    """III.7 (an audit reads books and records), OWASP API5: every POST and DELETE by the auditor
    is 403, on GRANITE's real objects; nothing is written."""
    writes = [op for op in operations(gateway) if op.method in WRITES and (op.method, op.path) not in PUBLIC]
    assert writes
    for op in writes:
        path, body = request_of(op, world, G)
        before = snapshot(gateway.engine)
        r = call(gateway, "auditor", op, path, body)
        unchanged(before, snapshot(gateway.engine), "auditor", op)
        assert r.status_code == 403, f"auditor on {op.label} ({path}): {r.status_code} {r.text}"


def test_a_token_scoped_to_reading_orders_cannot_submit_one(gateway: Gateway, world: World) -> None:
    """OWASP API5: a token's scopes bound its role's permissions: orders.read reads GRANITE's
    orders and cannot POST /productOrder (403), nor open a ticket."""
    user = find_user(gateway.engine, "granite@grn.example")
    token, _ = issue_token(gateway.engine, user.id, "reader", frozenset({"orders.read"}), None, gateway.clock.now)
    headers = {"Authorization": f"Bearer {token}"}
    assert gateway.client.get("/productOrder/GRANITE/N-200", headers=headers).status_code == 200
    before = snapshot(gateway.engine)
    r = gateway.client.post("/productOrder", json=lsr(pon="N-901"), headers=headers)
    assert r.status_code == 403 and "scopes" in r.json()["message"], r.text
    r = gateway.client.post("/troubleTicket/GRANITE/T1/cancel", json={}, headers=headers)
    assert r.status_code == 403, r.text
    unchanged(before, snapshot(gateway.engine), "orders.read token", Op("POST", "/productOrder", {}))


# -- API2: tokens ------------------------------------------------------------------------------


@pytest.fixture
def bad_tokens(gateway: Gateway) -> Iterator[dict[str, dict[str, str]]]:
    """Headers that must not authenticate: none, malformed, unknown, another secret, revoked, expired."""
    user = find_user(gateway.engine, "other@oth.example")
    start = gateway.clock.now - dt.timedelta(days=2)
    revoked, info = issue_token(gateway.engine, user.id, "revoked", None, None, start)
    revoke_token(gateway.engine, info.id, None, now=start + dt.timedelta(hours=1))
    expired, _ = issue_token(gateway.engine, user.id, "expired", None, start + dt.timedelta(days=1), start)
    good = gateway.tokens["other"]
    yield {
        "none": {},
        "not bearer": {"Authorization": f"Basic {good}"},
        "malformed": {"Authorization": "Bearer not-a-token"},
        "unknown": {"Authorization": "Bearer icaops_0123456789abcdef_" + "A" * 43},
        "another secret": {"Authorization": f"Bearer {good[:-4]}AAAA"},
        "revoked": {"Authorization": f"Bearer {revoked}"},
        "expired": {"Authorization": f"Bearer {expired}"},
    }


def test_no_valid_token_no_answer_on_every_route(
    gateway: Gateway, world: World, bad_tokens: dict[str, dict[str, str]]
) -> None:
    """OWASP API2: every route but /auth/token answers 401 to a missing, malformed, unknown,
    revoked or expired token, before it reads the body (an invalid body gets 401, not 422)."""
    covered = 0
    for op in operations(gateway):
        covered += 1
        if (op.method, op.path) in PUBLIC:
            continue
        path, _ = request_of(op, world, G)
        body = {"junk": True} if op.body_schema is not None else None
        for name, headers in bad_tokens.items():
            before = snapshot(gateway.engine)
            r = call(gateway, None, op, path, body, headers=headers)
            unchanged(before, snapshot(gateway.engine), f"token {name}", op)
            assert r.status_code == 401, f"{op.label} with token {name}: {r.status_code} {r.text}"
            assert r.headers.get("WWW-Authenticate") == "Bearer", op.label
            assert not leaks(r.text, world), f"{op.label} with token {name}: {r.text}"
    assert covered == len(operations(gateway))
    assert gateway.client.get("/openapi.json").status_code == 200  # published to all
    sign_in = gateway.client.post("/auth/token", json=EXAMPLE_BODIES[("POST", "/auth/token")])
    assert sign_in.status_code == 201, sign_in.text


def test_an_overlong_e_mail_is_refused_not_a_server_error(gateway: Gateway) -> None:
    """OWASP API8 (found by schemathesis): an e-mail longer than any stored one is refused as
    invalid (422) by the API and `unauthorized` by the login itself, never a 500."""
    r = gateway.client.post("/auth/token", json={"email": "a" * 300 + "@x.example", "password": "p"})
    assert r.status_code == 422 and r.json()["field"] == "email", r.text
    from icaops.app.errors import UserError
    from icaops.app.identity import login

    with pytest.raises(UserError) as refused:
        login(gateway.engine, "a" * 300 + "@x.example", "p", gateway.clock.now)
    assert refused.value.code == "unauthorized"


def test_obligations_of_a_notice_given_through_the_gateway_are_computed(gateway: Gateway, world: World) -> None:
    """Found by schemathesis (a 500): a dispute notice given through the API has an id with dots
    (`notice.given:<hex>`), which broke the lifecycle's query names (`dispute.<id>.representative_by`);
    its III.20.1 duties are computed, not a server error."""
    r = gateway.get("granite", "/obligations", asOf="2014-01-01")
    assert r.status_code == 200, r.text
    notice = world.keys["notice_id"]
    owed = {o["id"] for o in r.json()["items"]}
    assert f"dispute_meeting:{notice}:clec" in owed, owed  # III.20.1, of the same notice


# -- API3: properties --------------------------------------------------------------------------


def test_server_filled_and_unknown_fields_are_refused_never_trusted(gateway: Gateway, world: World) -> None:
    """OWASP API3 (property level, mass assignment): on every POST with a body, GRANITE's own user
    adding a field the server fills (`id`, `date`, `type`, `at`, `actor`) or one the API does not
    know is refused 422 naming the field, and nothing is written; an action's body cannot name
    another account than the path's."""
    covered = 0
    for op in operations(gateway):
        covered += 1
        schema = op.body_schema
        if schema is None or (op.method, op.path) in PUBLIC:
            continue
        who = "ops" if op.path in ("/directoryClose", "/galleyProof") else "granite_admin"
        for field, value in [(f, "2013-01-01") for f in SERVER_FILLED] + [("isAdmin", True), ("role", "auditor")]:
            if field in schema.get("properties", {}):
                continue  # a field of the action itself (e.g. a dispatch's `at` when the body gives it)
            path, body = request_of(op, world, G, **{field: value})
            before = snapshot(gateway.engine)
            r = call(gateway, who, op, path, body)
            unchanged(before, snapshot(gateway.engine), who, op)
            assert r.status_code == 422 and r.json()["field"] == field, (
                f"{who} on {op.label} with {field}={value!r}: {r.status_code} {r.text}"
            )
        if "{account}" in op.path and "account" not in schema.get("properties", {}):
            path, body = request_of(op, world, G, account=O)
            r = call(gateway, who, op, path, body)
            assert r.status_code == 422 and r.json()["field"] == "account", f"{op.label} account=OTHERCO: {r.text}"
    assert covered == len(operations(gateway))


# -- audit -------------------------------------------------------------------------------------


def test_each_refused_write_and_every_customer_record_read_is_audited(gateway: Gateway, world: World) -> None:
    """VI.8.3.2 (CenturyLink monitors access to OSS information), VI.8.4.4 (each access with its
    authorisation), OWASP API1/API5: every refused attempt on an account-scoped write has an audit
    row with the actor, organisation, role and the object; a CSR inquiry granted or refused has
    one with its authorisation reference."""
    writes = [op for op in operations(gateway) if op.method in WRITES and op.account_scoped]
    before = len(audit_entries(gateway.engine))
    for op in writes:
        path, body = request_of(op, world, G)
        r = call(gateway, "other_admin", op, path, body)
        assert r.status_code in (403, 404), f"{op.label}: {r.text}"
        rows = audit_entries(gateway.engine)[before:]
        assert [(a.action, a.subject) for a in rows] == [("request.refused", path)], f"{op.label}: {rows}"
        row = rows[0]
        assert row.actor == "other_admin@oth.example", op.label
        assert (row.detail["org"], row.detail["role"], row.detail["status"]) == ("OTH", "clec_admin", r.status_code)
        before += 1
    ref = world.keys["ref"]
    for who, status in (("granite", 201), ("granite", 201)):
        csr = {"account": G, "wtn": WTN, "channel": "electronic", "authorization": ref}
        assert gateway.post(who, "/csrInquiry", csr).status_code == status
    ok(gateway.post("granite_admin", "/blanketLoa/withdraw", {"account": G}))
    csr = {"account": G, "wtn": WTN, "channel": "electronic", "authorization": ref}
    refused = gateway.post("granite", "/csrInquiry", csr)
    assert refused.status_code == 422 and refused.json()["kept"] is True, refused.text
    reads = [a for a in audit_entries(gateway.engine) if a.action.startswith("csr.requested")]
    assert len(reads) == 4, [(a.action, a.detail) for a in reads]  # seed's, two more, the refused one
    assert all(a.subject == f"csrInquiry/GRANITE/{WTN}" and a.detail["authorization"] == ref for a in reads)
    assert reads[-1].action == "csr.requested.kept_refused" and "blanket_loa_missing" in reads[-1].reason
