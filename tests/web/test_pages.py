"""The portal's pages and actions end to end through its forms, as each party works in it: the
same application functions as the API, so the same answers and the same clauses."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import unquote

from icaops.app.audit import audit_entries
from tests.gateway.billing_setup import AE_LINE, BILL, bill_march
from tests.gateway.conftest import lsr

from .conftest import Browser, Portal

WTN = "2085550101"


def submit(b: Browser, **changes: str) -> object:
    b.get("/orders/new")
    return b.post("/orders", {k: str(v) for k, v in lsr(**changes).items()})


def refusal_rows(html: str) -> list[tuple[str, str]]:
    """(code, clause) of each row of the page's refusal box."""
    box = re.search(r'(?s)<section class="refused".*?</section>', html)
    assert box is not None, html[-2000:]
    return re.findall(
        r'<tr><td>([^<]*)</td><td>[^<]*</td><td>[^<]*</td><td class="clause">([^<]*)</td></tr>', box.group(0)
    )


def test_home_shows_a_clec_its_obligations_open_orders_and_standing(portal: Portal) -> None:
    """III.29.1.1: a CLEC's home page: its obligations (violated or due soon), open orders, its account's standing."""
    g = portal.as_("granite")
    assert submit(g).status_code == 303
    page = g.get("/")
    assert page.status_code == 200
    assert "Obligations of the CLEC" in page.text
    assert "GRANITE/N-100" in page.text  # an open order
    assert "Standing of account GRANITE" in page.text
    assert "OTHERCO" not in page.text


def test_retail_sales_home_shows_nothing_of_a_clec(portal: Portal) -> None:
    """IV.8.5: retail sales and marketing see no CLEC order nor customer information."""
    portal.as_("granite").get("/")
    assert submit(portal.as_("granite")).status_code == 303
    page = portal.as_("retail").get("/")
    assert page.status_code == 200 and "IV.8.5" in page.text
    assert "N-100" not in page.text and "Orders</a>" not in page.text


def test_an_lsr_submitted_confirmed_and_completed_through_the_portal(portal: Portal) -> None:
    """IV.7.2 submission acknowledged; IV.9.1 a due date inside the interval is refused with its
    clause, then confirmed 5 Business Days after 2013-03-04 = 2013-03-11; IV.7.2.2 completion."""
    g = portal.as_("granite")
    r = submit(g)
    assert r.status_code == 303 and r.headers["location"] == "/portal/orders/GRANITE/N-100?done=submitted"
    assert "acknowledged" in g.get("/orders/GRANITE/N-100").text
    ops = portal.as_("ops")
    ops.get("/orders/GRANITE/N-100")
    r = ops.post("/orders/GRANITE/N-100/confirm", {"due_date": "2013-03-08", "once": "c1"})
    assert r.status_code == 422
    assert refusal_rows(r.text) == [("due_date_inside_interval", "IV.9.1")]
    r = ops.post("/orders/GRANITE/N-100/confirm", {"once": "c2"})
    assert r.status_code == 303, r.text
    page = ops.get("/orders/GRANITE/N-100")
    assert "inProgress" in page.text and "2013-03-11" in page.text
    portal.gateway.clock.day(dt.date(2013, 3, 11), hour=9)
    ops = portal.as_("ops")  # four days later: a new session (the first ended idle)
    ops.get("/orders/GRANITE/N-100")
    r = ops.post("/orders/GRANITE/N-100/complete", {"wtns": WTN})
    assert r.status_code == 303, r.text
    page = ops.get("/orders/GRANITE/N-100")
    assert "completed" in page.text and WTN in page.text
    kinds = re.findall(r"<td>(acknowledgement|confirmation|completion)</td>", page.text)
    assert kinds == ["acknowledgement", "confirmation", "completion"]


def test_a_rejected_lsr_shows_every_error_with_its_clause(portal: Portal) -> None:
    """IV.7.2.3: the LSR is kept rejected with every error found, each with its clause."""
    g = portal.as_("granite")
    r = submit(g, pon="BAD-1", ccna="XXX", ddd="2013-03-01")
    assert r.status_code == 303
    page = g.get("/orders/GRANITE/BAD-1")
    assert "rejected" in page.text
    assert "ccna_mismatch" in page.text and "ddd_in_past" in page.text


def test_a_form_missing_a_required_field_is_shown_again_with_the_field(portal: Portal) -> None:
    """The form is the API's body: a PON is required (IV.7.2)."""
    g = portal.as_("granite")
    g.get("/orders/new")
    r = g.post("/orders", {"account": "GRANITE", "act": "N"})
    assert r.status_code == 422 and "<strong>pon</strong>" in r.text


def test_orders_filter_by_state_and_page(portal: Portal) -> None:
    """A CLEC's orders by state: the rejected one apart from the acknowledged ones."""
    g = portal.as_("granite")
    for i in range(3):
        assert submit(g, pon=f"N-{i}").status_code == 303
    assert submit(g, pon="BAD-1", ccna="XXX").status_code == 303
    rejected = g.get("/orders", state="rejected").text
    assert "BAD-1" in rejected and "N-0" not in rejected
    everything = g.get("/orders").text
    assert all(f"N-{i}" in everything for i in range(3))


def test_the_clec_supplements_its_order_and_the_ilec_may_not(portal: Portal) -> None:
    """A supplement is the CLEC's (orders.submit); CenturyLink's operations have no such form."""
    g = portal.as_("granite")
    submit(g)
    g.get("/orders/GRANITE/N-100")
    r = g.post("/orders/GRANITE/N-100/supplement", {"ver": "2", "sup": "due_date", "ddd": "2013-03-20"})
    assert r.status_code == 303, r.text
    assert "<dd>2</dd>" in g.get("/orders/GRANITE/N-100").text
    ops = portal.as_("ops")
    assert 'action="/portal/orders/GRANITE/N-100/supplement"' not in ops.get("/orders/GRANITE/N-100").text
    r = ops.post("/orders/GRANITE/N-100/supplement", {"ver": "3", "sup": "cancel"})
    assert r.status_code == 403


def test_a_trouble_ticket_without_isolation_is_kept_rejected_and_one_with_it_is_worked(portal: Portal) -> None:
    """V.2.4: a report without trouble isolation attested is kept rejected with its reason; with
    it: resolved only when the quality is restored (V.2.6); no dispatch out unrequested (V.6.2);
    the CLEC requests one (V.2.5(b)), CenturyLink dispatches (V.2.5(c)) and resolves; the CLEC
    closes it. Every time is the server's, in Central time (II.2.10)."""
    g = portal.as_("granite")
    assert g.get("/tickets/new").status_code == 200
    r = g.post("/tickets", {"account": "GRANITE", "ticket": "T-0", "wtn": WTN, "trouble": "no dial tone"})
    assert r.status_code == 303, r.text
    assert "rejected" in g.get("/tickets/GRANITE/T-0").text
    g.get("/tickets/new")
    r = g.post(
        "/tickets",
        {"account": "GRANITE", "ticket": "T-1", "wtn": WTN, "trouble": "no dial tone", "isolation": "tested to the NID",
         "isolation_attested": "on"},
    )  # fmt: skip
    assert r.status_code == 303, r.text
    ops = portal.as_("ops")
    ops.get("/tickets/GRANITE/T-1")
    r = ops.post("/tickets/GRANITE/T-1/resolve", {"cause": "ilec_facility"})  # quality not restored
    assert r.status_code == 422 and refusal_rows(r.text)[0][1] == "V.2.6"
    r = ops.post("/tickets/GRANITE/T-1/dispatch", {"dispatch": "D1", "location": "out"})
    assert r.status_code == 422 and refusal_rows(r.text)[0] == ("dispatch_not_requested", "V.6.2")
    g.get("/tickets/GRANITE/T-1")
    r = g.post("/tickets/GRANITE/T-1/dispatchRequest", {"location": "out", "contact": "Pat Lee 208-555-0101"})
    assert r.status_code == 303, r.text
    assert ops.post("/tickets/GRANITE/T-1/dispatch", {"dispatch": "D1", "once": "d1"}).status_code == 303
    r = ops.post("/tickets/GRANITE/T-1/resolve", {"cause": "ilec_facility", "quality_restored": "on"})
    assert r.status_code == 303, r.text
    g.get("/tickets/GRANITE/T-1")
    assert g.post("/tickets/GRANITE/T-1/close", {}).status_code == 303
    page = g.get("/tickets/GRANITE/T-1").text
    table = page.split("<h2>History</h2>", 1)[1].split("</table>", 1)[0]
    history = re.findall(r"<tr><td>[^<]*</td><td>(\w+)</td><td>", table)
    assert history[-2:] == ["resolved", "closed"] and "D1" in page
    assert "CDT" in page or "CST" in page  # times in Central time


def test_a_bill_its_invoice_and_a_dispute_with_the_bill_due_date_as_deadline(portal: Portal) -> None:
    """III.9.2: Bill Due Date 2013-04-03, the deadline of a timely dispute (III.9.4); the CLEC
    disputes the Account Establishment line $224.07; CenturyLink billing resolves it (III.9.4.1)."""
    bill_march(portal.gateway)
    g = portal.as_("granite")
    assert BILL in g.get("/bills").text
    page = g.get(f"/bills/{BILL}")
    assert page.status_code == 200
    assert "<strong>2013-04-03</strong>" in page.text and "304.28" in page.text
    invoice = g.get(f"/bills/{BILL}/invoice")
    assert invoice.status_code == 200 and "script-src" not in invoice.headers["content-security-policy"]
    r = g.post(f"/bills/{BILL}/disputes", {"line": AE_LINE, "amount": "224.07", "reason": "never ordered"})
    assert r.status_code == 303, r.text
    dispute = r.headers["location"].split("?")[0].rsplit("/", 1)[1]
    shown = g.get(f"/disputes/{dispute}").text
    assert "224.07" in shown and "2013-04-03" in shown and "<dd>yes" in shown  # timely
    billing = portal.as_("billing")
    billing.get(f"/disputes/{dispute}")
    r = billing.post(f"/disputes/{dispute}/resolve", {"amount_for_clec": "224.07"})
    assert r.status_code == 303, r.text
    assert "resolved" in billing.get(f"/disputes/{dispute}").text
    r = billing.post(f"/disputes/{dispute}/resolve", {"amount_for_clec": "1.00"})
    assert r.status_code == 422 and refusal_rows(r.text)[0] == ("dispute_already_resolved", "III.9.4.1")


def test_a_dispute_above_the_line_is_refused_with_its_clause(portal: Portal) -> None:
    """III.9.4: a dispute item is at most its line's amount."""
    bill_march(portal.gateway)
    g = portal.as_("granite")
    g.get(f"/bills/{BILL}")
    r = g.post(f"/bills/{BILL}/disputes", {"line": AE_LINE, "amount": "999.00", "reason": "too much"})
    assert r.status_code == 422
    (row,) = refusal_rows(r.text)
    assert row[1].startswith("III.9.4")


def test_billing_closes_a_cycle_from_the_bills_page(portal: Portal) -> None:
    """III.9.2: CenturyLink billing closes GRANITE's March 2013 cycle; a second close is refused."""
    portal.gateway.load([{"id": "S1", "date": "2013-02-10", "type": "service.added", "account": "GRANITE",
                          "wtn": "2085550100", "usoc": "1FB", "class_of_service": "business", "retail_mrc": "40.00"}])  # fmt: skip
    billing = portal.as_("billing")
    billing.get("/bills")
    r = billing.post("/bills/run", {"account": "GRANITE", "period": "2013-03"})
    assert r.status_code == 303 and r.headers["location"] == f"/portal/bills/{BILL}"
    r = billing.post("/bills/run", {"account": "GRANITE", "period": "2013-03", "once": "again"})
    assert r.status_code == 422 and 'class="error"' in r.text


def test_a_csr_search_without_the_blanket_loa_is_refused_with_its_clause_and_audited(portal: Portal) -> None:
    """VI.8.4.1: no Blanket LOA on file: refused with its clause, nothing disclosed; the attempt is
    kept in the audit log with the actor; CenturyLink's operations see it in the access log (VI.8.4.4)."""
    g = portal.as_("granite")
    submit(g)
    g.get("/csr")
    r = g.post("/csr", {"account": "GRANITE", "wtn": WTN, "channel": "electronic"})
    assert r.status_code == 422
    assert refusal_rows(r.text)[0] == ("blanket_loa_missing", "VI.8.4.1")
    assert "Acme Hardware" not in r.text
    rows = [a for a in audit_entries(portal.gateway.engine) if a.action == "csr.requested.kept_refused"]
    assert [a.actor for a in rows] == [next(iter(rows)).actor] and rows[0].subject == f"csrInquiry/GRANITE/{WTN}"
    access = portal.as_("ops").get("/cpni-access")
    assert access.status_code == 200 and WTN in access.text and "blanket_loa_missing" in access.text


def test_a_csr_search_under_the_loa_and_authorisation_shows_the_record(portal: Portal) -> None:
    """VI.8.4.1: Granite's admin files the Blanket LOA; VI.8.4.2: Granite's user records the End
    User's authorisation; the search under it discloses the record: the End User and address of
    the order that installed the line. Withdrawn, no authorisation is in force (II.2.26, VI.8.4.2)."""
    gw = portal.gateway
    assert gw.post("granite", "/productOrder", lsr()).status_code == 201
    assert gw.post("ops", "/productOrder/GRANITE/N-100/confirm", {}).status_code == 200
    assert gw.post("ops", "/productOrder/GRANITE/N-100/complete", {"wtns": [WTN]}).status_code == 200
    admin = portal.as_("granite_admin")
    assert "not on file" in admin.get("/csr").text
    assert admin.post("/csr/loa", {"account": "GRANITE"}).status_code == 303
    g = portal.as_("granite")
    page = g.get("/csr")
    assert "<strong>on file</strong>" in page.text and "File the Blanket LOA" not in page.text
    r = g.post("/csr/authorizations", {"account": "GRANITE", "wtn": WTN, "scope": "release_of_cpni"})
    assert r.status_code == 303, r.text
    ref = re.search(r"authorisation%20(\S+)%20recorded", r.headers["location"])
    assert ref is not None
    ref_id = unquote(ref.group(1))
    g.get("/csr")
    r = g.post("/csr", {"account": "GRANITE", "wtn": WTN, "channel": "electronic", "authorization": ref_id})
    assert r.status_code == 200, r.text
    assert "Acme Hardware" in r.text and "12 Main St, Boise ID" in r.text
    assert g.post(f"/csr/authorizations/{ref_id}/withdraw", {"account": "GRANITE"}).status_code == 303
    g.get("/csr")
    r = g.post(
        "/csr", {"account": "GRANITE", "wtn": WTN, "channel": "electronic", "authorization": ref_id, "once": "2"}
    )
    assert r.status_code == 422 and refusal_rows(r.text)[0] == ("authorization_missing", "II.2.26")  # none in force
    assert "Customer Service Record of" not in r.text


def test_listings_notices_and_the_audit_log_pages(portal: Portal) -> None:
    """Article VII listings; III.34 notices; the audit log for CenturyLink and the auditor (VI.8.3.2)."""
    g = portal.as_("granite")
    assert g.get("/listings").status_code == 200
    assert g.get("/notices").status_code == 200
    audit = portal.as_("auditor").get("/audit", action="user.login")
    assert audit.status_code == 200 and "auditor@aud.example" in audit.text
    assert portal.as_("ops").get("/audit").status_code == 200


def test_home_shows_the_ilec_its_own_obligations_and_the_auditor_both_parties(portal: Portal) -> None:
    """Obligations per party: CenturyLink's home shows the ILEC's; the auditor, reading for both
    (III.7), the ILEC's and the CLEC's; each read is in the audit log with its actor (VI.8.3.2)."""
    ops = portal.as_("ops").get("/").text
    assert "Obligations of the ILEC" in ops and "Obligations of the CLEC" not in ops
    auditor = portal.as_("auditor").get("/").text
    assert "Obligations of the ILEC" in auditor and "Obligations of the CLEC" in auditor
    reads = [e for e in audit_entries(portal.gateway.engine) if e.action == "obligations.read"]
    assert {e.detail["role"] for e in reads} == {"ilec_operations", "auditor"}


def test_orders_page_by_page(portal: Portal) -> None:
    """A list is paged (25 a page): the next page's link carries the filter and its cursor, and
    holds the rest; htmx swaps #results in place, the plain link works without it."""
    for i in range(27):
        assert portal.gateway.post("granite", "/productOrder", lsr(pon=f"P-{i:02d}")).status_code == 201
    g = portal.as_("granite")
    first = g.get("/orders", state="acknowledged").text
    link = re.search(r'<a href="\?([^"]+)" hx-get=', first)
    assert link is not None and "state=acknowledged" in link.group(1)
    shown = set(re.findall(r">(P-\d\d)</a>", first))
    query = dict(p.split("=", 1) for p in link.group(1).replace("&amp;", "&").split("&"))
    second = g.get("/orders", state="acknowledged", cursor=query["cursor"].replace("%3D", "="))
    rest = set(re.findall(r">(P-\d\d)</a>", second.text))
    assert len(shown) == 25 and len(rest) == 2 and not shown & rest
    assert 'id="results"' in second.text and "Next page" not in second.text


def test_each_page_showing_end_users_is_a_customer_information_read_in_the_audit_log(portal: Portal) -> None:
    """VI.8.3.2, VI.8.4.4: the portal records who was shown End User information, as the API does:
    the home page's open orders, the order page and the orders list name the reader and the
    objects; another CLEC's attempt, refused, shows nothing and records no such read."""
    g = portal.as_("granite")
    submit(g)
    before = len([a for a in audit_entries(portal.gateway.engine) if a.action == "customer_information.read"])
    assert portal.as_("ops").get("/orders/GRANITE/N-100").status_code == 200
    assert portal.as_("other").get("/orders/GRANITE/N-100").status_code == 404
    assert g.get("/orders").status_code == 200
    reads = [a for a in audit_entries(portal.gateway.engine) if a.action == "customer_information.read"][before:]
    assert [(a.actor, a.detail["role"], a.detail["objects"]) for a in reads] == [
        ("ops@ctl.example", "ilec_operations", ["GRANITE/N-100"]),  # signed in: the home page's open orders
        ("ops@ctl.example", "ilec_operations", ["GRANITE/N-100"]),  # the order itself
        ("granite@grn.example", "clec_user", ["GRANITE/N-100"]),  # its orders list
    ]


def test_a_data_validation_file_at_most_once_a_quarter_refused_with_its_clause(portal: Portal) -> None:
    """VI.8.5.2: one Data Validation File a quarter (any file counts): a second in Q1 2013 is
    refused with VI.8.5.2; on 2013-04-01 (Q2) one may be requested again."""
    g = portal.as_("granite")
    assert "may still request <strong>1</strong>" in g.get("/csr").text
    r = g.post("/csr/dvf", {"account": "GRANITE", "file": "street_address_guide", "once": "d1"})
    assert r.status_code == 303, r.text
    page = g.get("/csr").text
    assert "may still request <strong>0</strong>" in page and "<td>street_address_guide</td>" in page
    portal.gateway.clock.day(dt.date(2013, 3, 29))
    g = portal.as_("granite")
    r = g.post("/csr/dvf", {"account": "GRANITE", "file": "community_names", "once": "d2"})
    assert r.status_code == 422
    assert refusal_rows(r.text) == [("dvf_limit_reached", "VI.8.5.2")]
    portal.gateway.clock.day(dt.date(2013, 4, 1))
    g = portal.as_("granite")
    assert "may still request <strong>1</strong>" in g.get("/csr").text
    assert g.post("/csr/dvf", {"account": "GRANITE", "file": "community_names", "once": "d3"}).status_code == 303


def test_escalation_procedures_published_and_a_ticket_escalated_when_its_age_reaches_a_level(portal: Portal) -> None:
    """V.3.1: no escalation before CenturyLink publishes its procedures (refused, V.3.1); the CLEC
    publishes its own (V.3.2), CenturyLink its (V.3.1). Reported Mon 2013-03-04 09:15; at 14:15
    it is 5 hours old: level 1 (after 4 hours) is due, level 2 (after 2 Business Days) is not
    (refused escalation_premature, V.3.1)."""
    portal.gateway.clock.now = portal.gateway.clock.now.replace(hour=9, minute=15)
    g = portal.as_("granite")
    g.get("/tickets/new")
    form = {"account": "GRANITE", "ticket": "T-1", "wtn": WTN, "trouble": "no dial tone", "isolation": "NID",
            "isolation_attested": "on"}  # fmt: skip
    assert g.post("/tickets", form).status_code == 303
    g.get("/tickets/GRANITE/T-1")
    r = g.post("/tickets/GRANITE/T-1/escalate", {"level": "1", "once": "e0"})
    assert r.status_code == 422 and refusal_rows(r.text) == [("no_escalation_procedures", "V.3.1")]
    assert "No escalation procedures published" in g.get("/tickets").text
    levels = "1 | Repair supervisor 800-555-0001 | 4\n2 | Repair manager 800-555-0002 | | 2\n"
    assert g.post("/tickets/procedures", {"account": "GRANITE", "levels": levels, "once": "p1"}).status_code == 303
    r = g.post("/tickets/procedures", {"account": "GRANITE", "levels": "one | nobody", "once": "p2"})
    assert r.status_code == 422 and "levels.0.level" in r.text
    ops = portal.as_("ops")
    assert "Publish CenturyLink&#39;s escalation procedures (V.3.1)" in ops.get("/tickets", account="GRANITE").text
    assert ops.post("/tickets/procedures", {"account": "GRANITE", "levels": levels, "once": "p3"}).status_code == 303
    page = g.get("/tickets").text
    assert "CenturyLink&#39;s (V.3.1), published 2013-03-04" in page and "the CLEC&#39;s (V.3.2)" in page
    assert "<td>Repair manager 800-555-0002</td><td>—</td><td>2</td>" in page
    portal.gateway.clock.now = portal.gateway.clock.now.replace(hour=14, minute=15)
    g = portal.as_("granite")
    page = g.get("/tickets/GRANITE/T-1").text
    assert re.search(r"<dt>Escalation level due</dt><dd>1 under CenturyLink", page)
    r = g.post("/tickets/GRANITE/T-1/escalate", {"level": "2", "once": "e2"})
    assert r.status_code == 422 and refusal_rows(r.text) == [("escalation_premature", "V.3.1")]
    assert g.post("/tickets/GRANITE/T-1/escalate", {"level": "1", "once": "e1"}).status_code == 303
    assert "level 1 at 2013-03-04 14:15 CST" in g.get("/tickets/GRANITE/T-1").text
