"""Who may read what of a CLEC's information: a pure rule for the API to enforce (IV.8.5, III.29.1.1).

CenturyLink's retail sales and marketing personnel never see a CLEC's requests for resold
services nor other competitively sensitive information (IV.8.5); a CLEC sees only its own
(III.29.1.1, III.14); CenturyLink's wholesale operations see what providing the service needs
(VI.14.1), billing what billing needs, and an auditor the records of an audit (VI.8.3, VI.8.4.4).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ..explain import Explained, Step
from ..identity.roles import ROLES, Role

__all__ = ["ILEC", "INFORMATION_KINDS", "ROLES", "Role", "may_read"]

ILEC = "ilec"
"""The organisation of every CenturyLink role."""

INFORMATION_KINDS: tuple[str, ...] = ("order", "customer_record", "listing", "ticket", "bill", "access_record")

_CLEC_ROLES = frozenset({"clec_user", "clec_admin"})
# role -> (kinds of a CLEC's information it may read, the clause that says so)
# (the roles are the gateway's: icaops/identity/roles.py)
_READS: Mapping[Role, tuple[frozenset[str], str]] = MappingProxyType(
    {
        "clec_user": (frozenset({"order", "customer_record", "listing", "ticket", "bill"}), "III.29.1.1"),
        "clec_admin": (frozenset({"order", "customer_record", "listing", "ticket", "bill"}), "III.29.1.1"),
        "ilec_operations": (frozenset({"order", "customer_record", "listing", "ticket", "access_record"}), "VI.14.1"),
        "ilec_billing": (frozenset({"order", "bill"}), "VI.14.1"),
        "ilec_retail_sales": (frozenset(), "IV.8.5"),
        "auditor": (frozenset({"order", "bill", "access_record"}), "VI.8.4.4"),
    }
)


def may_read(role: str, organisation: str, owner: str, kind: str) -> Explained[bool]:
    """May a user of `role` in `organisation` (a CLEC's account, or `ilec`) read `kind` of `owner`'s information?

    ValueError for a role or kind this rule does not know (a caller's bug or bad input)."""
    if role not in ROLES:
        raise ValueError(f"role: expected one of {', '.join(ROLES)}, got {role!r}")
    if kind not in INFORMATION_KINDS:
        raise ValueError(f"kind: expected one of {', '.join(INFORMATION_KINDS)}, got {kind!r}")
    kinds, clause = _READS[role]
    if role == "ilec_retail_sales":
        return Explained(
            False,
            (
                Step(
                    f"CenturyLink retail sales and marketing personnel have no access to {owner}'s requests for resold services or other competitively sensitive information ({kind})",
                    "IV.8.5",
                ),
            ),
        )
    if role in _CLEC_ROLES and organisation != owner:
        return Explained(
            False,
            (Step(f"{organisation} may not read {owner}'s {kind}: each CLEC sees only its own customers", clause),),
        )
    if role not in _CLEC_ROLES and organisation != ILEC:
        return Explained(False, (Step(f"role {role} belongs to CenturyLink, not to {organisation}", clause),))
    ok = kind in kinds
    verb = "may" if ok else "may not"
    return Explained(ok, (Step(f"{role} of {organisation} {verb} read {owner}'s {kind}", clause),))
