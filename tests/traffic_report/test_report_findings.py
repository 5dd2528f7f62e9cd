"""Findings grouped and counted by provider and kind, each kind with its clause (CPA.1.1, 7, 8, 9, 10)."""

from __future__ import annotations

import re

from icaops.traffic.report import report_data, write_report
from icaops.traffic.report.summary import NO_PROVIDER
from tests.traffic_report import handbuilt


def _group(pattern: str, text: str) -> str:
    found = re.search(pattern, text, re.S)
    assert found, pattern
    return found.group(1)


def test_findings_are_counted_per_provider_and_kind(terms):
    data = report_data(handbuilt.check(), terms)
    kinds = [(k.kind, k.clause) for k in data.kinds]
    assert kinds == [
        ("provider_not_authorized", "CPA.1.1"),
        ("outside_serving_area", "CPA.9"),
        ("cpn_missing", "CPA.7"),
        ("cpn_altered", "CPA.7"),
        ("voip_911_to_ilec", "CPA.10"),
        ("dos_trunk_group", "CPA.8"),
        ("dos_provider", "CPA.8"),
    ]
    rows = {p.provider: dict(zip(kinds, p.counts)) for p in data.providers}
    assert [p.provider for p in data.providers] == ["TELNYX", "BANDWIDTH", NO_PROVIDER]
    assert rows["BANDWIDTH"][("provider_not_authorized", "CPA.1.1")] == 2
    assert rows["TELNYX"][("cpn_missing", "CPA.7")] == 1 and rows["TELNYX"][("dos_provider", "CPA.8")] == 1
    assert rows[NO_PROVIDER] == {k: int(k == ("dos_trunk_group", "CPA.8")) for k in kinds}
    assert sum(p.total for p in data.providers) == data.total_findings == len(handbuilt.FINDINGS)
    for i, k in enumerate(data.kinds):  # the columns add up to the kind's count
        assert sum(p.counts[i] for p in data.providers) == k.count


def test_the_html_table_has_a_row_per_provider_and_a_column_per_kind_with_its_clause(tmp_path, terms):
    html = write_report(handbuilt.check(), terms, tmp_path).read_text(encoding="utf-8")
    table = _group(r'<table id="by-provider">(.*?)</table>', html)
    header = re.findall(r'<span class="clause">(CPA\.[0-9.]+)</span>', table)
    assert header == ["CPA.1.1", "CPA.9", "CPA.7", "CPA.7", "CPA.10", "CPA.8", "CPA.8"]
    bandwidth = _group(r"<tr><td>BANDWIDTH</td>(.*?)</tr>", table)
    assert re.findall(r'<td class="n">([^<]*)</td>', bandwidth) == ["2", "", "", "", "", "", "", "2"]
    total = _group(r'<tr class="total"><td>all providers</td>(.*?)</tr>', table)
    assert re.findall(r'<td class="n">([^<]*)</td>', total) == ["2", "1", "1", "1", "1", "1", "1", "8"]
