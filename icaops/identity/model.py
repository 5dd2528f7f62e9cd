"""The records of identity and access: organisations, users, API tokens, and the actor a request
acts as. Frozen; the store keeps them and the application layer builds them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .roles import PERMISSIONS, OrgKind, Role

__all__ = ["Actor", "Organisation", "TokenInfo", "User"]


@dataclass(frozen=True, slots=True)
class Organisation:
    """A party using the gateway: CenturyLink (`ilec`), a CLEC known by its OCN and CCNA
    (III.13.1) and owning its billing accounts, or an auditor (III.7)."""

    id: str
    kind: OrgKind
    name: str
    ocn: str | None
    ccna: str | None
    accounts: frozenset[str]


@dataclass(frozen=True, slots=True)
class User:
    """A person of an organisation with one role (its permissions: `PERMISSIONS`)."""

    id: str
    org_id: str
    email: str
    name: str
    role: Role
    disabled: bool


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """An API token as it may be shown: never its secret. `scopes` None: all of the role's
    permissions; otherwise at most these."""

    id: str
    user_id: str
    name: str
    scopes: frozenset[str] | None
    created_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class Actor:
    """Who a request acts as: a user of an organisation, through a token (`token_id`, with its
    `scopes`) or a login (no token). `accounts` are the billing accounts (tenants) of the
    user's organisation when it is a CLEC."""

    user_id: str
    email: str
    org_id: str
    org_kind: OrgKind
    role: Role
    accounts: frozenset[str]
    token_id: str | None = None
    scopes: frozenset[str] | None = None

    def may(self, permission: str) -> bool:
        """Whether the role grants `permission` and, for a scoped token, the token's scopes do too."""
        if permission not in PERMISSIONS[self.role]:
            return False
        return self.scopes is None or permission in self.scopes

    def sees(self, account: str) -> bool:
        """Whether objects of `account` (a CLEC's billing account) exist for this actor: a CLEC
        sees only its own accounts (III.29.1.1); CenturyLink's retail sales none (IV.8.5); the
        other CenturyLink roles and the auditor every account."""
        if self.org_kind == "clec":
            return account in self.accounts
        return self.role != "ilec_retail_sales"
