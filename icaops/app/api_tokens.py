"""API tokens and users as people manage them themselves (the portal's "My API tokens" and
"Users" pages; the operator's `icaops users`/`icaops tokens` commands are unrestricted): a user's
own API tokens — never its portal sessions, which are cookies, not API tokens (`PORTAL_SESSION`)
— issuing one (its secret returned once, never kept) and revoking one; a manager's view of the
users of its OWN organisation and their tokens. `identity.may_manage` lets CenturyLink's managers
manage any organisation's users (they onboard the CLECs at the command line); here a manager
reaches only its own organisation's, and another's user or token is not found."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import Engine

from ..identity.model import Actor, TokenInfo, User
from ..identity.roles import ROLE_ORG_KIND, ROLES, Role
from .errors import UserError
from .identity import (
    PORTAL_SESSION,
    authorise,
    create_user,
    disable_user,
    issue_token,
    list_tokens,
    list_users,
    may_manage,
    revoke_token,
)

__all__ = [
    "add_org_user",
    "api_tokens",
    "disable_org_user",
    "issue_api_token",
    "managed_user",
    "managed_users",
    "org_roles",
    "revoke_api_token",
]

MAX_DAYS = 366
"""The longest expiry a person gives a token here (a longer-lived one is the operator's)."""


def api_tokens(engine: Engine, user_id: str) -> tuple[TokenInfo, ...]:
    """A user's API tokens, oldest first, without their secrets and without its portal sessions."""
    return tuple(t for t in list_tokens(engine, user_id) if t.name != PORTAL_SESSION)


def managed_user(engine: Engine, by: Actor, user_id: str) -> User:
    """`by` itself, or a user of `by`'s own organisation that `by` manages (users.manage); any
    other user — another organisation's above all — is not found (OWASP API1)."""
    if user_id != by.user_id:
        authorise(by, "users.manage")
    for user in list_users(engine, by.org_id):
        if user.id == user_id and (user_id == by.user_id or may_manage(by, user.org_id)):
            return user
    raise UserError(f"no user {user_id!r}", code="not_found", field="user")


def managed_users(engine: Engine, by: Actor) -> tuple[User, ...]:
    """The users of `by`'s own organisation, by e-mail (users.manage)."""
    authorise(by, "users.manage")
    return list_users(engine, by.org_id)


def org_roles(by: Actor) -> tuple[Role, ...]:
    """The roles a user of `by`'s organisation may have (a CLEC's roles for a CLEC...)."""
    return tuple(r for r in ROLES if ROLE_ORG_KIND[r] == by.org_kind)


def issue_api_token(
    engine: Engine,
    by: Actor,
    user_id: str,
    name: str,
    scopes: Iterable[str],
    days: int | None,
    now: dt.datetime,
    token_id: str | None = None,
) -> tuple[str, TokenInfo]:
    """Issue an API token to `by` or a user it manages: its plaintext (shown this once) and what
        may be shown of it. `scopes` narrow the role's permissions (none: all of them); `days` is
        its life (None: until revoked). A token is never named as a portal session is, which would
        make it a cookie rather than an API token. `token_id`: the id a form sent twice gives twice
    (issued once; the second is a conflict)."""
    user = managed_user(engine, by, user_id)
    if name.strip().lower() == PORTAL_SESSION:
        raise UserError(f"name: {PORTAL_SESSION!r} names the portal's sessions; expected another name", field="name")
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise UserError(f"expires in: expected 1 to {MAX_DAYS} days, or none (until revoked)", field="days")
    wanted = frozenset(scopes)
    expires = now + dt.timedelta(days=days) if days is not None else None
    return issue_token(engine, user.id, name, wanted or None, expires, now, by=by, token_id=token_id)


def revoke_api_token(engine: Engine, by: Actor, user_id: str, token_id: str, now: dt.datetime) -> TokenInfo:
    """Revoke an API token of `by` or of a user it manages; a portal session or another user's
    token is not found."""
    user = managed_user(engine, by, user_id)
    if all(t.id != token_id for t in api_tokens(engine, user.id)):
        raise UserError(f"no token {token_id!r}", code="not_found", field="token")
    return revoke_token(engine, token_id, by, now=now)


def add_org_user(engine: Engine, by: Actor, email: str, name: str, role: str, password: str, now: dt.datetime) -> User:
    """Add a user to `by`'s own organisation, with one of its kind's roles (users.manage)."""
    authorise(by, "users.manage")
    roles = org_roles(by)
    chosen = next((r for r in roles if r == role), None)
    if chosen is None:
        raise UserError(f"role {role!r}: expected one of {', '.join(roles)}", field="role")
    return create_user(engine, by.org_id, email, name, chosen, password, by=by, now=now)


def disable_org_user(engine: Engine, by: Actor, user_id: str, now: dt.datetime) -> User:
    """Disable a user of `by`'s own organisation (never `by` itself: it would lock itself out)."""
    user = managed_user(engine, by, user_id)
    if user.id == by.user_id:
        raise UserError("user: a manager does not disable itself; another manager does", field="user")
    return disable_user(engine, user.id, by=by, now=now)
