"""The traffic report: an HTML page (Jinja2, autoescaped) with its PNG charts beside it, or inlined."""

from __future__ import annotations

import base64
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from icaops.terms.schema import Terms
from icaops.traffic.pipeline.result import TrafficCheck
from icaops.traffic.report.charts import calls_per_minute_chart, findings_by_kind_chart
from icaops.traffic.report.summary import report_data

__all__ = ["REPORT_FILE", "write_report"]

REPORT_FILE = "report.html"
_ENV = Environment(loader=PackageLoader("icaops.traffic.report", "templates"),
                   autoescape=select_autoescape(["html", "j2"]), keep_trailing_newline=True)


def write_report(check: TrafficCheck, terms: Terms, out_dir: Path | str, *, inline: bool = False,
                 first_findings: int = 50, title: str = "Carrier Partner traffic report") -> Path:
    """Write report.html and its charts (calls_per_minute.png, findings_by_kind.png) to `out_dir`.

    With `inline`, the PNGs are also embedded as data URIs so the HTML stands alone.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    data = report_data(check, terms, title=title, first_findings=first_findings)
    per_minute = calls_per_minute_chart(check.per_minute, check.dos_windows, out / "calls_per_minute.png", zone=data.zone)
    by_kind = findings_by_kind_chart([(k.kind, k.clause, k.count) for k in data.kinds], out / "findings_by_kind.png")
    charts = {"calls_per_minute": per_minute, "findings_by_kind": by_kind}
    srcs = {name: _data_uri(path) if inline else path.name for name, path in charts.items()}
    html = _ENV.get_template("report.html.j2").render(r=data, charts=srcs)
    path = out / REPORT_FILE
    path.write_text(html, encoding="utf-8")
    return path


def _data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")
