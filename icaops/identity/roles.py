"""Who may do what through the gateway: the roles, the organisation kind each belongs to, and
the literal table of each role's permissions.

The table follows the agreement:

- a CLEC's users submit and follow their own orders, tickets, listings and disputes, search a
  customer record under their authorisations (VI.8.4.1, VI.8.4.2) and read their bills; a CLEC
  admin also files or withdraws the Blanket Letter of Authorization (VI.8.4.1), gives notices
  (III.34), manages webhooks and the organisation's users;
- CenturyLink's wholesale operations work orders, tickets and listings, and may audit the CLEC's
  access to customer records (VI.8.3: CenturyLink "shall have the right ... to audit" and "to
  monitor" the CLEC's access to OSS information) but do not read them; billing closes the
  billing cycles (III.9.2) and resolves disputes (III.9.4.1);
- CenturyLink's retail sales and marketing personnel "will not have access to information
  regarding Granite's requests for resold services or other competitively sensitive information"
  (IV.8.5): they may read the agreement's terms and nothing else;
- an auditor reads (III.7: an audit of "books, records, documents, facilities and systems") and
  produces each access to customer information with its authorisation (VI.8.4.4); nothing it may
  do writes.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

__all__ = ["ALL_PERMISSIONS", "ORG_KINDS", "PERMISSIONS", "ROLES", "ROLE_ORG_KIND", "OrgKind", "Role"]

Role = Literal["clec_user", "clec_admin", "ilec_operations", "ilec_billing", "ilec_retail_sales", "auditor"]
ROLES: tuple[Role, ...] = ("clec_user", "clec_admin", "ilec_operations", "ilec_billing", "ilec_retail_sales", "auditor")

OrgKind = Literal["ilec", "clec", "auditor"]
ORG_KINDS: tuple[OrgKind, ...] = ("ilec", "clec", "auditor")

ROLE_ORG_KIND: Mapping[Role, OrgKind] = MappingProxyType(
    {
        "clec_user": "clec",
        "clec_admin": "clec",
        "ilec_operations": "ilec",
        "ilec_billing": "ilec",
        "ilec_retail_sales": "ilec",
        "auditor": "auditor",
    }
)

ALL_PERMISSIONS: tuple[str, ...] = (
    "orders.submit",
    "orders.read",
    "orders.work",
    "tickets.open",
    "tickets.read",
    "tickets.work",
    "csr.search",
    "csr.read",
    "csr.audit",
    "cpni.loa",
    "dvf.request",
    "listings.submit",
    "listings.read",
    "listings.work",
    "bills.read",
    "bills.run",
    "disputes.file",
    "disputes.read",
    "disputes.resolve",
    "notices.give",
    "notices.read",
    "deadlines.read",
    "obligations.read",
    "audit.read",
    "hooks.manage",
    "users.manage",
    "terms.read",
)

PERMISSIONS: Mapping[Role, frozenset[str]] = MappingProxyType(
    {
        "clec_user": frozenset(
            {
                "orders.submit",
                "orders.read",
                "tickets.open",
                "tickets.read",
                "csr.search",
                "csr.read",
                "dvf.request",
                "listings.submit",
                "listings.read",
                "bills.read",
                "disputes.file",
                "disputes.read",
                "notices.read",
                "deadlines.read",
                "obligations.read",
                "terms.read",
            }
        ),
        "clec_admin": frozenset(
            {
                "orders.submit",
                "orders.read",
                "tickets.open",
                "tickets.read",
                "csr.search",
                "csr.read",
                "cpni.loa",
                "dvf.request",
                "listings.submit",
                "listings.read",
                "bills.read",
                "disputes.file",
                "disputes.read",
                "notices.give",
                "notices.read",
                "deadlines.read",
                "obligations.read",
                "hooks.manage",
                "users.manage",
                "terms.read",
            }
        ),
        "ilec_operations": frozenset(
            {
                "orders.read",
                "orders.work",
                "tickets.read",
                "tickets.work",
                "listings.read",
                "listings.work",
                "csr.audit",
                "notices.give",
                "notices.read",
                "deadlines.read",
                "obligations.read",
                "audit.read",
                "hooks.manage",
                "users.manage",
                "terms.read",
            }
        ),
        "ilec_billing": frozenset(
            {
                "bills.read",
                "bills.run",
                "disputes.read",
                "disputes.resolve",
                "notices.give",
                "notices.read",
                "deadlines.read",
                "obligations.read",
                "audit.read",
                "terms.read",
            }
        ),
        # IV.8.5: no CLEC order nor customer information, only the agreement's terms.
        "ilec_retail_sales": frozenset({"terms.read"}),
        "auditor": frozenset(
            {
                "orders.read",
                "tickets.read",
                "csr.read",
                "csr.audit",
                "listings.read",
                "bills.read",
                "disputes.read",
                "notices.read",
                "deadlines.read",
                "obligations.read",
                "audit.read",
                "terms.read",
            }
        ),
    }
)
