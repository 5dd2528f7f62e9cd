"""The clauses a refusal cites are the terms' (docs/terms-format.md: every contract value with
its clause): a copy of the reference agreement whose terms carry other clause ids — as an
amendment renumbering the sections would — makes the gateway cite those, not a literal.

Renumbered: the billing dispute terms (III.9.4 -> III.9.4(z), III.9.4.1 -> III.9.4.1(z)), the
general notice methods (III.34.1 -> III.34.1(z)) and the Bill Date (II.2.8 -> II.2.8(z))."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from icaops.app.agreements import DEFAULT_AGREEMENT, open_agreement
from icaops.terms.loader import agreements_root

from .billing_setup import AE_LINE, BILL, MARCH, bill_march, item
from .conftest import Gateway, make_gateway


def _renumber(path: Path, section: str, names: list[str]) -> None:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    for name in names:
        term = doc[section][name] if section != "notices" else doc[section]["methods"][name]
        term["clause"] = f"{term['clause']}(z)"
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")


@pytest.fixture
def renumbered(tmp_path: Path) -> Iterator[Gateway]:
    folder = tmp_path / "agreement"
    shutil.copytree(agreements_root() / DEFAULT_AGREEMENT, folder)
    terms = folder / "terms"
    _renumber(
        terms / "billing.yaml", "billing", ["dispute_filing_on_due_date_allowed", "dispute_credit_by_nth_due_date"]
    )
    general = ["personal", "first_class_mail", "certified_mail", "registered_mail", "overnight_courier", "email"]
    _renumber(terms / "notices.yaml", "notices", general)
    _renumber(terms / "deadlines.yaml", "deadlines", ["bill_date"])
    yield from make_gateway(f"sqlite:///{tmp_path / 'gw.sqlite'}", tmp_path, open_agreement(str(folder)))


def _clause(r: Any) -> str:
    assert r.status_code == 422, r.text
    return str(r.json()["clause"])


def test_dispute_refusals_cite_the_billing_dispute_terms(renumbered: Gateway) -> None:
    """III.9.4 (each item a line of the bill) and III.9.4.1 (a resolution from 0 to the amount),
    as the terms number them."""
    bill_march(renumbered)
    renumbered.clock.day(dt.date(2013, 3, 20))
    r = renumbered.post("granite", "/billingDispute", {"bill": BILL, "items": [item(f"{BILL}:nrc:O9:x", "1.00")]})
    assert _clause(r) == "III.9.4(z)"
    r = renumbered.post("granite", "/billingDispute", {"bill": BILL, "items": [item(AE_LINE, "224.07")]})
    assert r.status_code == 201, r.text
    path = f"/billingDispute/{r.json()['id']}/resolve"
    assert _clause(renumbered.post("billing", path, {"amount_for_clec": "224.08"})) == "III.9.4.1(z)"
    assert renumbered.post("billing", path, {"amount_for_clec": "0"}).status_code == 200
    assert _clause(renumbered.post("billing", path, {"amount_for_clec": "0"})) == "III.9.4.1(z)"


def test_notice_refusals_cite_the_notice_terms(renumbered: Gateway) -> None:
    """III.34.1: e-mail is no way to give notice; certified mail needs its receipt date; a method
    the terms do not know is refused under the clause the methods are stated in."""
    for method in ("email", "certified_mail", "pigeon"):
        body = {"account": "GRANITE", "kind": "dispute", "method": method}
        assert _clause(renumbered.post("granite_admin", "/notice", body)) == "III.34.1(z)", method


def test_a_bill_run_before_the_bill_date_cites_the_bill_date_term(renumbered: Gateway) -> None:
    """II.2.8: the April cycle is billed 2013-04-04, not on 2013-03-04."""
    renumbered.load(MARCH)
    r = renumbered.post("billing", "/customerBill/run", {"account": "GRANITE", "period": "2013-04"})
    assert r.status_code == 422 and r.json()["details"]["clause"] == "II.2.8(z)", r.text
    assert r.json()["message"].endswith("(II.2.8(z))")
