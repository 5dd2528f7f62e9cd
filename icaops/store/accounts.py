"""CLEC accounts (and the agreement they bill under): saved from and read back as `Account`."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, select
from sqlalchemy.dialects import postgresql, sqlite

from ..billing.model import Account
from .models import AccountRow, Agreement
from .sql import insert_or_ignore

__all__ = ["load_account", "save_accounts", "save_agreement"]


def save_agreement(conn: Connection, agreement_id: str, title: str) -> None:
    """Record an agreement once (a repeat is ignored)."""
    conn.execute(insert_or_ignore(conn, Agreement.__table__, ("id",)), {"id": agreement_id, "title": title})


def _row(account: Account, agreement_id: str | None) -> dict:
    return {
        "id": account.id,
        "agreement_id": agreement_id,
        "name": account.name,
        "ocn": account.ocn,
        "company_code": account.company_code,
        "ccna": account.ccna,
        "certificate_on_file": account.certificate_on_file,
        "usf_certified_years": sorted(account.usf_certified_years),
        "exemptions": sorted(account.exemptions),
        "cycle_close_day": account.cycle_close_day,
        "monthly_forecast": account.monthly_forecast,
    }


def save_accounts(conn: Connection, accounts: Iterable[Account], agreement_id: str | None = None) -> None:
    """Insert accounts, or bring stored ones up to date (accounts are master data, not a log)."""
    rows = [_row(a, agreement_id) for a in accounts]
    if not rows:
        return
    insert = (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(AccountRow.__table__)
    columns = [c for c in rows[0] if c not in ("id", "agreement_id")]
    conn.execute(
        insert.on_conflict_do_update(index_elements=["id"], set_={c: insert.excluded[c] for c in columns}), rows
    )


def load_account(conn: Connection, account_id: str) -> Account | None:
    """The stored account, or None."""
    r = conn.execute(select(AccountRow).where(AccountRow.id == account_id)).first()
    if r is None:
        return None
    return Account(
        r.id,
        r.name,
        r.ocn,
        r.company_code,
        r.ccna,
        r.certificate_on_file,
        frozenset(r.usf_certified_years),
        frozenset(r.exemptions),
        r.cycle_close_day,
        r.monthly_forecast,
    )
