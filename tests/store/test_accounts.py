"""CLEC accounts keep what the terms look at: OCN, company code, CCNA (III.13.1), the
resale certificate and exemptions (III.45), USF certification years (III.9.6), the cycle
close day and the forecast a deposit is computed from (III.6.2)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from icaops.billing.model import Account
from icaops.store import make_sessionmaker
from icaops.store.accounts import load_account, save_accounts, save_agreement
from icaops.store.models import AccountRow

GRANITE = Account(
    "GRANITE",
    "Granite Telecommunications",
    ocn="7342",
    company_code="GTL",
    ccna="GTL",
    certificate_on_file=True,
    usf_certified_years=frozenset({2012, 2013}),
    exemptions=frozenset({"resale_certificate"}),
    cycle_close_day=3,
    monthly_forecast=Decimal("12500.00"),
)


def test_an_account_reads_back_as_saved(engine):
    with engine.begin() as conn:
        save_agreement(conn, "centurylink-granite-id-2012", "CenturyLink-Granite Resale Agreement (Idaho)")
        save_accounts(conn, [GRANITE], agreement_id="centurylink-granite-id-2012")
    with engine.connect() as conn:
        assert load_account(conn, "GRANITE") == GRANITE
        assert load_account(conn, "NOBODY") is None


def test_saving_again_brings_the_account_up_to_date(engine):
    with engine.begin() as conn:
        save_accounts(conn, [GRANITE])
        save_accounts(conn, [Account("GRANITE", "Granite", cycle_close_day=18)])
    with engine.connect() as conn:
        account = load_account(conn, "GRANITE")
    assert (account.cycle_close_day, account.certificate_on_file, account.monthly_forecast) == (18, False, None)


def test_orm_sessions_read_the_models(engine):
    with engine.begin() as conn:
        save_accounts(conn, [GRANITE])
    with make_sessionmaker(engine)() as session:
        row = session.scalars(select(AccountRow)).one()
        assert row.monthly_forecast == Decimal("12500.00") and row.usf_certified_years == [2012, 2013]
