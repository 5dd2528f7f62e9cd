"""The HTML traffic report: its files, the findings' clauses and quotes, the DoS section, escaping."""

from __future__ import annotations

import re

from icaops.traffic.report import report_data, write_report
from icaops.traffic.report.charts import dos_spans
from tests.traffic_report import handbuilt

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
CHARTS = ("calls_per_minute.png", "dos_windows.png", "findings_by_kind.png")


def test_report_writes_html_and_its_png_charts_next_to_it(tmp_path, terms):
    path = write_report(handbuilt.check(), terms, tmp_path)
    html = path.read_text(encoding="utf-8")
    for chart in CHARTS:
        assert (tmp_path / chart).read_bytes().startswith(PNG_MAGIC)
        assert f'src="{chart}"' in html


def test_inline_report_stands_alone(tmp_path, terms):
    html = write_report(handbuilt.check(), terms, tmp_path, inline=True).read_text(encoding="utf-8")
    assert html.count('src="data:image/png;base64,') == len(CHARTS)


def test_findings_by_kind_cite_the_clause_and_quote_it_from_the_terms(tmp_path, terms):
    """Each kind is shown with its clause and the clause's words (CPA.7 quote read from the terms)."""
    html = write_report(handbuilt.check(), terms, tmp_path).read_text(encoding="utf-8")
    cpn_rule = terms.carrier_partner.rules["unaltered_signaling"]
    assert "CLEC will pass unaltered signaling information" in cpn_rule.quote
    row = re.search(r"<td>cpn_altered</td><td class=\"clause\">(CPA\.[0-9.]+)</td>", html)
    assert row and row.group(1) == "CPA.7"
    assert "CLEC will pass unaltered signaling information" in html
    assert "See 47 C.F.R. 64.1601." in html


def test_dos_section_shows_breached_thresholds_and_the_remedy_from_the_terms(tmp_path, terms):
    """CPA.8: the remedy (stop accepting all CLEC traffic, resume after removal, separate trunk group)."""
    html = write_report(handbuilt.check(), terms, tmp_path).read_text(encoding="utf-8")
    remedy = terms.carrier_partner.rules["denial_of_service"].value.remedy
    assert f"Remedy: {remedy}." in html
    assert "attempts_per_second&gt;50,answer_seizure_ratio&lt;0.15" in html


def test_thresholds_shown_are_the_terms_not_constants(tmp_path, agreement):
    """A term override (carrier_partner.dos_thresholds, CPA.8) changes what the report states."""
    changed = agreement.with_overrides(
        {
            "carrier_partner.dos_thresholds": {
                "window_seconds": 30,
                "max_attempts_per_second": "40",
                "short_call_seconds": 6,
                "max_short_call_ratio": "0.60",
                "min_answer_seizure_ratio": "0.15",
                "min_attempts_in_window": 300,
            }
        },
        source="test",
    ).terms
    html = write_report(handbuilt.check(), changed, tmp_path).read_text(encoding="utf-8")
    assert "window_seconds = 30; max_attempts_per_second = 40" in html
    assert "DoS threshold CPA.8: 40 attempts/s = 2,400 per minute" in html


def test_finding_details_are_escaped(tmp_path, terms):
    html = write_report(handbuilt.check(), terms, tmp_path).read_text(encoding="utf-8")
    assert "911 call &lt;b&gt;from&lt;/b&gt; a VoIP provider" in html
    assert "<b>from</b>" not in html


def test_first_findings_are_the_calls_in_time_order(terms):
    """Window-level DoS findings are the DoS section's rows, not call findings (they have no record)."""
    data = report_data(handbuilt.check(), terms, first_findings=3)
    assert [f.kind for f in data.first_findings] == [
        "provider_not_authorized",
        "provider_not_authorized",
        "outside_serving_area",
    ]
    assert data.call_findings == 6
    everything = report_data(handbuilt.check(), terms, first_findings=100)
    assert all(f.record_no is not None for f in everything.first_findings)


def test_adjacent_dos_windows_merge_into_one_shaded_span_per_scope():
    """CPA.8: trunk group 4101's two adjacent windows are one span."""
    spans = dos_spans(handbuilt.check().dos_windows)
    assert [(s.label, s.start.time().isoformat(), s.end.time().isoformat(), s.clause) for s in spans] == [
        ("provider TELNYX", "15:15:00", "15:16:00", "CPA.8"),
        ("trunk group 4101", "15:15:00", "15:17:00", "CPA.8"),
    ]


def test_a_quiet_day_reports_no_findings_and_no_dos(tmp_path, terms):
    write_report(handbuilt.check(), terms, tmp_path)  # a DoS day first: its DoS chart must not survive
    check = handbuilt.check(findings=[], dos_windows=[], events=())
    html = write_report(check, terms, tmp_path).read_text(encoding="utf-8")
    assert "No findings." in html and "No window breached the thresholds." in html
    assert (tmp_path / "findings_by_kind.png").read_bytes().startswith(PNG_MAGIC)
    assert not (tmp_path / "dos_windows.png").exists() and "dos_windows.png" not in html


def test_a_dos_span_is_its_episode_of_sliding_windows():
    """CPA.8 (docs/interpretations.md#dos-windows): a row shows its busiest window and the episode of
    overlapping breached windows around it; the chart shades the whole episode."""
    import pyarrow as pa

    from icaops.traffic.pipeline.result import DOS_WINDOW_SCHEMA

    row = handbuilt.WINDOWS[0] | {
        "episode_start": handbuilt.at(15, 14).replace(second=12),
        "episode_end": handbuilt.at(15, 16).replace(second=48),
    }
    spans = dos_spans(pa.Table.from_pylist([row], schema=DOS_WINDOW_SCHEMA))
    assert [(s.start.time().isoformat(), s.end.time().isoformat()) for s in spans] == [("15:14:12", "15:16:48")]
