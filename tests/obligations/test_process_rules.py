"""The process obligations (issue 13: IV.7–IV.9, VI.16, V, VII, VI.9.2, CPA 1, 8, 11) on the
obligations framework: each rule has hand-computed scenarios, and a notice letter sent becomes
the obligation its clause creates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from icaops.calendar.deadlines import Deadlines
from icaops.notices import Letter, compose_letter, notice_event
from icaops.obligations import RULES, obligations
from icaops.relationship.events import Event, event_from_mapping
from icaops.terms.loader import load_agreement

REPO = Path(__file__).resolve().parents[2]
PROCESS_RULES = (
    "order_confirmation",
    "order_jeopardy",
    "order_completion",
    "order_cancellation",
    "ticket_restoration",
    "galley_proof",
    "galley_corrections",
    "close_date_notice",
    "annual_file",
    "daily_usage_file",
    "cpa_confirmation",
    "cpa_stop_notice",
    "cpa_dos_removal",
    "cpa_separate_trunk_group",
)


def _process_scenarios() -> list[Path]:
    return sorted((REPO / "scenarios" / "obligations").glob("process-*.yaml"))


def test_every_process_rule_is_in_the_table_and_has_a_scenario() -> None:
    """Each process rule is a line of RULES and is checked by at least one process scenario file."""
    asked = set()
    for path in _process_scenarios():
        doc = yaml.safe_load(path.read_text())
        assert doc.get("clauses") and doc.get("description"), path.name
        asked |= {str(e["obligation"]).split(":")[0] for e in doc["expect"] if "obligation" in e}
    assert len(_process_scenarios()) >= 15
    for rule in PROCESS_RULES:
        assert rule in RULES, rule
        assert rule in asked, f"no process scenario asks about {rule}"


def test_a_default_notice_sent_becomes_the_cure_obligation_its_letter_states() -> None:
    """III.2.6, III.34.1(b): the letter's cure date and the obligation's due date are the same day —
    mailed Monday 2013-10-14 (Columbus Day), received three Business Days later, Thursday 10-17; cure
    within 30 days: Saturday 2013-11-16."""
    agreement = load_agreement(REPO / "agreements" / "centurylink-granite-id-2012")
    raw = notice_event("default", sent_on=dt.date(2013, 10, 14), method="first_class_mail", by="ilec")
    letter = compose_letter(raw, (), agreement, Deadlines(agreement.terms))
    assert isinstance(letter, Letter) and letter.received is not None
    assert letter.received.value == dt.date(2013, 10, 17)
    event = event_from_mapping(raw, 0, "test")
    assert isinstance(event, Event)
    found, errors = obligations(agreement, (event,), dt.date(2013, 11, 1))
    cure = next(o for o in found if o.id == f"default_cure:{raw['id']}")
    assert errors == ()
    assert cure.due.value == dict(letter.dates)["the Default must be cured by"].value == dt.date(2013, 11, 16)
    assert str(cure.debtor) == "clec" and cure.state == "pending"
