"""Plotly figures of the metrics. Each function takes frames and returns a figure as the dict
plotly.js draws (`{"data": [...], "layout": {...}}`); `go.Figure(figure)` validates it (a test does).

Figures carry no colours for paper, plot or font: the site's script applies the
light or dark palette of mkdocs-material when it draws them.

Figures are plain dicts, never `go.Figure` objects, in the build: plotly's `add_*`/`update_*`
calls cost about 25 ms a figure (each walks and validates the whole figure again), and even an
unvalidated `go.Figure` is built and deep-copied again for JSON (~5 ms); with a pair of charts
on every service page that was most of the charts' build time. The trace types are those of
plotly.js's basic bundle (bar, pie, scatter), the one the site serves: a duration spread is drawn
as points and a median with its quartiles (`_spread`), not as a box plot.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from postmortem_kb.measures import is_small_sample
from postmortem_kb.palette import ACCENT, PHASE, severity_colour

from .metrics import (
    action_item_completion,
    customer_impact,
    duration_summary,
    engineer_hours,
    frequency,
    repeat_rate,
    severity_mix,
)

Trace = dict[str, Any]
Figure = dict[str, Any]  # {"data": [traces], "layout": {...}}, as plotly.js reads it
MAX_POINTS = 300
MONTH_BAR_MS = 24 * 86_400_000  # a bar on a month axis (plotly.js measures date widths in ms)
PHASES = (
    ("ttd_min", "Detect (TTD)", PHASE["ttd"]),
    ("tta_min", "Acknowledge (TTA)", PHASE["tta"]),
    ("ttdiag_min", "Diagnose (TTDiag)", PHASE["ttdiag"]),
    ("ttf_min", "Fix (TTF)", PHASE["ttf"]),
)
# The axes plotly.subplots.make_subplots lays out for two panels sharing an axis, written out:
# make_subplots itself builds and validates a whole figure (tens of milliseconds).
STACKED: dict[str, dict[str, Any]] = {  # rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.12
    "xaxis": {"anchor": "y", "domain": [0.0, 1.0], "matches": "x2", "showticklabels": False},
    "yaxis": {"anchor": "x", "domain": [0.56, 1.0]},
    "xaxis2": {"anchor": "y2", "domain": [0.0, 1.0]},
    "yaxis2": {"anchor": "x2", "domain": [0.0, 0.44]},
}
SIDE_BY_SIDE: dict[str, dict[str, Any]] = {  # rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.04
    "xaxis": {"anchor": "y", "domain": [0.0, 0.48]},
    "yaxis": {"anchor": "x", "domain": [0.0, 1.0]},
    "xaxis2": {"anchor": "y2", "domain": [0.52, 1.0]},
    "yaxis2": {"anchor": "x2", "domain": [0.0, 1.0], "matches": "y", "showticklabels": False},
}
SECOND = {"xaxis": "x2", "yaxis": "y2"}  # a trace in the second panel


def _figure(traces: Sequence[Trace], title: str, grid: dict[str, dict[str, Any]] | None = None, **extra: Any) -> Figure:
    layout: dict[str, Any] = {
        # The site shows the title as HTML above the chart (kb.js moves it), where it wraps on a phone.
        "title": {"text": title, "x": 0, "xanchor": "left"},
        # Small fixed margins; every axis grows its own to fit its labels (automargin below).
        "margin": {"l": 8, "r": 8, "t": 40, "b": 8},
        # Above the plot: below it, the legend would compete with the x-axis labels for room.
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom"},
        "hovermode": "x unified",
        "height": 360,
        # An empty plotly template, not the default one: that would add ~6 KB of JSON to every chart,
        # and the site's script applies the light or dark palette of mkdocs-material anyway.
        "template": {},
    }
    axes = {"xaxis": {}, "yaxis": {}, **(grid or {})}
    for key, value in extra.items():
        if key in axes:
            axes[key] = {**axes[key], **value}
        else:
            layout[key] = value
    for key, axis in axes.items():
        layout[key] = {**axis, "automargin": True}
    # Not validated here (a test validates every chart against plotly's schema): validation costs
    # ~14 ms a figure. So the dicts are written as plotly.js reads them (titles as {"text": ...}).
    data = [{k: v.to_numpy() if isinstance(v, (pd.Series, pd.Index)) else v for k, v in t.items()} for t in traces]
    return {"data": data, "layout": layout}


def _counts(peak: float, **extra: object) -> dict[str, object]:
    """An axis of whole counts: integer ticks from zero, about five of them."""
    step = max(1, math.ceil(peak / 5)) if peak == peak else 1  # peak != peak for NaN
    return {"tick0": 0, "dtick": step, "rangemode": "tozero", "tickformat": ",d", **extra}


def _tick(label: str, count: int) -> str:
    """Group label with its sample size; small samples are marked so nobody over-reads them."""
    return f"{label}<br>n={count}{'*' if is_small_sample(count) else ''}"


def _severity_colour(severity: str, levels: tuple[str, ...]) -> str:
    return severity_colour(levels.index(severity) if severity in levels else len(levels))


def _bar(x: Any, y: Any, name: str, colour: str, **extra: Any) -> Trace:
    return {"type": "bar", "x": x, "y": y, "name": name, "marker": {"color": colour}, **extra}


def _jitter(count: int, width: float) -> list[float]:
    """Evenly spread horizontal offsets (golden-ratio sequence): points of one group side by side,
    the same on every build."""
    return [round(((k * 0.6180339887) % 1 - 0.5) * width, 3) for k in range(count)]


def _spread(
    position: float, values: pd.Series, name: str, colour: str, hovertext: pd.Series | None = None, *,
    width: float = 0.5, legend: bool = False,
) -> list[Trace]:  # fmt: skip
    """One group's values as points (up to MAX_POINTS) and its median with the middle half
    (25th to 75th percentile) as an error bar: what a box plot shows, drawn by scatter traces."""
    values = values.dropna()
    traces: list[Trace] = []
    if 0 < len(values) <= MAX_POINTS:
        traces.append({
            "type": "scatter", "mode": "markers", "name": name, "legendgroup": name, "showlegend": False,
            "x": [round(position + d, 3) for d in _jitter(len(values), width)], "y": values.round(2),
            "marker": {"color": colour, "size": 6, "opacity": 0.55},
            "hovertemplate": "%{y:.1f} h",
        })  # fmt: skip
        if hovertext is not None:
            traces[-1].update(
                hovertext=hovertext.loc[values.index], hovertemplate="%{y:.1f} h<extra>%{hovertext}</extra>"
            )
    if len(values):
        q1, median, q3 = (float(q) for q in np.quantile(values.to_numpy(dtype=float), (0.25, 0.5, 0.75)))
        traces.append({
            "type": "scatter", "mode": "markers", "name": name, "legendgroup": name, "showlegend": legend,
            "x": [position],
            "y": [round(median, 2)],
            "marker": {"color": colour, "symbol": "line-ew", "size": 36, "line": {"color": colour, "width": 4}},
            "error_y": {"type": "data", "symmetric": False, "array": [round(q3 - median, 2)],
                        "arrayminus": [round(median - q1, 2)], "color": colour, "thickness": 2, "width": 14},
            "hovertemplate": f"median %{{y:.1f}} h; middle half {q1:.1f}–{q3:.1f} h<extra>{name}</extra>",
        })  # fmt: skip
    return traces


def _positions(labels: Sequence[str]) -> dict[str, Any]:
    """A category axis drawn on numbers (the spread's points sit beside each category)."""
    return {"tickvals": list(range(len(labels))), "ticktext": list(labels), "range": [-0.6, len(labels) - 0.4]}


def mttr_breakdown(frame: pd.DataFrame, by: str = "quarter") -> Figure:
    """Each phase's mean time per period over the incidents that record it, with the median and p90
    of time to recovery beside it.

    An incident without `diagnosed` has no TTDiag and no TTF of its own: its acknowledged -> resolved
    time is its own bar, "Diagnose + fix", rather than a TTDiag of 0 folded into TTF. Bars are
    grouped, not stacked, because each mean covers its own incidents (shown on hover); a period
    where no incident records a phase has no bar for it.
    """
    diagnosed = frame["ttdiag_min"].notna()
    columns = {
        "ttd_min": frame["ttd_min"],
        "tta_min": frame["tta_min"],
        "ttdiag_min": frame["ttdiag_min"],
        "ttf_min": frame["ttf_min"].where(diagnosed),
        "ttdiag_ttf_min": frame["ttf_min"].where(~diagnosed),
    }
    grouped = pd.DataFrame(columns).assign(**{by: frame[by]}).groupby(by, sort=True)
    means, recorded = grouped.mean(), grouped.count()
    summary = duration_summary(frame, by, "ttr_min")
    x = [_tick(str(k), int(n)) for k, n in summary["count"].items()]
    traces: list[Trace] = []
    for column, label, colour in (*PHASES, ("ttdiag_ttf_min", "Diagnose + fix (no diagnosed time)", PHASE["ttf"])):
        if not recorded[column].any():
            continue  # no incident records it: no bar, not a bar of 0
        covered = [f"{int(k)} of {int(n)}" for k, n in zip(recorded[column], summary["count"], strict=True)]
        bar = _bar(x, means[column] / 60, label, colour, customdata=covered,
                   hovertemplate="%{y:.1f} h (mean of %{customdata} incidents)")  # fmt: skip
        bar["marker"]["pattern"] = {"shape": "/" if column == "ttdiag_ttf_min" else ""}
        traces.append(bar)
    traces.append({
        "type": "scatter", "x": x, "y": summary["median"] / 60, "name": "Median time to recovery",
        "mode": "lines+markers", "line": {"color": ACCENT["median"], "width": 3}, "hovertemplate": "%{y:.1f} h",
    })  # fmt: skip
    traces.append({
        "type": "scatter", "x": x, "y": summary["p90"] / 60, "name": "p90", "mode": "markers",
        "marker": {"symbol": "triangle-up", "size": 10, "color": ACCENT["p90"]}, "hovertemplate": "%{y:.1f} h",
    })  # fmt: skip
    return _figure(
        traces,
        "Time to recovery: mean of each phase over the incidents that record it, median and p90 (hours)",
        barmode="group",
        yaxis={"title": {"text": "hours"}},
    )


def duration_by_severity(frame: pd.DataFrame, levels: tuple[str, ...]) -> Figure:
    """Every incident as a point (with its title) while that stays readable, and each severity's
    median with its middle half."""
    columns = frame[["severity", "ttr_min", "title"]]  # selecting rows of the whole frame copies every column
    present = [s for s in levels if s in set(columns["severity"])]
    labels, traces = [], []
    for position, severity in enumerate(present):
        rows = columns[columns["severity"] == severity]
        labels.append(_tick(severity, len(rows)))
        hours = rows["ttr_min"] / 60
        colour = _severity_colour(severity, levels)
        traces += _spread(position, hours, severity, colour, rows["title"])
    return _figure(
        traces,
        "Time to recovery by severity (hours, log scale)",
        yaxis=_log_range(frame["ttr_min"] / 60, title={"text": "hours"}),
        xaxis=_positions(labels),
        showlegend=False,
        hovermode="closest",
    )


def _log_range(values: pd.Series, **extra: object) -> dict[str, object]:
    """A log axis whose range holds every point, with a little room above and below."""
    positive = values[values > 0]
    axis: dict[str, object] = {"type": "log", **extra}
    if not positive.empty:
        low, high = math.log10(float(positive.min())), math.log10(float(positive.max()))
        axis["range"] = [low - 0.2, high + 0.2]
    return axis


def incidents_per_month(frame: pd.DataFrame, levels: tuple[str, ...]) -> Figure:
    table = frequency(frame, "M", "severity")
    months = table.index.astype(str)
    order = [s for s in levels if s in table.columns] + [c for c in table.columns if c not in levels]
    # Each severity's bars only where it has incidents: a month without any stacks nothing, and a
    # service's handful of incidents over years would otherwise send every month once per severity.
    # The bars' width is set (a month's, less a gap) because plotly.js would make it the smallest gap
    # between the months left, two or more months wide on a sparse chart.
    traces = [
        _bar(months[table[s] > 0], table[s][table[s] > 0], s, _severity_colour(s, levels), width=MONTH_BAR_MS)
        for s in order
    ]
    peak = float(table.sum(axis=1).max()) if not table.empty else 1.0
    return _figure(
        traces, "Incidents per month by severity", barmode="stack", yaxis=_counts(peak, title={"text": "incidents"})
    )


def severity_donut(frame: pd.DataFrame, levels: tuple[str, ...]) -> Figure:
    mix = severity_mix(frame, levels)
    pie: Trace = {
        "type": "pie",
        "labels": list(mix.index),
        "values": list(mix["count"]),
        "hole": 0.5,
        "sort": False,
        "marker": {"colors": [_severity_colour(s, levels) for s in mix.index]},
        # Inside the slices: labels beside the ring would fall outside a phone-wide chart.
        "textposition": "inside",
        "textinfo": "percent",
    }
    return _figure([pie], f"Severity mix (n={len(frame)})", hovermode="closest")


def action_item_trend(items: pd.DataFrame) -> Figure:
    completion = action_item_completion(items, by="quarter")
    x = [_tick(str(k), int(n)) for k, n in completion["total"].items()]
    traces = [
        _bar(x, completion["done_pct"], "Done (% of actionable items)", ACCENT["done"], hovertemplate="%{y:.0f}%"),
        _bar(x, completion["overdue"], "Overdue now", ACCENT["overdue"], **SECOND),
    ]
    return _figure(
        traces,
        "Action items by incident quarter: completion and overdue",
        STACKED,
        yaxis={"title": {"text": "% done"}, "range": [0, 100]},
        yaxis2=_counts(float(completion["overdue"].max()), title={"text": "overdue"}),
        height=420,
    )


def customer_impact_trend(frame: pd.DataFrame) -> Figure:
    impact = customer_impact(frame, "quarter")
    traces = [
        _bar(impact.index, impact["users_affected"], "Users affected", ACCENT["users"]),
        _bar(impact.index, impact["support_tickets"], "Support tickets", ACCENT["tickets"], **SECOND),
    ]
    return _figure(
        traces,
        "Customer impact per quarter",
        STACKED,
        yaxis={"title": {"text": "users"}, "rangemode": "tozero"},
        yaxis2={"title": {"text": "tickets"}, "rangemode": "tozero"},
        height=420,
    )


def top_services(frame: pd.DataFrame, limit: int = 10) -> Figure:
    counts = frame.explode("services")["services"].value_counts().head(limit)
    # not recorded stays empty (no bar), never 0; the title says how many incidents record hours
    hours = engineer_hours(frame, "service").reindex(counts.index)
    recorded = int(frame["engineer_hours"].notna().sum())
    names = list(counts.index[::-1])
    # Side by side, sharing the service names: two measures, two axes, neither drawn over the other.
    traces = [
        {"type": "bar", "y": names, "x": counts.values[::-1], "orientation": "h", "name": "Incidents",
         "marker": {"color": ACCENT["incidents"]}},
        {"type": "bar", "y": names, "x": hours.values[::-1], "orientation": "h",
         "name": f"Engineer hours (recorded for {recorded} of {len(frame)} incidents)",
         "marker": {"color": ACCENT["hours"]}, **SECOND},
    ]  # fmt: skip
    return _figure(
        traces,
        f"Top services: incidents and engineer hours (hours recorded for {recorded} of {len(frame)} incidents)",
        SIDE_BY_SIDE,
        hovermode="y unified",
        xaxis={"title": {"text": "incidents"}, "rangemode": "tozero"},
        xaxis2={"title": {"text": "engineer hours"}, "rangemode": "tozero"},
        showlegend=False,
        height=140 + 32 * len(counts),
    )


def repeats_over_time(frame: pd.DataFrame, window_days: int) -> Figure:
    rates = repeat_rate(frame, "quarter")
    x = [_tick(str(k), int(n)) for k, n in rates["incidents"].items()]
    traces = [
        _bar(x, rates["repeats"], "Repeat incidents", ACCENT["repeats"]),
        {"type": "scatter", "x": x, "y": (100 * rates["rate"]).round(1), "name": "Repeat rate (%)",
         "mode": "lines+markers", "line": {"color": ACCENT["rate"]}, **SECOND},
    ]  # fmt: skip
    return _figure(
        traces,
        f"Repeats: the same cause on the same service within {window_days} days, or a similar root cause",
        STACKED,
        yaxis=_counts(float(rates["repeats"].max()), title={"text": "repeats"}),
        yaxis2={"title": {"text": "% repeats"}, "range": [0, 105]},
        height=420,
    )
