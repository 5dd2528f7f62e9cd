"""A bill as an ASC X12 811 Consolidated Service Invoice/Statement, release 004010 (VI.10.1.2).

The map (which segment carries what, and the sources it follows) is in `docs/x12-811.md`.
Heading: BIG, CUR, REF, ITD, DTM, N1 loops; detail: HL 1 service provider -> HL 2 billing
arrangement -> HL 5 one per category -> HL 9 one per line item (IT1, SI, PID, TXI for
taxes, REF clause, DTM, MSG explanation, AMT); summary: TDS in cents, CTT. Recurring
charges are one IT1 per WTN (`recurring="wtn"`, the default) or per price group
(`recurring="groups"`); WTN lines are rendered column-wise from Arrow batches, and the
output is streamed to any text stream or file.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import IO, Any, Literal

import pyarrow as pa
import pyarrow.compute as pc

from ...privatefiles import private_file
from ...terms.loader import Agreement
from ..model import Bill, ChargeLine
from .postal import split_address
from .view import LABELS, GroupRow, InvoiceView, Parties, invoice_view, plain
from .x12 import Charset, Delimiters, Envelope, SegmentWriter, Text, Usage, d8, n2, r

__all__ = ["RecurringDetail", "default_envelope", "render_811", "write_811"]

RecurringDetail = Literal["groups", "wtn"]
_CLAUSE_REF = "AGREEMENT CLAUSE"
_WTN_SEGMENTS = 8  # HL, IT1, SI, PID, REF, DTM 150, DTM 151, AMT
ONE = Decimal(1)


def default_envelope(
    bill: Bill, parties: Parties | Agreement | Mapping[str, Any], control: int, usage: Usage = "T"
) -> Envelope:
    """Sender = the ILEC's short name, receiver = the CLEC's OCN (or account id), dated the Bill Date.

    `control` is the interchange (ISA13) and group (GS06) control number: the caller takes
    it from a persistent counter, so two interchanges never share one. `usage` is ISA15:
    "P" production, "T" test (the default)."""
    parties = Parties.of(parties)
    text = Text()
    sender = text.an((parties.ilec.short or parties.ilec.name).upper().replace(" ", ""), 15)
    receiver = text.an(bill.account.ocn or bill.account.id, 15)
    return Envelope(
        sender,
        receiver,
        dt.datetime.combine(bill.cycle.bill_date.value, dt.time(0, 0), dt.UTC),
        interchange_control=control,
        group_control=control,
        usage=usage,
    )


def _wrap(text: str, width: int, parts: int) -> list[str]:
    """`text` cut at spaces into at most `parts` pieces of `width` characters (the last one cut hard)."""
    pieces: list[str] = []
    rest = text
    while rest and len(pieces) < parts - 1 and len(rest) > width:
        cut = rest.rfind(" ", 0, width + 1)
        cut = cut if cut > 0 else width
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest[:width].rstrip())
    return pieces


def _name_segments(w: SegmentWriter, code: str, name: str, id_qualifier: str = "", id_code: str = "") -> None:
    """N1 with the name (60 characters), N2 with the rest of a longer name (two names of 60)."""
    first, *rest = _wrap(w.text.an(name, 180), 60, 3) or ["UNKNOWN"]
    w.write("N1", code, first, id_qualifier, id_code)
    if rest:
        w.write("N2", *rest)


def _address_segments(w: SegmentWriter, address: str) -> None:
    """N3 street and N4 city, state code, ZIP, split from the address as the agreement writes it;
    an address that cannot be split goes in N3 alone (street, then the rest)."""
    split = split_address(address)
    if split is not None:
        street = _wrap(w.text.an(split.street, 110), 55, 2)
        w.write("N3", *street)
        w.write("N4", w.text.an(split.city, 30), w.text.an(split.state, 2), w.text.an(split.zip.replace("-", ""), 15))
        return
    text = w.text.an(address, 110)
    if text:
        first, _, rest = text.partition(",")
        w.write("N3", w.text.an(first, 55), w.text.an(rest, 55))


def _heading(w: SegmentWriter, v: InvoiceView, control: str) -> None:
    bill, cycle, acct, t = v.bill, v.bill.cycle, v.bill.account, w.text
    w.in_transaction = 0
    w.write("ST", "811", control)
    w.write("BIG", d8(cycle.bill_date.value), t.ident(bill.id, 22, "BIG02 invoice number (bill id)"))
    w.write("CUR", "SE", t.ident(v.currency, 3, "CUR02 currency"))
    w.write("REF", "12", t.ident(acct.id, 30, "REF02 billing account (account id)"))
    due = cycle.due_date
    why = "BILL DUE DATE " + " ".join(due.clauses)
    w.write(
        "ITD",
        "01",
        "3",
        "",
        "",
        "",
        d8(due.value),
        str((due.value - cycle.bill_date.value).days),
        "",
        "",
        "",
        "",
        t.an(why, 80),
    )
    w.write("DTM", "186", d8(cycle.start))
    w.write("DTM", "187", d8(cycle.close))
    w.write("DTM", "814", d8(due.value))
    _name_segments(w, "PE", v.parties.ilec.name)
    _address_segments(w, v.parties.ilec.address)
    _name_segments(w, "BT", acct.name, "91", t.ident(acct.id, 80, "N104 bill-to id (account id)"))
    _address_segments(w, v.parties.clec.address)
    if acct.ocn:
        w.write("REF", "ZZ", t.ident(acct.ocn, 30, "REF02 operating company number"), "OPERATING COMPANY NUMBER")


class _Detail:
    """Numbers the HL and IT1 segments of one transaction set as they are written."""

    def __init__(self, w: SegmentWriter):
        self.w, self.hl, self.items = w, 0, 0

    def level(self, parent: int | None, code: str, has_children: bool) -> int:
        self.hl += 1
        self.w.write("HL", str(self.hl), "" if parent is None else str(parent), code, "1" if has_children else "0")
        return self.hl

    def item(
        self,
        parent: int,
        quantity: Decimal,
        unit: Decimal,
        qualifier: str,
        code: str,
        description: str,
        clause: str,
        amount: Decimal,
        dates: Sequence[tuple[str, dt.date]] = (),
        tax: bool = False,
        notes: Sequence[str] = (),
    ) -> None:
        """One line detail HL with its IT1 and the segments that describe and explain it."""
        w, t = self.w, self.w.text
        self.level(parent, "9", False)
        self.items += 1
        w.write("IT1", str(self.items), r(quantity), "EA", r(unit), "", qualifier, t.an(code, 48) or "NA")
        w.write("PID", "F", "", "", "", t.an(description, 80) or t.an(code, 80) or "CHARGE")
        if tax:
            w.write("TXI", "ZZ", r(amount))
        w.write("REF", "ZZ", t.an(clause, 30) or "NA", _CLAUSE_REF)
        for qualifier_code, when in dates:
            w.write("DTM", qualifier_code, d8(when))
        for note in notes:
            text = t.an(plain(note), 264)
            if text:
                w.write("MSG", text)
        w.write("AMT", "1", r(amount))


def _group_items(d: _Detail, parent: int, groups: Iterable[GroupRow]) -> None:
    for g in groups:
        usocs = ", ".join(g.usocs) or "no USOC"
        d.item(
            parent,
            Decimal(g.wtns),
            g.unit_amount,
            "ZZ",
            f"PRICE GROUP {g.price_group}",
            f"Monthly recurring charges, USOC {usocs}",
            g.clause,
            g.subtotal,
            notes=[s.render() for s in g.explanation.steps],
        )


def _wtn_items(d: _Detail, parent: int, bill: Bill, batch_size: int) -> None:
    """One line detail HL per WTN, rendered column-wise from each Arrow batch (a bill may hold 1M WTNs)."""
    t, e, end = d.w.text, d.w.delimiters.element, d.w.terminator
    for batch in bill.recurring.to_batches(max_chunksize=batch_size):
        n = batch.num_rows
        if not n:
            continue
        seq = pa.array(range(n), pa.int64())
        hl = pc.cast(pc.add(seq, d.hl + 1), pa.string())
        item = pc.cast(pc.add(seq, d.items + 1), pa.string())
        amount = pc.cast(batch.column("amount"), pa.string())
        wtn = t.an_column(batch.column("wtn"), 30)
        usoc = t.an_column(pc.fill_null(batch.column("usoc"), ""), 48)
        usoc = pc.if_else(pc.equal(usoc, ""), "MRC", usoc)
        group = pc.cast(batch.column("price_group"), pa.string())
        clause = t.an_column(batch.column("clause"), 30)
        start = pc.strftime(batch.column("service_start"), "%Y%m%d")
        close = pc.strftime(batch.column("service_end"), "%Y%m%d")
        text = pc.binary_join_element_wise(
            f"HL{e}",
            hl,
            f"{e}{parent}{e}9{e}0{end}",
            f"IT1{e}",
            item,
            f"{e}1{e}EA{e}",
            amount,
            f"{e}{e}SV{e}",
            usoc,
            f"{e}ZZ{e}PRICE GROUP ",
            group,
            end,
            f"SI{e}TI{e}TN{e}",
            wtn,
            end,
            f"PID{e}F{e}{e}{e}{e}MONTHLY RECURRING CHARGE{end}",
            f"REF{e}ZZ{e}",
            clause,
            f"{e}{_CLAUSE_REF}{end}",
            f"DTM{e}150{e}",
            start,
            end,
            f"DTM{e}151{e}",
            close,
            end,
            f"AMT{e}1{e}",
            amount,
            end,
            "",
        )
        assert text.null_count == 0, "a recurring line with a null wtn, amount, clause or service date"
        d.w.block("".join(text.to_pylist()), _WTN_SEGMENTS * n)
        d.hl += n
        d.items += n


def _line_item(d: _Detail, parent: int, line: ChargeLine) -> None:
    dates = (("472", line.service_date),) if line.service_date else ()
    unit = line.unit_price if line.unit_price is not None else line.amount
    quantity = line.quantity if line.unit_price is not None else ONE
    notes = (["INTERIM PRICE SUBJECT TO TRUE-UP"] if line.true_up else []) + [
        s.render() for s in line.explanation.steps
    ]
    d.item(
        parent,
        quantity,
        unit,
        "SV",
        line.code,
        line.description,
        line.clause,
        line.amount,
        dates,
        tax=line.category in ("tax", "surcharge"),
        notes=notes,
    )


def _detail(w: SegmentWriter, v: InvoiceView, recurring: RecurringDetail, batch_size: int) -> int:
    """The HL loops; returns the number of IT1 line items written."""
    d = _Detail(w)
    provider = d.level(None, "1", True)
    arrangement = d.level(provider, "2", bool(v.billed))
    w.write("LX", "1")
    w.write("REF", "12", w.text.ident(v.bill.account.id, 30, "REF02 billing account (account id)"))
    for row in v.billed:
        category = d.level(arrangement, "5", True)
        w.write("LX", "1")
        w.write("PID", "F", "", "ZZ", w.text.an(row.category, 12), w.text.an(LABELS[row.category], 80))
        w.write("AMT", "ZZ", r(row.amount))
        if row.category == "mrc" and recurring == "wtn":
            _wtn_items(d, category, v.bill, batch_size)
        elif row.category == "mrc":
            _group_items(d, category, v.groups)
        else:
            for line in v.lines:
                if line.category == row.category:
                    _line_item(d, category, line)
    return d.items


def _transaction(w: SegmentWriter, v: InvoiceView, control: str, recurring: RecurringDetail, batch_size: int) -> None:
    _heading(w, v, control)
    items = _detail(w, v, recurring, batch_size)
    w.write("TDS", n2(v.total))
    w.write("CTT", str(items))
    w.write("SE", str(w.in_transaction + 1), control)


def write_811(
    bills: Bill | Sequence[Bill],
    sink: str | os.PathLike | IO[str],
    parties: Parties | Agreement | Mapping[str, Any],
    envelope: Envelope,
    *,
    recurring: RecurringDetail = "wtn",
    delimiters: Delimiters = Delimiters(),
    charset: Charset = "extended",
    line_breaks: bool = False,
    currency: str = "USD",
    batch_size: int = 65_536,
) -> int:
    """Write one interchange (ISA/GS, one ST..SE per bill, GE/IEA) to `sink`; the number of segments written.

    `sink` is a path (written as ASCII) or a text stream. `envelope` carries the control
    numbers (see `default_envelope`; never reuse one) and the production/test indicator.
    `recurring` chooses one IT1 per WTN ("wtn") or per price group ("groups");
    `delimiters` and `charset` ("basic" upper-cases free text) are agreed with the trading
    partner.
    """
    bills = [bills] if isinstance(bills, Bill) else list(bills)
    if not bills:
        raise ValueError("an 811 interchange needs at least one bill")
    if recurring not in ("groups", "wtn"):
        raise ValueError(f"recurring: 'groups' or 'wtn', got {recurring!r}")
    if isinstance(sink, (str, os.PathLike)):
        # owner-only (CPNI), and a failed write never leaves a truncated file under the real name
        with private_file(sink, "w", encoding="ascii", newline="") as out:
            return write_811(
                bills,
                out,
                parties,
                envelope,
                recurring=recurring,
                delimiters=delimiters,
                charset=charset,
                line_breaks=line_breaks,
                currency=currency,
                batch_size=batch_size,
            )
    parties = Parties.of(parties)
    env = envelope
    text = Text(delimiters, charset)
    w = SegmentWriter(sink, text, line_breaks)
    w.isa(env)
    w.write(
        "GS",
        "CI",
        text.ident(env.sender_id, 15, "GS02 sender"),
        text.ident(env.receiver_id, 15, "GS03 receiver"),
        env.created.strftime("%Y%m%d"),
        env.created.strftime("%H%M"),
        str(env.group_control),
        "X",
        "004010",
    )
    for i, bill in enumerate(bills, 1):
        _transaction(w, invoice_view(bill, parties, currency=currency), f"{i:04d}", recurring, batch_size)
    w.write("GE", str(len(bills)), str(env.group_control))
    w.write("IEA", "1", f"{env.interchange_control:09d}")
    return w.total


def render_811(
    bills: Bill | Sequence[Bill], parties: Parties | Agreement | Mapping[str, Any], envelope: Envelope, **options: Any
) -> str:
    """The 811 interchange as a string (options as for `write_811`)."""
    buffer = io.StringIO()
    write_811(bills, buffer, parties, envelope, **options)
    return buffer.getvalue()
