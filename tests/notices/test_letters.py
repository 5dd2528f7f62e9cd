"""Notice letters (issue 13 item 3; III.34): each notice the agreement requires renders as text
and PDF with the clause requiring it, both Parties' III.34.2 addresses, the method and the day
the notice counts as received (III.34.1), counted by the lifecycle the log will use."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from icaops.calendar.deadlines import Deadlines
from icaops.notices import LETTER_KINDS, Letter, LetterError, compose_letter, letter_pdf, letter_text, notice_event
from icaops.relationship.events import event_from_mapping
from icaops.terms.loader import load_agreement

REFERENCE = Path(__file__).resolve().parents[2] / "agreements" / "centurylink-granite-id-2012"
MONDAY = dt.date(2013, 3, 4)


@pytest.fixture(scope="module")
def agreement():
    return load_agreement(REFERENCE)


@pytest.fixture(scope="module")
def dl(agreement):
    return Deadlines(agreement.terms)


def _letter(agreement, dl, kind, *, method="personal", by="ilec", sent_on=MONDAY, log=(), **fields):
    bill_date = fields.pop("bill_date", None)
    raw = notice_event(kind, sent_on=sent_on, method=method, by=by, account="GRANITE", **fields)
    return compose_letter(raw, tuple(log), agreement, dl, bill_date)


# kind -> (the clause requiring it, the sender, a date it states, as hand-computed from
# service in person on Monday 2013-03-04, received that day, III.34.1(a))
EXPECTED = {
    # III.9.5.1: Bill Date 2013-01-15, Bill Due Date 2013-02-14 (+30), earliest suspension
    # 2013-02-24 (+10); notice 2013-03-04 + 5 calendar days = 2013-03-09, the later.
    "suspension": ("III.9.5.1", "ilec", ("order processing may be discontinued from", dt.date(2013, 3, 9))),
    # III.9.5.2: 10 Business Days after 2013-03-04: 03-05 … 03-15 (no holiday) = Monday 2013-03-18.
    "disconnection": ("III.9.5.2", "ilec", ("the unpaid services may be disconnected from", dt.date(2013, 3, 18))),
    # III.2.6: 30 calendar days of receipt: 2013-04-03.
    "default": ("III.2.6", "ilec", ("the Default must be cured by", dt.date(2013, 4, 3))),
    # III.6: 30 calendar days of the request: 2013-04-03.
    "deposit_request": ("III.6", "ilec", ("the deposit or assurance of payment is due by", dt.date(2013, 4, 3))),
    # III.7.1.2: 30 calendar days after notice of the audit: 2013-04-03.
    "audit": ("III.7.1.2", "clec", ("the audit may be required to commence no later than", dt.date(2013, 4, 3))),
    # III.2.3: received 2013-03-04, 90 days before the Initial Term's end 2014-06-20 (latest
    # 2014-03-22): the Agreement ends with the Initial Term.
    "termination": ("III.2.3", "clec", ("the Agreement terminates on", dt.date(2014, 6, 20))),
    # III.20.1: the other Party names its representative within 10 days: 2013-03-14.
    "dispute": ("III.20.1", "clec", ("the other Party must designate its representative by", dt.date(2013, 3, 14))),
}


def test_every_letter_kind_has_an_expectation():
    """The notices issue 13 lists: suspension, disconnection, default, deposit request, audit,
    termination, dispute."""
    assert set(LETTER_KINDS) == set(EXPECTED)


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_each_kind_renders_its_clause_addresses_method_and_received_date(agreement, dl, kind):
    """III.34.1: served personally, a notice counts as received on the date of service; III.34.2:
    it goes to the other Party's addresses (with the copy), and the letter says so."""
    clause, by, (label, date) = EXPECTED[kind]
    letter = _letter(agreement, dl, kind, by=by, bill_date=dt.date(2013, 1, 15))
    assert isinstance(letter, Letter), letter
    text = letter_text(letter)
    addresses = agreement.terms.notices.addresses.value
    other = "clec" if by == "ilec" else "ilec"
    assert f"Clause {clause} of the Agreement" in text
    assert agreement.terms.deadline(LETTER_KINDS[kind].term).quote in text
    for line in addresses[other] + addresses[by]:
        assert line in text
    assert "served personally" in text and "Received: Monday 2013-03-04." in text
    assert dict(letter.dates)[label].value == date
    assert f"{label}: {date.strftime('%A')} {date.isoformat()}" in text


pdftotext = shutil.which("pdftotext")


@pytest.mark.skipif(pdftotext is None, reason="pdftotext (poppler-utils) is not installed")
@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_the_pdf_says_what_the_text_says(agreement, dl, kind, tmp_path):
    """The PDF is a valid PDF carrying the same subject, clause, addresses, method and received day."""
    clause, by, (_label, date) = EXPECTED[kind]
    letter = _letter(agreement, dl, kind, by=by, bill_date=dt.date(2013, 1, 15))
    assert isinstance(letter, Letter)
    data = letter_pdf(letter)
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    path = tmp_path / "letter.pdf"
    path.write_bytes(data)
    assert pdftotext is not None
    # compared without white space: the PDF breaks lines (and words at hyphens) where the text does not
    words = "".join(
        subprocess.run([pdftotext, str(path), "-"], capture_output=True, text=True, check=True).stdout.split()
    )
    for needle in (
        letter.subject,
        f"Clause {clause} of the Agreement",
        "served personally",
        "Received: Monday 2013-03-04.",
        date.isoformat(),
        *agreement.terms.notices.addresses.value["clec"],
        *agreement.terms.notices.addresses.value["ilec"],
    ):
        assert "".join(needle.split()) in words, needle


# III.34.1, per method: (method, sent, receipt date, the day it counts as received), hand-computed.
RECEIPT = [
    # (a) personal service: the date of service.
    ("personal", dt.date(2013, 3, 4), None, dt.date(2013, 3, 4)),
    # (b) First Class mail: three Business Days after mailing. Mon 03-04 -> Tue, Wed, Thu 03-07.
    ("first_class_mail", dt.date(2013, 3, 4), None, dt.date(2013, 3, 7)),
    # Wed 2012-11-21: Thanksgiving Thu 11-22 is no Business Day (II.2.10(1)): Fri 23, Mon 26, Tue 27.
    ("first_class_mail", dt.date(2012, 11, 21), None, dt.date(2012, 11, 27)),
    # Fri 2012-12-21: Christmas Eve (federal offices closed) and Christmas are not counted: Wed 26, Thu 27, Fri 28.
    ("first_class_mail", dt.date(2012, 12, 21), None, dt.date(2012, 12, 28)),
    # (c) certified or registered mail, overnight courier: the date stated on the receipt.
    ("certified_mail", dt.date(2013, 3, 4), dt.date(2013, 3, 6), dt.date(2013, 3, 6)),
    ("registered_mail", dt.date(2013, 3, 4), dt.date(2013, 3, 8), dt.date(2013, 3, 8)),
    ("overnight_courier", dt.date(2013, 3, 4), dt.date(2013, 3, 5), dt.date(2013, 3, 5)),
]


@pytest.mark.parametrize(("method", "sent", "receipt", "received"), RECEIPT)
def test_received_date_follows_III_34_1_per_method(agreement, dl, method, sent, receipt, received):
    """III.34.1: the letter's received day is the one the rule for its method gives; a Default must
    then be cured within 30 calendar days of receipt (III.2.6)."""
    letter = _letter(agreement, dl, "default", method=method, sent_on=sent, receipt_date=receipt)
    assert isinstance(letter, Letter), letter
    assert letter.received is not None and letter.received.value == received
    assert dict(letter.dates)["the Default must be cured by"].value == received + dt.timedelta(days=30)
    assert f"Received: {received.strftime('%A')} {received.isoformat()}." in letter_text(letter)


def test_a_receipt_method_without_its_receipt_states_the_rule_not_a_date(agreement, dl):
    """III.34.1(c): a certified letter counts from the date on its receipt, unknown when it is
    drafted: the letter states that rule and no dates."""
    letter = _letter(agreement, dl, "default", method="certified_mail")
    assert isinstance(letter, Letter)
    assert letter.received is None and letter.dates == ()
    text = letter_text(letter)
    assert "Received: the date stated on the receipt (III.34.1)." in text
    assert "run from the date stated on the receipt" in text


def test_email_counts_only_for_the_suspension_notice(agreement, dl):
    """III.34.1: e-mail is no way to give notice, except the order-suspension notice, which
    III.9.5.1 lets go "via email" (received the day it is sent)."""
    refused = _letter(agreement, dl, "default", method="email")
    assert isinstance(refused, LetterError) and refused.code == "method" and refused.clause == "III.34.1"
    assert "not a valid way to give notice" in refused.message
    allowed = _letter(agreement, dl, "suspension", method="email", bill_date=dt.date(2013, 1, 15))
    assert isinstance(allowed, Letter) and allowed.received is not None
    assert allowed.received.value == MONDAY and allowed.method_clause == "III.9.5.1"


def test_only_centurylink_requests_a_deposit(agreement, dl):
    """III.6: "Upon request by CenturyLink, Granite shall provide … a deposit"."""
    refused = _letter(agreement, dl, "deposit_request", by="clec")
    assert isinstance(refused, LetterError) and refused.code == "sender" and refused.clause == "III.6"


def test_a_suspension_notice_without_its_bill_states_no_suspension_date(agreement, dl):
    """III.9.5.1: the suspension day runs from the unpaid bill's Bill Due Date; without the bill the
    letter names none (and never guesses one)."""
    letter = _letter(agreement, dl, "suspension", method="email")
    assert isinstance(letter, Letter) and letter.dates == ()


def test_a_disconnection_notice_before_the_bill_is_due_is_refused(agreement, dl):
    """III.9.5.2: disconnection follows non-payment; a notice received before the Bill Due Date
    (2013-02-14 for the Bill Date 2013-01-15) is no disconnection notice for that bill."""
    refused = _letter(agreement, dl, "disconnection", sent_on=dt.date(2013, 2, 1), bill_date=dt.date(2013, 1, 15))
    assert isinstance(refused, LetterError) and refused.code == "bill_date" and refused.clause == "III.9.5.2"


def test_a_second_termination_notice_states_the_date_the_first_set(agreement, dl):
    """III.2.3: the earliest Notice of Termination decides when the Agreement ends; a later notice's
    letter states that date (the lifecycle's answer), not one of its own."""
    first = event_from_mapping(
        {
            "id": "N1",
            "date": "2012-08-01",
            "type": "notice.given",
            "kind": "termination",
            "method": "personal",
            "by": "ilec",
        },
        0,
        "test",
    )
    letter = _letter(agreement, dl, "termination", by="clec", sent_on=dt.date(2014, 5, 1), log=(first,))
    assert isinstance(letter, Letter)
    # The first notice, received 2012-08-01, is in time for the end of the Initial Term, 2014-06-20.
    assert dict(letter.dates)["the Agreement terminates on"].value == dt.date(2014, 6, 20)


def test_a_notice_kind_without_a_letter_is_refused_by_name(agreement, dl):
    """The lifecycle knows notices issue 13 asks no letter for (a sale of territory, III.2.7): the
    letter refuses the kind, naming those it writes."""
    refused = _letter(agreement, dl, "sale_of_territory")
    assert isinstance(refused, LetterError) and refused.code == "kind"
    assert "suspension" in refused.message and "with no letter" in refused.message
