"""II.2.10: every time of the traffic report is in the agreement's zone, the term calendar.timezone."""

from __future__ import annotations

import datetime as dt
import re

from icaops.traffic.report import report_data, write_report
from icaops.traffic.report.charts import calls_per_minute_figure, dos_windows_figure
from tests.traffic_report import handbuilt


def _times(html: str) -> list[str]:
    return re.findall(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:–\d\d:\d\d:\d\d)? ?[A-Z]{3,4}", html)


def test_every_time_in_the_report_is_central_as_the_agreement_runs(tmp_path, terms):
    """II.2.10 ("Central Standard or Daylight Savings time"): 15:15 UTC on 12 March 2024 is 10:15 CDT."""
    assert terms.calendar.timezone.clause == "II.2.10"
    html = write_report(handbuilt.check(), terms, tmp_path).read_text(encoding="utf-8")
    assert "2024-03-12 10:15:00–10:16:00 CDT" in html  # a DoS window
    assert "2024-03-12 10:15:00 CDT" in html and "2024-03-12 10:16:00 CDT" in html  # the dos_detected event
    assert "2024-03-12 09:00:05 CDT" in html  # the first finding, 14:00:05 UTC
    assert "UTC" not in html and "+00:00" not in html
    assert {t[-3:] for t in _times(html)} == {"CDT"}
    assert "America/Chicago</b> (CDT on these days)" in html and "II.2.10" in html


def test_the_zone_is_the_term_not_a_literal(tmp_path, agreement):
    """An override of calendar.timezone (II.2.10) moves every time of the report, tables and charts."""
    mountain = agreement.with_overrides({"calendar.timezone": "America/Denver"}, source="test").terms
    html = write_report(handbuilt.check(), mountain, tmp_path).read_text(encoding="utf-8")
    assert "2024-03-12 09:15:00–09:16:00 MDT" in html
    assert {t[-3:] for t in _times(html)} == {"MDT"}
    data = report_data(handbuilt.check(), mountain)
    first = data.first_findings[0].time
    assert first is not None and first.utcoffset() == dt.timedelta(hours=-6)
    fig = calls_per_minute_figure(handbuilt.check().per_minute, handbuilt.check().dos_windows, zone=data.zone.name)
    assert "time, America/Denver (MDT)" in [ax.get_xlabel() for ax in fig.axes]


def test_charts_label_their_time_axis_with_the_zone(terms):
    zone = terms.calendar.timezone.value
    check = handbuilt.check()
    fig = dos_windows_figure(check.per_minute, check.dos_windows, zone=zone)
    assert fig is not None
    (ax,) = fig.axes
    assert ax.get_xlabel() == "time, America/Chicago (CDT)"
    first_tick = ax.xaxis.get_major_formatter()(ax.get_xticks()[0])
    assert re.fullmatch(r"\d\d:\d\d", first_tick)
    assert 9 <= int(first_tick[:2]) <= 10  # around 10:15 CDT, not 15:15 UTC
