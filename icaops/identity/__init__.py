"""Identity and access for the gateway (issue 12 §3): roles and their permissions (IV.8.5,
VI.8.3, VI.8.4.4, III.7), organisations, users, tokens, the actor of a request and the
per-token rate windows (VI.13.2). Pure: the store keeps the records, icaops.app.identity acts."""

from .model import Actor, Organisation, TokenInfo, User
from .rates import WINDOW, RateDecision, decide, window_start
from .roles import ALL_PERMISSIONS, ORG_KINDS, PERMISSIONS, ROLE_ORG_KIND, ROLES, OrgKind, Role

__all__ = [
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
