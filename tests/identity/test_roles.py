"""Who may do what (issue 12 §3): the roles' permissions, the tenant each actor sees, and the
refusals of `authorise` — retail sales never sees a CLEC's orders or customers (IV.8.5), the
auditor only reads (III.7, VI.8.4.4), one CLEC never sees another's objects (OWASP API1)."""

from __future__ import annotations

import datetime as dt

import pytest

from icaops.app.errors import UserError
from icaops.app.identity import authorise
from icaops.identity import (
    ALL_PERMISSIONS,
    PERMISSIONS,
    ROLE_ORG_KIND,
    ROLES,
    Actor,
    RateDecision,
    Role,
    decide,
    window_start,
)

READS = frozenset(p for p in ALL_PERMISSIONS if p.endswith(".read"))


def actor(role: Role, accounts: frozenset[str] = frozenset(), scopes: frozenset[str] | None = None) -> Actor:
    kind = ROLE_ORG_KIND[role]
    org = {"clec": "granite", "ilec": "centurylink", "auditor": "audit-firm"}[kind]
    return Actor("u1", f"{role}@example.com", org, kind, role, accounts, "t1" if scopes else None, scopes)


def test_every_role_has_permissions_from_the_list_and_every_permission_a_role():
    assert set(PERMISSIONS) == set(ROLES) == set(ROLE_ORG_KIND)
    granted = set().union(*PERMISSIONS.values())
    assert granted == set(ALL_PERMISSIONS)
    assert len(ALL_PERMISSIONS) == len(set(ALL_PERMISSIONS)) == 27


def test_each_role_belongs_to_one_kind_of_organisation():
    assert ROLE_ORG_KIND == {
        "clec_user": "clec",
        "clec_admin": "clec",
        "ilec_operations": "ilec",
        "ilec_billing": "ilec",
        "ilec_retail_sales": "ilec",
        "auditor": "auditor",
    }


def test_a_clec_admin_is_a_clec_user_who_also_gives_notices_files_the_blanket_loa_and_manages_hooks_and_users():
    """VI.8.4.1: the Blanket LOA is the CLEC's undertaking, filed by its administrator."""
    assert PERMISSIONS["clec_admin"] - PERMISSIONS["clec_user"] == {
        "notices.give",
        "cpni.loa",
        "hooks.manage",
        "users.manage",
    }
    assert PERMISSIONS["clec_user"] < PERMISSIONS["clec_admin"]
    assert "hooks.manage" not in PERMISSIONS["clec_user"]


def test_retail_sales_reads_the_terms_and_nothing_of_a_clec_iv_8_5():
    """IV.8.5: "CenturyLink's retail sales and marketing personnel will not have access to
    information regarding Granite's requests for resold services or other competitively
    sensitive information"."""
    assert PERMISSIONS["ilec_retail_sales"] == {"terms.read"}
    sales = actor("ilec_retail_sales")
    assert not any(sales.sees(a) for a in ("CLEC001", "ACME01"))
    for permission in ("orders.read", "csr.read", "csr.search", "listings.read", "bills.read", "tickets.read"):
        with pytest.raises(UserError) as refused:
            authorise(sales, permission)
        assert refused.value.code == "forbidden"
        assert permission in refused.value.message and "IV.8.5" in refused.value.message


def test_the_auditor_reads_everything_and_audits_csr_access_but_writes_nothing_iii_7_vi_8_4_4():
    assert PERMISSIONS["auditor"] == READS | {"csr.audit"}
    writes = {p for p in ALL_PERMISSIONS if not p.endswith((".read", ".audit"))}
    assert not PERMISSIONS["auditor"] & writes
    assert actor("auditor").sees("CLEC001")


def test_csr_access_is_audited_by_centurylink_operations_who_do_not_read_customer_records_vi_8_3():
    ops = PERMISSIONS["ilec_operations"]
    assert "csr.audit" in ops and "csr.read" not in ops and "csr.search" not in ops
    assert {"orders.work", "tickets.work", "listings.work"} <= ops


def test_billing_resolves_disputes_that_clecs_file_iii_9_4():
    assert "disputes.resolve" in PERMISSIONS["ilec_billing"]
    assert "disputes.file" in PERMISSIONS["clec_user"]
    assert not {"disputes.resolve", "orders.work"} & PERMISSIONS["clec_admin"]
    assert "disputes.file" not in PERMISSIONS["ilec_billing"]


def test_a_clec_sees_its_own_accounts_and_centurylink_roles_every_account():
    granite = actor("clec_user", frozenset({"CLEC001"}))
    assert granite.sees("CLEC001") and not granite.sees("ACME01")
    assert actor("ilec_operations").sees("ACME01") and actor("ilec_billing").sees("CLEC001")


def test_token_scopes_narrow_the_roles_permissions_and_never_widen_them():
    scoped = actor("clec_user", frozenset({"CLEC001"}), frozenset({"orders.read", "orders.work"}))
    assert scoped.may("orders.read")
    assert not scoped.may("orders.submit")  # the role has it, the token not
    assert not scoped.may("orders.work")  # the token names it, the role has it not
    with pytest.raises(UserError, match=r"scopes do not include orders\.submit") as refused:
        authorise(scoped, "orders.submit", "CLEC001")
    assert refused.value.code == "forbidden"


def test_another_tenants_object_is_not_found_rather_than_forbidden():
    """OWASP API1 (broken object level authorisation): Granite asking for Acme's order learns
    nothing, not even that it exists."""
    granite = actor("clec_admin", frozenset({"CLEC001"}))
    authorise(granite, "orders.read", "CLEC001")
    with pytest.raises(UserError) as refused:
        authorise(granite, "orders.read", "ACME01")
    assert refused.value.code == "not_found"
    assert "ACME01" not in refused.value.message


def test_a_missing_permission_is_forbidden_naming_it_before_the_tenant_is_looked_at():
    granite = actor("clec_user", frozenset({"CLEC001"}))
    with pytest.raises(UserError) as refused:
        authorise(granite, "disputes.resolve", "ACME01")
    assert refused.value.code == "forbidden" and "disputes.resolve" in refused.value.message


def test_an_unknown_permission_is_a_programming_error():
    with pytest.raises(ValueError, match=r"orders\.delete"):
        authorise(actor("ilec_operations"), "orders.delete")


def test_a_window_is_the_utc_minute_and_the_decision_counts_down_to_its_end_vi_13_2():
    central = dt.timezone(dt.timedelta(hours=-6))
    now = dt.datetime(2026, 12, 7, 9, 14, 45, 500000, tzinfo=central)
    assert window_start(now) == dt.datetime(2026, 12, 7, 15, 14, tzinfo=dt.UTC)
    assert decide(3, 3, now) == (True, RateDecision(3, 0, dt.datetime(2026, 12, 7, 15, 15, tzinfo=dt.UTC)))
    allowed, decision = decide(4, 3, now)
    assert not allowed and decision.remaining == 0
    assert decision.retry_after(now) == 15  # 14.5 s to the next minute, rounded up
    with pytest.raises(ValueError, match="zone-aware"):
        window_start(dt.datetime(2026, 12, 7, 9, 14))
