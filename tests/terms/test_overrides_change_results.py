"""Every term does something: an override of each term the code reads changes a computed result
(issue 10 §2). The witness of a term is a scenario file whose results change under the override
(tests/terms/term_witnesses.yaml, found by `python -m tests.terms.witnesses`), or a probe below
for what no scenario computes. Terms no code reads are informational (overrides refused) or on
the pending list with the module that is to read them (tests/terms/term_status.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from icaops.calendar.business import BusinessCalendar
from icaops.calendar.deadlines import Deadlines
from icaops.terms.loader import Agreement, load_agreement

from .term_status import PENDING
from .witnesses import REPO, WITNESSES, changed_by, perturbations, valid_override

CENTRAL = ZoneInfo("America/Chicago")
WITNESSED: dict[str, dict[str, Any]] = yaml.safe_load(WITNESSES.read_text(encoding="utf-8")) or {}


def _calendar(a: Agreement) -> BusinessCalendar:
    return BusinessCalendar(a.terms.calendar)


def _notice_by_email(a: Agreement) -> object:
    try:
        return Deadlines(a.terms).notice_received(dt.date(2013, 10, 8), "email").value
    except ValueError as exc:  # III.34.1: e-mail is not a valid way to give notice
        return str(exc)


def _currency_of_811(a: Agreement) -> str:
    import tempfile

    from icaops.app.billing import close_cycle, write_outputs
    from icaops.app.events import read_event_file
    from icaops.app.workspace import open_workspace

    with tempfile.TemporaryDirectory() as folder:
        ws = open_workspace(f"sqlite:///{folder}/t.sqlite", a)
        ws.load_events(read_event_file(REPO / "examples" / "granite-2012-09.yaml"))
        (bill,) = close_cycle(ws, "2012-09")
        text = write_outputs(ws, bill, Path(folder))["811"].read_text(encoding="ascii")
        return next(seg for seg in text.replace("\n", "").split("~") if seg.startswith("CUR"))


def _check_params(a: Agreement) -> object:
    from icaops.traffic.pipeline.params import params_from_terms

    return params_from_terms(a.terms)


def _transit_compensable(a: Agreement) -> bool:
    from icaops.traffic.pipeline.summaries import compensation_terms

    return compensation_terms("ilec_to_clec", True, _check_params(a))[0]  # type: ignore[arg-type]


def _notices(a: Agreement) -> object:
    from icaops.billing.outputs.statement import Notices

    return Notices.from_terms(a.terms)


def _rate_decisions(a: Agreement) -> list[str]:
    """Three requests of one token in one minute: allowed (the requests left) or refused."""
    import tempfile

    from icaops.app.errors import UserError
    from icaops.app.identity import check_rate, create_organisation, create_user, issue_token
    from icaops.store import make_engine, migrate

    now = dt.datetime(2026, 12, 7, 15, 0, 5, tzinfo=dt.UTC)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/t.sqlite"
        migrate(url)
        engine = make_engine(url)
        create_organisation(engine, "granite", "clec", "Granite", accounts=("CLEC001",))
        user = create_user(engine, "granite", "ops@granite.example", "Ops", "clec_user", "a long passphrase")
        token = issue_token(engine, user.id, "probe", None, None, now)[1]
        outcomes = []
        for _ in range(3):
            try:
                outcomes.append(f"allowed, {check_rate(engine, token.id, now, terms=a.terms).remaining} left")
            except UserError as exc:
                outcomes.append(exc.code)
        engine.dispose()
        return outcomes


# term key -> (override, what it changes): for terms whose effect no scenario file computes.
PROBES: dict[str, tuple[Any, Callable[[Agreement], object]]] = {
    # II.2.10: a notice at 16:30 is inside Business Day hours until they end at 16:00
    "calendar.business_hours": (
        {"start": "08:00:00", "end": "16:00:00"},
        lambda a: _calendar(a).within_business_hours(dt.datetime(2012, 8, 6, 16, 30, tzinfo=CENTRAL)),
    ),
    # II.2.10: Labor Day is also a no-mail day, so the federal list shows in the reason given
    "calendar.federal_holidays": (
        {"kind": "dates", "dates": []},
        lambda a: _calendar(a).why_not_business_day(dt.date(2012, 9, 3)),
    ),
    "calendar.no_mail_delivery_days": (
        {"kind": "dates", "dates": ["2012-08-06 no delivery"]},
        lambda a: _calendar(a).is_business_day(dt.date(2012, 8, 6)),
    ),
    "calendar.federal_closures": (
        {"kind": "dates", "dates": ["2012-08-07 closure"]},
        lambda a: _calendar(a).is_business_day(dt.date(2012, 8, 7)),
    ),
    "calendar.bank_holidays": (
        {"kind": "dates", "dates": []},
        lambda a: _calendar(a).is_bank_holiday(dt.date(2012, 9, 3)),
    ),
    "billing.usf_certification_due": ("03-01", lambda a: Deadlines(a.terms).usf_certification_due(2027).value),
    "notices.methods.email": (
        {"label": "e-mail", "valid": True, "received": "date_of_service", "after": None},
        _notice_by_email,
    ),
    "money.currency": ("CAD", _currency_of_811),
    # III.34.2: where notices go, printed on the invoice
    "notices.addresses": (
        {"clec": ["Granite, 1 Main St, Quincy, MA 02169"], "ilec": ["CenturyLink, 1 Main St, Denver, CO 80202"]},
        _notices,
    ),
    # CPA.3: CenturyLink pays the CLEC no transit compensation for traffic it delivers to a provider
    "carrier_partner.transit_compensation_to_clec": (True, _transit_compensable),
    # VI.13.2: with a limit of 2 requests a minute, a token's third request in a minute is refused
    "gateway.rate_limit_per_minute": (2, _rate_decisions),
    # CPA.1.1: the rule whose check finds traffic of a provider not notified: its clause is the finding's
    "carrier_partner.rules.provider_notice_and_numbering_agreement": (
        {"description": "notice", "check": "cpn_unaltered", "remedy": "finding", "reference": None},
        _check_params,
    ),
}


@pytest.fixture(scope="module")
def agreement() -> Agreement:
    return load_agreement("centurylink-granite-id-2012")


def _unchangeable(agreement: Agreement, key: str) -> bool:
    """A term whose schema admits no other value (a single-valued Literal): nothing to override."""
    return not any(valid_override(agreement, key, v) is not None for v in perturbations(agreement.terms.get(key)))


def test_every_term_read_by_code_has_a_witness(agreement: Agreement):
    missing = [
        key
        for key, term in agreement.terms.flat()
        if not term.informational
        and key not in PENDING
        and key not in WITNESSED
        and key not in PROBES
        and not _unchangeable(agreement, key)
    ]
    assert missing == [], "find a witness: python -m tests.terms.witnesses 60 " + " ".join(missing)


@pytest.mark.slow
@pytest.mark.parametrize("key", sorted(WITNESSED))
def test_an_override_changes_a_scenario_result(key: str):
    witness = WITNESSED[key]
    assert changed_by(REPO / witness["scenario"], key, witness["set"]), f"{key}={witness['set']!r} changes nothing"


@pytest.mark.parametrize("key", sorted(PROBES))
def test_an_override_changes_what_the_probe_computes(agreement: Agreement, key: str):
    value, probe = PROBES[key]
    changed = valid_override(agreement, key, value)
    assert changed is not None, f"{key}={value!r} is refused by the terms"
    assert probe(changed) != probe(agreement)
