"""Issue 10 §2: every term is read by code, marked informational, or pending with the module to read it.

"Read by code" is a grep of icaops/**/*.py (tests/terms/reads.py); the pending list is
tests/terms/term_status.py; informational terms carry `informational: true` in the terms files.
"""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from icaops.cli import app
from icaops.terms.errors import TermsLoadError

from .reads import COLLECTIONS, code_text, is_read
from .term_status import PENDING


@pytest.fixture(scope="module")
def text() -> str:
    return code_text()


def test_every_term_is_read_informational_or_pending(agreement, text):
    """A new term that no code reads fails here until it is marked informational or listed as pending."""
    unaccounted = [k for k, t in agreement.terms.flat() if not (is_read(k, text) or t.informational or k in PENDING)]
    assert not unaccounted, f"terms neither read, informational nor pending: {unaccounted}"


def test_pending_list_is_current(agreement, text):
    """A pending term exists, is not informational, and is not read yet (else take it off the list)."""
    terms = dict(agreement.terms.flat())
    for key, module in PENDING.items():
        assert key in terms, f"pending {key}: no such term"
        assert not terms[key].informational, f"pending {key} is also marked informational"
        assert not is_read(key, text), f"{key} is read by code now: remove it from tests/terms/term_status.py"
        assert module.startswith("icaops/"), key


def test_informational_terms_are_not_read_by_name(agreement, text):
    """An informational term's value is not read: its key is named nowhere in code, and outside the
    keyed collections its attribute is reached only for its citation (clause, quote)."""
    for key, term in agreement.terms.flat():
        if not term.informational:
            continue
        assert f'"{key}"' not in text, key
        if not any(key.startswith(c + ".") for c in COLLECTIONS):
            assert not is_read(key, text), f"{key} is marked informational but code reads it"


def test_the_terms_the_issue_names(agreement):
    """Issue 10 §2 names these as never read: each is now read, informational or pending."""
    terms = agreement.terms
    text = code_text()
    assert is_read("notices.addresses", text)  # the invoice prints them (III.34.2)
    assert "notices.addresses" not in PENDING
    for key in (
        "billing.late_filed_disputes_accrue_late_charges",
        "deposit.cash_interest_annual_rate",
        "deposit.triggers",
        "lifecycle.termination_time",
    ):
        assert is_read(key, text) and key not in PENDING, key
    for key in (
        "billing.bill_same_day_each_month",
        "billing.late_payment.compounding",
        "billing.late_payment.accrues_until",
        "carrier_partner.rules.originated_as_clec",
        "prices.galley_first",
    ):
        assert terms.get(key).informational, key
    # Prices with no trigger are charged by no event (VIII): informational.
    untriggered = [k for k, t in terms.prices.items() if t.value.trigger is None and t.value.basis != "per_message"]
    assert len(untriggered) == 6
    assert all(terms.prices[k].informational for k in untriggered)


def test_overriding_an_informational_term_is_refused(agreement):
    """`with_overrides` refuses an informational term, saying so (III.9.3 `compounding` is text kept for people)."""
    with pytest.raises(TermsLoadError) as info:
        agreement.with_overrides({"billing.late_payment.compounding": "daily"}, source="--set")
    message = str(info.value)
    assert re.match(
        r"--set: billing\.late_payment\.compounding: expected a term the code reads; this one is informational", message
    )


def test_cli_set_informational_exits_2():
    """`--set` on an informational term (CPA.2 rule description) is a usage error with the reason."""
    out = CliRunner().invoke(
        app, ["terms", "show", "--set", "carrier_partner.rules.originated_as_clec={description: x}"]
    )
    assert out.exit_code == 2
    assert "informational" in out.output


def test_explain_shows_informational_and_system_choice():
    """`icaops terms explain` says when a value is the system's own choice and when it is informational."""
    out = CliRunner().invoke(app, ["terms", "explain", "billing.credit_rounding_scope"])
    assert out.exit_code == 0
    assert "system choice" in out.output and "informational" in out.output
