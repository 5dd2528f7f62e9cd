"""The report's charts: linear scales, one panel per trunk group, DoS windows shaded, the CPA.8 threshold drawn."""

from __future__ import annotations

from decimal import Decimal

import pytest

from icaops.traffic.report.charts import calls_per_minute_figure, dos_windows_figure, findings_by_kind_figure
from icaops.traffic.report.html import dos_threshold
from icaops.traffic.report.summary import report_data
from tests.traffic_report import handbuilt

ZONE = "America/Chicago"


def _hlines(ax) -> list[float]:
    return [
        float(line.get_ydata()[0])
        for line in ax.lines
        if len(set(line.get_ydata())) == 1 and len(line.get_ydata()) == 2
    ]


def test_every_chart_is_on_linear_scales_from_zero(terms):
    check = handbuilt.check()
    data = report_data(check, terms)
    threshold = dos_threshold(terms)
    figures = [
        calls_per_minute_figure(check.per_minute, check.dos_windows, zone=ZONE, threshold=threshold),
        dos_windows_figure(check.per_minute, check.dos_windows, zone=ZONE, threshold=threshold),
        findings_by_kind_figure(
            [(k.kind, k.clause) for k in data.kinds], [(p.provider, p.counts) for p in data.providers]
        ),
    ]
    axes = [ax for fig in figures if fig is not None for ax in fig.axes if ax.get_visible()]
    assert len(axes) == 4
    for ax in axes:
        assert (ax.get_xscale(), ax.get_yscale()) == ("linear", "linear")
    for ax in axes[:3]:
        assert ax.get_ylim()[0] == 0


def test_one_panel_per_trunk_group_with_its_dos_windows_shaded_and_the_threshold_drawn(terms):
    """CPA.8: 50 attempts/s from carrier_partner.dos_thresholds is 3,000 calls per minute."""
    check = handbuilt.check()
    threshold = dos_threshold(terms)
    assert threshold is not None and threshold.per_minute == Decimal(3000) and threshold.clause == "CPA.8"
    fig = calls_per_minute_figure(check.per_minute, check.dos_windows, zone=ZONE, threshold=threshold)
    panels = {
        ax.get_title(loc="left").split(":")[0]: ax for ax in fig.axes if ax.get_visible() and ax.get_title(loc="left")
    }
    assert set(panels) == {"trunk group 4101", "trunk group 4201"}
    burst, quiet = panels["trunk group 4101"], panels["trunk group 4201"]
    assert "peak 3,750 calls/min at 10:15" in burst.get_title(loc="left")
    assert _hlines(burst) == [3000.0] and burst.get_ylim()[1] > 3750
    assert len(burst.patches) == 2  # its own trunk-group span and the provider's span
    assert len(quiet.patches) == 1  # the provider's span only
    assert _hlines(quiet) == []  # 14 calls a minute: the line would flatten the panel...
    assert any("CPA.8 threshold 3,000/min" in t.get_text() for t in quiet.texts)  # ...so it says where it is
    legend = [t.get_text() for legend in fig.legends for t in legend.get_texts()]
    assert legend == [
        "DoS CPA.8: provider TELNYX",
        "DoS CPA.8: trunk group 4101",
        "DoS threshold CPA.8: 50 attempts/s = 3,000 per minute",
    ]


def test_the_dos_zoom_has_a_line_per_trunk_group_and_the_threshold_of_the_terms(agreement):
    changed = agreement.with_overrides(
        {
            "carrier_partner.dos_thresholds": {
                "window_seconds": 60,
                "max_attempts_per_second": "40",
                "short_call_seconds": 6,
                "max_short_call_ratio": "0.60",
                "min_answer_seizure_ratio": "0.15",
                "min_attempts_in_window": 600,
            }
        },
        source="test",
    ).terms
    check = handbuilt.check()
    fig = dos_windows_figure(check.per_minute, check.dos_windows, zone=ZONE, threshold=dos_threshold(changed))
    assert fig is not None
    (ax,) = fig.axes
    legend = ax.get_legend()
    assert _hlines(ax) == [2400.0] and legend is not None
    assert [t.get_text() for t in legend.get_texts()] == [
        "trunk group 4101",
        "trunk group 4201",
        "DoS threshold CPA.8: 40 attempts/s = 2,400 per minute",
    ]
    assert len(ax.patches) == 2
    assert any(t.get_text() == "DoS CPA.8: trunk group 4101" for t in ax.texts)


def test_no_dos_window_no_zoom_chart():
    check = handbuilt.check(dos_windows=[])
    assert dos_windows_figure(check.per_minute, check.dos_windows, zone=ZONE) is None


@pytest.mark.parametrize("flood", [2, 10_000])
def test_findings_bars_stay_linear_whatever_the_spread(flood):
    fig = findings_by_kind_figure(
        [("provider_not_authorized", "CPA.1.1"), ("voip_911_to_ilec", "CPA.10")],
        [("BANDWIDTH", (flood, 0)), ("ONVOY", (0, 1))],
    )
    (ax,) = fig.axes
    legend = ax.get_legend()
    assert ax.get_xscale() == "linear" and ax.get_xlim()[0] == 0 and legend is not None
    assert [t.get_text() for t in legend.get_texts()] == ["BANDWIDTH", "ONVOY"]
