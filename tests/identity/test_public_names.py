"""The names the REST API is wired to (issue 12 §2-3) stay as they are: changing one is a
change of interface, made here on purpose."""

from __future__ import annotations

import inspect

import icaops.app.identity as app_identity
import icaops.identity as domain


def test_the_domain_exports():
    assert sorted(domain.__all__) == sorted(
        [
            "ALL_PERMISSIONS",
            "ORG_KINDS",
            "PERMISSIONS",
            "ROLES",
            "ROLE_ORG_KIND",
            "WINDOW",
            "Actor",
            "OrgKind",
            "Organisation",
            "RateDecision",
            "Role",
            "TokenInfo",
            "User",
            "decide",
            "window_start",
        ]
    )


def test_the_application_exports_and_their_parameters():
    signatures = {
        name: list(inspect.signature(getattr(app_identity, name)).parameters)
        for name in app_identity.__all__
        if inspect.isfunction(getattr(app_identity, name))
    }
    assert signatures == {
        "actor_name": ["by"],
        "assign_account": ["engine", "org_id", "account_id", "by", "now"],
        "audit_by": ["engine", "by", "action", "subject", "detail"],
        "authenticate": ["engine", "authorization", "now", "session"],
        "authorise": ["actor", "permission", "account"],
        "check_rate": ["engine", "token_id", "now", "terms"],
        "create_organisation": ["engine", "id", "kind", "name", "ocn", "ccna", "accounts", "by", "now"],
        "create_user": ["engine", "org_id", "email", "name", "role", "password", "by", "now"],
        "disable_user": ["engine", "user_id", "by", "now"],
        "find_user": ["engine", "email"],
        "issue_token": ["engine", "user_id", "name", "scopes", "expires_at", "now", "by", "token_id"],
        "list_organisations": ["engine"],
        "list_tokens": ["engine", "user_id"],
        "list_users": ["engine", "org_id"],
        "login": ["engine", "email", "password", "now"],
        "may_manage": ["by", "org_id"],
        "revoke_token": ["engine", "token_id", "by", "now"],
    }
    assert {"RateDecision", "TokenInfo", "MIN_PASSWORD_CHARS", "TOKEN_PATTERN", "LAST_USED_EVERY"} <= set(
        app_identity.__all__
    )
