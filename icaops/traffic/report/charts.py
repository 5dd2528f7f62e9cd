"""PNG charts for the traffic report (matplotlib, Agg canvas: no display, no global pyplot state).

Every scale is linear from zero, every time in the agreement's zone, and the DoS threshold
drawn is the terms' (`carrier_partner.dos_thresholds`, CPA.8) as calls per minute.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates
import matplotlib.ticker as ticker
import numpy as np
import pyarrow as pa
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from icaops.privatefiles import private_file

__all__ = [
    "DosSpan",
    "Threshold",
    "calls_per_minute_chart",
    "calls_per_minute_figure",
    "dos_spans",
    "dos_windows_chart",
    "dos_windows_figure",
    "findings_by_kind_chart",
    "findings_by_kind_figure",
]

_DPI = 110
_TRUNK_COLOUR = "tab:red"
_PROVIDER_COLOUR = "tab:orange"
_THRESHOLD_COLOUR = "firebrick"
# A panel draws the threshold line when its peak reaches this share of it; below, drawing it
# would flatten the day's traffic into the axis, so the panel says where the threshold is instead.
_THRESHOLD_IN_VIEW = Decimal("0.25")
_COMMA = ticker.FuncFormatter(lambda v, _: f"{v:,.0f}")


@dataclass(frozen=True, slots=True)
class DosSpan:
    """Adjacent breached windows of one scope and key merged into one span (UTC instants)."""

    start: dt.datetime
    end: dt.datetime
    scope: str
    key: str
    clause: str

    @property
    def label(self) -> str:
        """E.g. `trunk group 4101`, `provider TELNYX`."""
        return f"{self.scope.replace('_', ' ')} {self.key}"


@dataclass(frozen=True, slots=True)
class Threshold:
    """The DoS attempts threshold in calls per minute, with its clause and the term's words."""

    per_minute: Decimal
    per_second: Decimal
    clause: str

    @property
    def label(self) -> str:
        """E.g. `DoS threshold CPA.8: 50 attempts/s = 3,000 per minute`."""
        return f"DoS threshold {self.clause}: {self.per_second} attempts/s = {self.per_minute:,.0f} per minute"


def dos_spans(dos_windows: pa.Table) -> list[DosSpan]:
    """Breached windows merged into spans per (scope, key), ordered by start and label.

    A row's span is its episode of overlapping breached sliding windows (`episode_start` to
    `episode_end`, docs/interpretations.md#dos-windows), else its window.
    """
    rows = [
        {
            **r,
            "window_start": r.get("episode_start") or r["window_start"],
            "window_end": r.get("episode_end") or r["window_end"],
        }
        for r in dos_windows.to_pylist()
    ]
    rows.sort(key=lambda r: (r["scope"], r["key"], r["window_start"]))
    spans: list[DosSpan] = []
    for r in rows:
        last = spans[-1] if spans else None
        if last and (last.scope, last.key) == (r["scope"], r["key"]) and last.end >= r["window_start"]:
            spans[-1] = DosSpan(last.start, max(last.end, r["window_end"]), last.scope, last.key, last.clause)
        else:
            spans.append(DosSpan(r["window_start"], r["window_end"], r["scope"], r["key"], r["clause"]))
    return sorted(spans, key=lambda s: (s.start, s.label))


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


def _zone_label(zone: str, series: dict[str, tuple[list[dt.datetime], np.ndarray]]) -> str:
    names = sorted({t.tzname() or "" for when, _ in series.values() for t in (when[:1] + when[-1:])} - {""})
    return f"time, {zone}" + (f" ({'/'.join(names)})" if names else "")


def _x(instant: dt.datetime) -> float:
    """An instant as matplotlib's date number (the axis formatter shows it in the agreement's zone)."""
    return float(mdates.date2num(instant))


def _shade(ax: Axes, spans: Sequence[DosSpan], *, label: bool) -> None:
    for i, span in enumerate(spans):
        colour = _TRUNK_COLOUR if span.scope == "trunk_group" else _PROVIDER_COLOUR
        ax.axvspan(_x(span.start), _x(span.end), facecolor=colour, edgecolor=colour, alpha=0.3, linewidth=1.2)
        if label:
            ax.annotate(
                f"DoS {span.clause}: {span.label}",
                xy=(_x(span.end), 1),
                xycoords=("data", "axes fraction"),
                xytext=(5, -12 - 12 * i),
                textcoords="offset points",
                fontsize=8,
                color=colour,
            )


def _threshold(ax: Axes, peak: float, threshold: Threshold | None) -> None:
    """Draw the threshold when the panel's peak comes near it; otherwise say where it is."""
    top = max(peak, 1) * 1.15
    if threshold is not None and Decimal(str(peak)) >= threshold.per_minute * _THRESHOLD_IN_VIEW:
        ax.axhline(float(threshold.per_minute), color=_THRESHOLD_COLOUR, linestyle="--", linewidth=1)
        top = max(top, float(threshold.per_minute) * 1.12)
    elif threshold is not None:
        ax.text(
            0.005,
            0.93,
            f"{threshold.clause} threshold {threshold.per_minute:,.0f}/min: above this scale",
            transform=ax.transAxes,
            fontsize=7,
            color=_THRESHOLD_COLOUR,
            va="top",
        )
    ax.set_ylim(0, top)


def calls_per_minute_chart(
    per_minute: pa.Table, dos_windows: pa.Table, path: Path, *, zone: str, threshold: Threshold | None = None
) -> Path:
    """Save `calls_per_minute_figure` as a PNG at `path`."""
    _save(calls_per_minute_figure(per_minute, dos_windows, zone=zone, threshold=threshold), path)
    return path


def calls_per_minute_figure(
    per_minute: pa.Table,
    dos_windows: pa.Table,
    *,
    zone: str,
    threshold: Threshold | None = None,
    title: str = "Calls per minute, one panel per trunk group",
) -> Figure:
    """Small multiples: one panel per trunk group (linear, each from 0 to its own peak), DoS windows shaded.

    A trunk group's own breached windows are shaded red in its panel, a provider's in orange in
    every panel; the threshold is drawn where a panel's peak comes within reach of it.
    """
    tz = ZoneInfo(zone)
    series = _series(per_minute, tz)
    spans = dos_spans(dos_windows)
    ncols = 2 if len(series) > 3 else 1
    nrows = max(math.ceil(len(series) / ncols), 1)
    fig = Figure(figsize=(12, 1.9 * nrows + 1.3), dpi=_DPI)
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, ncols, squeeze=False, sharex=True)
    for ax, (group, (when, calls)) in zip(axes.flat, series.items(), strict=False):
        mine = [s for s in spans if s.scope != "trunk_group" or s.key == group]
        _shade(ax, mine, label=False)
        ax.plot(mdates.date2num(when), calls, linewidth=0.7, color="tab:blue", drawstyle="steps-post")
        peak_at = int(np.argmax(calls))
        ax.set_title(
            f"trunk group {group}: peak {int(calls[peak_at]):,} calls/min at {when[peak_at]:%H:%M}",
            fontsize=9,
            loc="left",
        )
        _threshold(ax, float(calls[peak_at]), threshold)
        ax.yaxis.set_major_formatter(_COMMA)
        ax.yaxis.set_major_locator(ticker.MaxNLocator(4, integer=True))
        ax.grid(alpha=0.3)
    for ax in axes.flat[len(series) :]:
        ax.set_visible(False)
    for ax in axes[-1]:
        ax.xaxis.set_major_locator(mdates.HourLocator(byhour=range(0, 24, 3), tz=tz))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M", tz=tz))
        ax.set_xlabel(_zone_label(zone, series))
    fig.supylabel("calls per minute (linear, each panel from 0)", fontsize=9)
    fig.suptitle(title if series else f"{title}: no traffic")
    handles = _legend(spans, threshold)
    if handles:
        fig.legend(handles=handles, loc="lower center", fontsize=8, ncol=len(handles), frameon=False)
    fig.tight_layout(rect=(0, 0.04 if handles else 0, 1, 1))
    return fig


def _legend(spans: Sequence[DosSpan], threshold: Threshold | None) -> list[Line2D | Patch]:
    handles: list[Line2D | Patch] = []
    seen: set[str] = set()
    for span in spans:
        if span.label not in seen:
            seen.add(span.label)
            colour = _TRUNK_COLOUR if span.scope == "trunk_group" else _PROVIDER_COLOUR
            handles.append(
                Patch(facecolor=colour, alpha=0.3, edgecolor=colour, label=f"DoS {span.clause}: {span.label}")
            )
    if threshold is not None:
        handles.append(Line2D([], [], color=_THRESHOLD_COLOUR, linestyle="--", label=threshold.label))
    return handles


def dos_windows_chart(
    per_minute: pa.Table, dos_windows: pa.Table, path: Path, *, zone: str, threshold: Threshold | None = None
) -> Path | None:
    """Save `dos_windows_figure` as a PNG at `path`; None (nothing written) when no window breached."""
    fig = dos_windows_figure(per_minute, dos_windows, zone=zone, threshold=threshold)
    if fig is None:
        return None
    _save(fig, path)
    return path


def dos_windows_figure(
    per_minute: pa.Table,
    dos_windows: pa.Table,
    *,
    zone: str,
    threshold: Threshold | None = None,
    zoom_minutes: int = 30,
) -> Figure | None:
    """The DoS windows ± `zoom_minutes`: one line per trunk group with a legend, the threshold drawn; None without windows."""
    spans = dos_spans(dos_windows)
    if not spans:
        return None
    tz = ZoneInfo(zone)
    lo = min(s.start for s in spans) - dt.timedelta(minutes=zoom_minutes)
    hi = max(s.end for s in spans) + dt.timedelta(minutes=zoom_minutes)
    series = _series(per_minute, tz)
    fig = Figure(figsize=(12, 4.8), dpi=_DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    _shade(ax, spans, label=True)
    peak = 1.0
    for group, (when, calls) in series.items():
        keep = [i for i, t in enumerate(when) if lo <= t <= hi]
        if keep:
            ax.plot(
                mdates.date2num([when[i] for i in keep]),
                calls[keep],
                linewidth=1,
                drawstyle="steps-post",
                label=f"trunk group {group}",
            )
            peak = max(peak, float(calls[keep].max()))
    if threshold is not None:
        ax.axhline(
            float(threshold.per_minute), color=_THRESHOLD_COLOUR, linestyle="--", linewidth=1, label=threshold.label
        )
        peak = max(peak, float(threshold.per_minute))
    ax.set_ylim(0, peak * 1.15)
    ax.set_xlim(_x(lo), _x(hi))
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(tz=tz, minticks=5, maxticks=12))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M", tz=tz))
    ax.yaxis.set_major_formatter(_COMMA)
    ax.set_ylabel("calls per minute (linear)")
    ax.set_xlabel(_zone_label(zone, series))
    ax.set_title(f"DoS window{'s' if len(spans) > 1 else ''} ± {zoom_minutes} minutes, every trunk group")
    ax.grid(alpha=0.3)
    ax.legend(loc="center right", fontsize=8, ncol=1)
    fig.tight_layout()
    return fig


def findings_by_kind_chart(
    kinds: Sequence[tuple[str, str]], providers: Sequence[tuple[str, Sequence[int]]], path: Path
) -> Path:
    """Save `findings_by_kind_figure` as a PNG at `path`."""
    _save(findings_by_kind_figure(kinds, providers), path)
    return path


def findings_by_kind_figure(
    kinds: Sequence[tuple[str, str]],
    providers: Sequence[tuple[str, Sequence[int]]],
    title: str = "Findings by kind and provider",
) -> Figure:
    """Horizontal bars, one per (kind, clause), stacked by provider (linear), each labelled with its total."""
    fig = Figure(figsize=(10, 0.45 * max(len(kinds), 2) + 1.6), dpi=_DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    labels = [f"{kind} ({clause})" for kind, clause in kinds]
    left = np.zeros(len(kinds))
    for i, (provider, counts) in enumerate(providers):
        values = np.array(counts, dtype=float)
        ax.barh(labels, values, left=left, label=provider, color=f"C{i % 10}")
        left += values
    for y, total in enumerate(left):
        ax.annotate(
            f"{int(total):,}", xy=(total, y), xytext=(3, 0), textcoords="offset points", va="center", fontsize=8
        )
    ax.invert_yaxis()
    ax.set_xlim(0, max(float(left.max()) if len(left) else 1.0, 1.0) * 1.12)
    ax.xaxis.set_major_formatter(_COMMA)
    ax.set_xlabel("findings (linear)")
    if providers:
        ax.legend(title="provider", fontsize=8, loc="lower right")
    ax.set_title(title if kinds else f"{title}: none")
    fig.tight_layout()
    return fig


def _save(fig: Figure, path: Path) -> None:
    """Save `fig` at `path` (format from its suffix), owner-only like the report it belongs to."""
    with private_file(path, "wb") as out:
        fig.savefig(out, format=Path(path).suffix.lstrip(".") or "png")
