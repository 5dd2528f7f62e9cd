"""The traffic report: an HTML page (Jinja2, autoescaped) with its PNG charts beside it, or inlined."""

from __future__ import annotations

import base64
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from icaops.privatefiles import private_folder, write_private_text
from icaops.terms.schema import Terms
from icaops.traffic.pipeline.result import TrafficCheck
from icaops.traffic.report.charts import Threshold, calls_per_minute_chart, dos_windows_chart, findings_by_kind_chart
from icaops.traffic.report.summary import report_data

__all__ = ["REPORT_FILE", "dos_threshold", "write_report"]

REPORT_FILE = "report.html"
_ENV = Environment(
    loader=PackageLoader("icaops.traffic.report", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    keep_trailing_newline=True,
)
_SECONDS_PER_MINUTE = 60


def dos_threshold(terms: Terms) -> Threshold | None:
    """The terms' DoS attempts threshold (CPA.8) as calls per minute, the charts' unit; None without the amendment."""
    cp = terms.carrier_partner
    if cp is None:
        return None
    per_second = cp.dos_thresholds.value.max_attempts_per_second
    return Threshold(per_second * _SECONDS_PER_MINUTE, per_second, cp.dos_thresholds.clause)


def write_report(
    check: TrafficCheck,
    terms: Terms,
    out_dir: Path | str,
    *,
    inline: bool = False,
    first_findings: int = 50,
    title: str = "Carrier Partner traffic report",
) -> Path:
    """Write report.html and its charts (calls_per_minute.png, findings_by_kind.png, dos_windows.png) to `out_dir`.

    dos_windows.png is drawn only when a window breached the thresholds. With `inline`, the
    PNGs are also embedded as data URIs so the HTML stands alone.
    """
    out = private_folder(out_dir)  # the report lists findings with calling numbers (CPNI)
    data = report_data(check, terms, title=title, first_findings=first_findings)
    threshold = dos_threshold(terms)
    zone = data.zone.name
    charts = {
        "calls_per_minute": calls_per_minute_chart(
            check.per_minute, check.dos_windows, out / "calls_per_minute.png", zone=zone, threshold=threshold
        ),
        "dos_windows": dos_windows_chart(
            check.per_minute, check.dos_windows, out / "dos_windows.png", zone=zone, threshold=threshold
        ),
        "findings_by_kind": findings_by_kind_chart(
            [(k.kind, k.clause) for k in data.kinds],
            [(p.provider, p.counts) for p in data.providers],
            out / "findings_by_kind.png",
        ),
    }
    stale = out / "dos_windows.png"
    if charts["dos_windows"] is None and stale.exists():
        stale.unlink()  # a report redrawn into the same folder must not show an old day's DoS chart
    srcs = {name: (_data_uri(path) if inline else path.name) for name, path in charts.items() if path is not None}
    html = _ENV.get_template("report.html.j2").render(r=data, charts=srcs, threshold=threshold)
    path = out / REPORT_FILE
    write_private_text(path, html)
    return path


def _data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")
