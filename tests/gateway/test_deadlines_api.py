"""deadline through the API: a named deadline from its trigger date, explained with its clauses;
an unknown name is 404 with the closest names."""

from __future__ import annotations

from .conftest import Gateway


def test_the_dispute_filing_deadline_of_a_bill(gateway: Gateway) -> None:
    """III.9.2, III.9.4: Bill Date 2013-03-04 + 30 = Wednesday 2013-04-03, the last day of a timely dispute."""
    r = gateway.get("granite", "/deadline/dispute_filing", trigger="2013-03-04")
    assert r.status_code == 200, r.text
    assert (r.json()["name"], r.json()["trigger"], r.json()["value"]) == ("dispute_filing", "2013-03-04", "2013-04-03")
    assert {"III.9.2", "III.9.4"} <= {s["clause"] for s in r.json()["steps"]}


def test_a_rule_of_the_terms_table_and_a_composite_with_its_inputs(gateway: Gateway) -> None:
    """III.6: a deposit is due 30 calendar days after the request; III.34.1(b): first-class mail
    of Wednesday 2013-04-10 is received Monday 2013-04-15."""
    r = gateway.get("ops", "/deadline/deposit_provide", trigger="2013-03-04")
    assert r.status_code == 200 and r.json()["value"] == "2013-04-03"
    assert r.json()["steps"][-1]["clause"] == "III.6"
    r = gateway.get("auditor", "/deadline/notice_received", trigger="2013-04-10", method="first_class_mail")
    assert r.status_code == 200 and r.json()["value"] == "2013-04-15"


def test_unknown_names_and_missing_inputs(gateway: Gateway) -> None:
    r = gateway.get("granite", "/deadline/dispute_filng", trigger="2013-03-04")
    assert r.status_code == 404, r.text
    assert r.json()["details"]["closest"][0] == "dispute_filing" and r.json()["field"] == "name"
    r = gateway.get("granite", "/deadline/dispute_filing")
    assert r.status_code == 422 and r.json()["field"] == "dispute_filing"
    assert gateway.get("granite", "/deadline/dispute_filing", trigger="2013-02-30").status_code == 422


def test_the_list_names_every_deadline_and_retail_sales_reads_none(gateway: Gateway) -> None:
    """IV.8.5: retail sales has no access to the deadlines of a CLEC's relationship."""
    names = {d["name"] for d in gateway.get("granite", "/deadline").json()["items"]}
    assert {"dispute_filing", "deposit_provide", "notice_received"} <= names
    assert gateway.get("retail", "/deadline").status_code == 403
    assert gateway.get("retail", "/deadline/dispute_filing", trigger="2013-03-04").status_code == 403
