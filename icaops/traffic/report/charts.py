"""PNG charts for the traffic report (matplotlib, Agg canvas: no display, no global pyplot state)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402  (after choosing the backend)
import matplotlib.ticker as ticker  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
import numpy as np  # noqa: E402
import pyarrow as pa  # noqa: E402

__all__ = ["calls_per_minute_chart", "dos_spans", "findings_by_kind_chart"]

_DPI = 110


def dos_spans(dos_windows: pa.Table) -> list[tuple[dt.datetime, dt.datetime, str, str]]:
    """Breached windows merged into spans per (scope, key): (start, end, label, clause), by start."""
    rows = sorted(dos_windows.to_pylist(), key=lambda r: (r["scope"], r["key"], r["window_start"]))
    spans: list[list] = []
    for r in rows:
        label = f"{r['scope'].replace('_', ' ')} {r['key']}"
        if spans and spans[-1][2] == label and spans[-1][1] >= r["window_start"]:
            spans[-1][1] = max(spans[-1][1], r["window_end"])
        else:
            spans.append([r["window_start"], r["window_end"], label, r["clause"]])
    return sorted((tuple(s) for s in spans), key=lambda s: (s[0], s[2]))


def calls_per_minute_chart(per_minute: pa.Table, dos_windows: pa.Table, path: Path, *, zone: str,
                           title: str = "Calls per minute per trunk group", zoom_minutes: int = 30) -> Path:
    """One line per trunk group (log scale), breached DoS windows shaded and labelled with their clause.

    When there are DoS windows, a second panel shows `zoom_minutes` either side of them.
    """
    tz = ZoneInfo(zone)
    spans = dos_spans(dos_windows)
    fig = Figure(figsize=(11, 8.4 if spans else 4.8), dpi=_DPI)
    FigureCanvasAgg(fig)
    series = _series(per_minute, tz)
    axes = fig.subplots(2 if spans else 1, 1, squeeze=False)[:, 0]
    _draw(axes[0], series, spans, tz, zone, title)
    if series:
        axes[0].legend(loc="upper right", fontsize=7, ncol=3)
    if spans:
        lo = min(s[0] for s in spans) - dt.timedelta(minutes=zoom_minutes)
        hi = max(s[1] for s in spans) + dt.timedelta(minutes=zoom_minutes)
        _draw(axes[1], series, spans, tz, zone, f"DoS window{'s' if len(spans) > 1 else ''} ± {zoom_minutes} minutes")
        axes[1].set_xlim(lo.astimezone(tz), hi.astimezone(tz))
    fig.tight_layout()
    fig.savefig(path)
    return path


def _series(per_minute: pa.Table, tz: ZoneInfo) -> dict[str, tuple[list[dt.datetime], np.ndarray]]:
    """Trunk group → (local minute times, calls), ordered by time."""
    out: dict[str, tuple[list[dt.datetime], np.ndarray]] = {}
    if per_minute.num_rows == 0:
        return out
    table = per_minute.sort_by([("trunk_group", "ascending"), ("minute", "ascending")])
    names = np.array(["(none)" if g is None else g for g in table.column("trunk_group").to_pylist()])
    minutes = table.column("minute").cast(pa.int64()).to_numpy()
    calls = table.column("calls").to_numpy(zero_copy_only=False)
    for group in sorted(set(names)):
        rows = names == group
        out[group] = ([dt.datetime.fromtimestamp(int(s), dt.UTC).astimezone(tz) for s in minutes[rows]], calls[rows])
    return out


def _draw(ax, series, spans, tz: ZoneInfo, zone: str, title: str) -> None:
    for group, (when, calls) in series.items():
        ax.plot(when, calls, linewidth=0.8, label=f"TG {group}")
    colours = ["tab:red", "tab:orange", "tab:purple", "tab:brown"]
    for i, (start, end, label, clause) in enumerate(spans):
        colour = colours[i % len(colours)]
        ax.axvspan(start.astimezone(tz), end.astimezone(tz), color=colour, alpha=0.25)
        ax.annotate(f"DoS {clause}: {label}", xy=(end.astimezone(tz), 1), xycoords=("data", "axes fraction"),
                    xytext=(4, -14 - 12 * i), textcoords="offset points", fontsize=8, color=colour)
    ax.set_yscale("symlog", linthresh=10)
    ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_ylabel("calls per minute")
    ax.set_xlabel(f"time ({zone})")
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M", tz=tz))
    ax.set_title(title)
    ax.grid(alpha=0.3)


def findings_by_kind_chart(counts: list[tuple[str, str, int]], path: Path,
                           title: str = "Findings by kind") -> Path:
    """Horizontal bars: one per (kind, clause), with its count."""
    fig = Figure(figsize=(8, 0.5 * max(len(counts), 2) + 1.2), dpi=_DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    labels = [f"{kind} ({clause})" for kind, clause, _ in counts]
    values = [n for _, _, n in counts]
    bars = ax.barh(labels, values, color="tab:blue")
    ax.bar_label(bars, padding=3, fontsize=8)
    ax.invert_yaxis()
    if values and max(values) > 20 * max(min(values), 1):  # a flood next to a handful: keep both visible
        ax.set_xscale("symlog", linthresh=1)
        ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.set_xlabel("findings (log scale)")
    else:
        ax.set_xlabel("findings")
    ax.set_xlim(0, max(values or [1]) * 3)
    ax.set_title(title if counts else f"{title}: none")
    fig.tight_layout()
    fig.savefig(path)
    return path
