"""My API tokens and a manager's users, through the portal: a token listed without its secret,
its secret shown once, revoked (then refused by the API, A07); a portal session is never listed
as an API token nor named as one; a manager (users.manage) manages only its OWN organisation's
users — another organisation's user or token is not found (OWASP API1), even for CenturyLink's."""

from __future__ import annotations

import re

from icaops.app.identity import find_user, list_tokens

from .conftest import Portal, email_of

SECRET = re.compile(r'id="secret" class="secret" type="text" readonly value="(icaops_[^"]+)"')


def test_a_token_issued_shown_once_used_and_revoked(portal: Portal) -> None:
    """The secret is on the issuing answer only; the list shows the token without it; the API
    accepts it (with its scopes) until it is revoked from the portal."""
    g = portal.as_("granite")
    page = g.get("/tokens").text
    assert "<td>portal session</td>" not in page and "</code></td><td>test</td>" in page  # its API token
    r = g.post("/tokens", {"name": "order bot", "days": "30", "scopes": ["orders.read"], "once": "t1"})
    assert r.status_code == 201 and "only time the secret is shown" in r.text
    found = SECRET.search(r.text)
    assert found is not None
    secret = found.group(1)
    token_id = secret.split("_")[1]
    listed = g.get("/tokens").text
    assert secret not in listed and secret.rsplit("_", 1)[1] not in listed
    assert f"<code>{token_id}</code></td><td>order bot</td><td>orders.read</td>" in listed
    api = portal.gateway.client
    bearer = {"Authorization": f"Bearer {secret}"}
    assert api.get("/productOrder", headers=bearer).status_code == 200
    assert api.get("/customerBill", headers=bearer).status_code == 403  # scoped to orders.read
    assert g.post(f"/tokens/{token_id}/revoke", {"once": "t2"}).status_code == 303
    assert api.get("/productOrder", headers=bearer).status_code == 401
    assert g.get("/").status_code == 200  # the session is not an API token and was not touched


def test_a_session_is_neither_listed_nor_revoked_nor_named_as_an_api_token(portal: Portal) -> None:
    """A portal session is a cookie (PORTAL_SESSION): not on the page, not revocable there (404),
    and no API token may take its name (it would be a cookie, not an API token)."""
    g = portal.as_("granite")
    user = find_user(portal.gateway.engine, email_of("granite"))
    session = [t for t in list_tokens(portal.gateway.engine, user.id) if t.name == "portal session"][-1]
    assert session.id not in g.get("/tokens").text
    assert g.post(f"/tokens/{session.id}/revoke", {"once": "s"}).status_code == 404
    r = g.post("/tokens", {"name": "Portal Session", "once": "n"})
    assert r.status_code == 422 and "names the portal&#39;s sessions" in r.text
    assert g.get("/").status_code == 200


def test_a_clec_admin_manages_its_own_organisation_s_users_only(portal: Portal) -> None:
    """users.manage: GRANITE's admin adds a user (a CLEC's role only), revokes its users' tokens,
    disables a user (who then cannot sign in); OTHERCO's admin and CenturyLink's operations
    (whom identity.may_manage would let manage any organisation) find none of GRANITE's users
    nor tokens (404); a CLEC user has no users page (403)."""
    engine = portal.gateway.engine
    admin = portal.as_("granite_admin")
    page = admin.get("/users").text
    assert email_of("granite") in page and email_of("other") not in page
    r = admin.post("/users", {"email": "new@grn.example", "name": "New", "role": "ilec_billing",
                              "password": "x" * 16, "once": "u0"})  # fmt: skip
    assert r.status_code == 422 and "expected one of clec_user, clec_admin" in r.text
    r = admin.post("/users", {"email": "new@grn.example", "name": "New", "role": "clec_user",
                              "password": "correct horse battery", "once": "u1"})  # fmt: skip
    assert r.status_code == 303, r.text
    assert portal.browser().sign_in("new@grn.example", "correct horse battery").status_code == 303
    granite = find_user(engine, email_of("granite"))
    (token,) = [t for t in list_tokens(engine, granite.id) if t.name == "test"]
    for who in ("other_admin", "ops"):
        b = portal.as_(who)
        assert email_of("granite") not in b.get("/users").text
        assert b.post(f"/users/{granite.id}/tokens/{token.id}/revoke", {"once": "x"}).status_code == 404, who
        assert b.post(f"/users/{granite.id}/disable", {"once": "y"}).status_code == 404, who
        assert b.post(f"/tokens/{token.id}/revoke", {"once": "z"}).status_code == 404, who
    api = portal.gateway.client
    assert api.get("/productOrder", headers=portal.gateway.as_("granite")).status_code == 200
    admin.get("/users")
    assert admin.post(f"/users/{granite.id}/tokens/{token.id}/revoke", {"once": "r"}).status_code == 303
    assert api.get("/productOrder", headers=portal.gateway.as_("granite")).status_code == 401
    assert admin.post(f"/users/{granite.id}/disable", {"once": "d"}).status_code == 303
    assert portal.browser().sign_in(email_of("granite")).status_code == 401
    assert portal.as_("other").get("/users").status_code == 403


def test_a_token_form_sent_twice_issues_one_token(portal: Portal) -> None:
    """A reload re-posts the form: the second answer is a conflict naming the token, its secret
    not shown again (it is not kept), and the user has one token of that name."""
    g = portal.as_("granite")
    g.get("/tokens")
    form = {"name": "reloaded", "once": "form-1"}
    first = g.post("/tokens", form)
    assert first.status_code == 201 and SECRET.search(first.text)
    again = g.post("/tokens", form)
    assert again.status_code == 409 and SECRET.search(again.text) is None
    assert "issued by this request already" in again.text
    assert g.get("/tokens").text.count("<td>reloaded</td>") == 1
    assert g.post("/tokens", {**form, "once": "form-2"}).status_code == 201  # a new form: a new token
