"""The ASC X12 811 (release 004010), read back with the generic X12 parser `ansi-x12` (module `x12`).

The parser checks the envelopes itself: ST02 = SE02 and SE01 = the segments counted, GS06 =
GE02 and GE01 = the transaction sets, ISA13 = IEA02 and IEA01 = the groups. These tests
check what it does not: the totals, the line items and the clause of each.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import x12

from icaops.billing.outputs import Delimiters, Envelope, render_811, write_811
from icaops.billing.outputs.x12 import BASIC_SPECIALS, Text, n2, r

from .helpers import agreement, big_bill, envelope, small_bill


def parse(text: str) -> x12.X12Interchange:
    return x12.parse_x12_interchange(x12.tokenize_x12(text.encode("ascii")))


def el(segment: x12.X12Segment, position: int) -> str:
    value = segment.element(position)
    return "" if value is None else value.decode("ascii")


def segments(transaction: x12.X12TransactionSet, tag: str) -> list[x12.X12Segment]:
    return [s for s in transaction.segments if s.tag == tag]


def line_amounts(transaction: x12.X12TransactionSet) -> list[Decimal]:
    """AMT*1 (line item total) of every line detail loop."""
    return [Decimal(el(s, 2)) for s in segments(transaction, "AMT") if el(s, 1) == "1"]


@pytest.mark.parametrize("recurring", ["wtn", "groups"])
def test_811_reads_back_and_adds_up(recurring):
    """III.9.2: TDS carries the amount due in cents, and the line items add up to it."""
    bill = small_bill()
    interchange = parse(render_811(bill, agreement(), envelope(), recurring=recurring))
    (group,) = interchange.groups
    (st,) = group.transactions
    assert group.functional_identifier_code == b"CI" and group.implementation_version == b"004010"
    assert st.transaction_set_code == b"811"
    (tds,) = segments(st, "TDS")
    assert Decimal(el(tds, 1)) / 100 == bill.total
    assert sum(line_amounts(st), Decimal(0)) == bill.total
    items = segments(st, "IT1")
    recurring_items = bill.recurring.num_rows if recurring == "wtn" else len(bill.recurring_groups)
    assert len(items) == recurring_items + len(bill.lines) == int(el(segments(st, "CTT")[0], 1))
    assert [el(s, 1) for s in items] == [str(i) for i in range(1, len(items) + 1)]


def test_every_line_cites_its_clause():
    """VIII, III.9.3, III.45: each line detail loop carries REF*ZZ with its clause; explanations in MSG."""
    bill = small_bill()
    (st,) = parse(render_811(bill, agreement(), envelope())).groups[0].transactions
    clauses = [el(s, 2) for s in segments(st, "REF") if el(s, 3) == "AGREEMENT CLAUSE"]
    assert len(clauses) == len(segments(st, "IT1"))
    expected = bill.recurring.column("clause").to_pylist() + [l.clause for l in bill.lines]
    assert sorted(clauses) == sorted(expected)
    messages = " ".join(el(s, 1) for s in segments(st, "MSG"))
    assert "[III.9.3]" in messages and "[III.45]" in messages
    assert "INTERIM PRICE SUBJECT TO TRUE-UP" in messages and "[III.46.2]" in messages


def test_heading_dates_and_parties():
    """II.2.8, III.9.2: BIG01 is the Bill Date, ITD06 and DTM*814 the Bill Due Date; parties from the agreement."""
    bill = small_bill()
    (st,) = parse(render_811(bill, agreement(), envelope())).groups[0].transactions
    (big,) = segments(st, "BIG")
    assert el(big, 1) == bill.cycle.bill_date.value.strftime("%Y%m%d") and el(big, 2) == bill.id
    (itd,) = segments(st, "ITD")
    due = bill.cycle.due_date.value.strftime("%Y%m%d")
    assert el(itd, 6) == due and "III.9.2" in el(itd, 12)
    assert [el(s, 2) for s in segments(st, "DTM") if el(s, 1) in ("186", "187", "814")] == [
        bill.cycle.start.strftime("%Y%m%d"),
        bill.cycle.close.strftime("%Y%m%d"),
        due,
    ]
    names = {el(s, 1): el(s, 2) for s in segments(st, "N1")}
    assert agreement().manifest["parties"]["ilec"]["name"].startswith(names["PE"])
    assert names["BT"] == bill.account.name


def test_wtn_detail_for_a_large_bill():
    """Each of 5,000 WTNs is one line detail loop (HL level 9) with SI*TI*TN, under the recurring category."""
    bill = big_bill(5_000)
    (st,) = parse(render_811(bill, agreement(), envelope())).groups[0].transactions
    wtns = [el(s, 3) for s in segments(st, "SI") if el(s, 2) == "TN"]
    assert wtns == bill.recurring.column("wtn").to_pylist()
    assert sum(line_amounts(st), Decimal(0)) == bill.total == Decimal(el(segments(st, "TDS")[0], 1)) / 100
    levels = segments(st, "HL")
    assert [el(s, 1) for s in levels] == [str(i) for i in range(1, len(levels) + 1)]
    assert sum(1 for s in levels if el(s, 3) == "9") == bill.recurring.num_rows + len(bill.lines)


def test_several_bills_and_envelope_numbers():
    """One interchange, one group, one transaction set per bill; control numbers as given."""
    env = Envelope(
        "CENTURYLINK",
        "GRANITE",
        dt.datetime(2012, 8, 4, 6, 30, tzinfo=dt.UTC),
        interchange_control=42,
        group_control=7,
        usage="T",
    )
    bills = [small_bill(), big_bill(1_000)]
    interchange = parse(render_811(bills, agreement(), env))
    assert interchange.control_number == b"000000042" and interchange.usage_indicator == b"T"
    (group,) = interchange.groups
    assert group.control_number == b"7" and group.declared_transaction_count == 2
    assert [t.control_number for t in group.transactions] == [b"0001", b"0002"]
    for bill, st in zip(bills, group.transactions):
        assert Decimal(el(segments(st, "TDS")[0], 1)) / 100 == bill.total


def test_configurable_delimiters_and_basic_charset(tmp_path):
    """Delimiters agreed with the trading partner; with the basic character set no element holds lower case or extended characters."""
    bill = small_bill()
    path = tmp_path / "bill.811"
    count = write_811(bill, path, agreement(), envelope(), delimiters=Delimiters("|", "\n", "^"), charset="basic")
    text = path.read_text(encoding="ascii")
    assert text[3] == "|" and text[104:106] == "^\n"
    interchange = parse(text)
    (st,) = interchange.groups[0].transactions
    assert count == len(interchange.document.segments)
    allowed = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" + BASIC_SPECIALS)
    for segment in st.segments:
        for value in segment.elements:
            assert set(value.decode("ascii")) <= allowed, segment.raw
    assert sum(line_amounts(st), Decimal(0)) == bill.total


def test_delimiters_in_data_are_cleaned():
    """A name holding the delimiters or non-ASCII characters cannot break the segment structure."""
    from dataclasses import replace

    from .helpers import ACCOUNT

    bill = small_bill(replace(ACCOUNT, name="Granite*Tel~ecom>Ünïcode\nLLC"))
    (st,) = parse(render_811(bill, agreement(), envelope())).groups[0].transactions
    bt = next(s for s in segments(st, "N1") if el(s, 1) == "BT")
    assert el(bt, 2) == "Granite Tel ecom Unicode LLC" and len(bt.elements) == 4


def test_syntax_helpers():
    assert n2(Decimal("485.66")) == "48566" and n2(Decimal("-5.00")) == "-500"
    with pytest.raises(ValueError, match="more than two decimals"):
        n2(Decimal("0.005"))
    assert r(Decimal("0.000581")) == "0.000581" and r(Decimal("-0.00")) == "0.00"
    with pytest.raises(TypeError):
        r(1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="BIG02"):
        Text(Delimiters(component=":")).ident("GRANITE:2012-08", 22, "BIG02")
    with pytest.raises(ValueError, match="delimiters must differ"):
        Delimiters("*", "*", ">")
    with pytest.raises(ValueError, match="ISA13"):
        Envelope("A", "B", dt.datetime(2012, 1, 1), interchange_control=10**9, group_control=1)


def test_isa_is_fixed_width():
    text = render_811(small_bill(), agreement(), envelope())
    assert text.index("~") == 105 and text.startswith("ISA*00*          *00*          *ZZ*")


def test_an_identifier_that_cannot_be_written_leaves_no_file(tmp_path):
    """An account id holding the element separator cannot be carried unaltered: the error names the element, nothing is written."""
    from dataclasses import replace

    from .helpers import ACCOUNT

    bill = small_bill(replace(ACCOUNT, id="GRAN*ITE"))
    path = tmp_path / "bill.811"
    with pytest.raises(ValueError, match="BIG02"):
        write_811(bill, path, agreement(), envelope())
    assert list(tmp_path.iterdir()) == []


def test_an_empty_bill_is_still_a_valid_interchange():
    """A cycle with nothing to bill: TDS*0, no line items, the billing arrangement has no children."""
    from icaops.billing.inventory import inventory_table
    from icaops.billing.run import run_cycle

    from .helpers import ACCOUNT, PERIOD

    bill = run_cycle([ACCOUNT], inventory_table([]), PERIOD, agreement().terms).bills[ACCOUNT.id]
    (st,) = parse(render_811(bill, agreement(), envelope())).groups[0].transactions
    assert el(segments(st, "TDS")[0], 1) == "0" and el(segments(st, "CTT")[0], 1) == "0"
    assert [el(s, 4) for s in segments(st, "HL")] == ["1", "0"]


def test_production_or_test_indicator():
    """VI.10.1.2: ISA15 is T (test data) unless production is asked for."""
    from icaops.billing.outputs import default_envelope

    bill = small_bill()
    assert parse(render_811(bill, agreement(), default_envelope(bill, agreement(), 5))).usage_indicator == b"T"
    produced = parse(render_811(bill, agreement(), default_envelope(bill, agreement(), 6, "P")))
    assert produced.usage_indicator == b"P" and produced.control_number == b"000000006"
    assert produced.groups[0].control_number == b"6"


def test_addresses_carry_city_state_and_zip_in_n4():
    """VI.10.1.2: each party's N3 street is followed by N4 city, state code and ZIP, split from the agreement's address."""
    from icaops.billing.outputs.postal import split_address

    (st,) = parse(render_811(small_bill(), agreement(), envelope())).groups[0].transactions
    n4 = [[el(s, i) for i in (1, 2, 3)] for s in segments(st, "N4")]
    assert n4 == [["Monroe", "LA", "71203"], ["Quincy", "MA", "021711759"]]
    assert [el(s, 1) for s in segments(st, "N3")] == ["100 CenturyLink Drive", "100 Newport Avenue, Ext"]
    assert split_address("1 Main St, Boise, Idaho 83702").state == "ID"
    assert split_address("somewhere without a ZIP") is None
    assert split_address("1 Main St, Springfield, Narnia 12345") is None


def test_msg_segments_hold_no_implementation_words():
    """VI.10.1.2: MSG text is the agreement's words: no event type names (order.submitted) or program constants."""
    import re

    (st,) = parse(render_811(small_bill(), agreement(), envelope())).groups[0].transactions
    messages = [el(s, 1) for s in segments(st, "MSG")]
    assert messages and any("order submitted" in m for m in messages)
    for m in messages:
        assert not re.search(r"\b[a-z]{2,}[._][a-z]{2,}\b|ROUND_|\bTrue\b|\bFalse\b|\bNone\b", m), m


def test_envelope_needs_a_control_number():
    """Two files must never share ISA13: there is no default control number (the application takes one from the store)."""
    with pytest.raises(TypeError):
        Envelope("A", "B", dt.datetime(2012, 1, 1))  # type: ignore[call-arg]
