"""Plotly figures of the metrics. Each function takes frames and returns a go.Figure.

Figures carry no colours for paper, plot or font: the site's script applies the
light or dark palette of mkdocs-material when it draws them.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots
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

MAX_POINTS = 300
PHASES = (
    ("ttd_min", "Detect (TTD)", PHASE["ttd"]),
    ("tta_min", "Acknowledge (TTA)", PHASE["tta"]),
    ("ttdiag_min", "Diagnose (TTDiag)", PHASE["ttdiag"]),
    ("ttf_min", "Fix (TTF)", PHASE["ttf"]),
)


def _layout(fig: go.Figure, title: str, **extra: object) -> go.Figure:
    layout: dict[str, object] = {
        # The site shows the title as HTML above the chart (kb.js moves it), where it wraps on a phone.
        "title": {"text": title, "x": 0, "xanchor": "left"},
        # Small fixed margins; every axis grows its own to fit its labels (automargin below).
        "margin": {"l": 8, "r": 8, "t": 40, "b": 8},
        # Above the plot: below it, the legend would compete with the x-axis labels for room.
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom"},
        "hovermode": "x unified",
        "height": 360,
        # No plotly template: it would add ~6 KB of JSON to every chart, and the site's script
        # applies the light or dark palette of mkdocs-material anyway.
        "template": "none",
    }
    fig.update_layout(**{**layout, **extra})
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    return fig


def _stacked(rows: int = 2, **extra: Any) -> go.Figure:
    """Panels sharing the x axis: two measures with their own units, each on its own axis
    (a right-hand second axis over the same bars is hard to read and gets clipped on a phone)."""
    return make_subplots(rows=rows, cols=1, shared_xaxes=True, vertical_spacing=0.12, **extra)


def _counts(peak: float, **extra: object) -> dict[str, object]:
    """An axis of whole counts: integer ticks from zero, about five of them."""
    step = max(1, math.ceil(peak / 5)) if peak == peak else 1  # peak != peak for NaN
    return {"tick0": 0, "dtick": step, "rangemode": "tozero", "tickformat": ",d", **extra}


def _tick(label: str, count: int) -> str:
    """Group label with its sample size; small samples are marked so nobody over-reads them."""
    return f"{label}<br>n={count}{'*' if is_small_sample(count) else ''}"


def _severity_colour(severity: str, levels: tuple[str, ...]) -> str:
    return severity_colour(levels.index(severity) if severity in levels else len(levels))


def mttr_breakdown(frame: pd.DataFrame, by: str = "quarter") -> go.Figure:
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
    fig = go.Figure()
    for column, label, colour in (*PHASES, ("ttdiag_ttf_min", "Diagnose + fix (no diagnosed time)", PHASE["ttf"])):
        if not recorded[column].any():
            continue  # no incident records it: no bar, not a bar of 0
        covered = [f"{int(k)} of {int(n)}" for k, n in zip(recorded[column], summary["count"], strict=True)]
        fig.add_bar(
            x=x,
            y=means[column] / 60,
            name=label,
            marker_color=colour,
            marker_pattern_shape="/" if column == "ttdiag_ttf_min" else "",
            customdata=covered,
            hovertemplate="%{y:.1f} h (mean of %{customdata} incidents)",
        )
    fig.add_scatter(
        x=x,
        y=summary["median"] / 60,
        name="Median time to recovery",
        mode="lines+markers",
        line={"color": ACCENT["median"], "width": 3},
        hovertemplate="%{y:.1f} h",
    )
    fig.add_scatter(
        x=x,
        y=summary["p90"] / 60,
        name="p90",
        mode="markers",
        marker={"symbol": "triangle-up", "size": 10, "color": ACCENT["p90"]},
        hovertemplate="%{y:.1f} h",
    )
    return _layout(
        fig,
        "Time to recovery: mean of each phase over the incidents that record it, median and p90 (hours)",
        barmode="group",
        yaxis_title="hours",
    )


def duration_by_severity(frame: pd.DataFrame, levels: tuple[str, ...]) -> go.Figure:
    fig = go.Figure()
    for severity in [s for s in levels if s in set(frame["severity"])]:
        rows = frame[frame["severity"] == severity]
        # Every incident as a point (with its title) while that stays readable; outliers only beyond.
        every = len(rows) <= MAX_POINTS
        fig.add_box(
            y=(rows["ttr_min"] / 60).round(2),
            name=_tick(severity, len(rows)),
            boxpoints="all" if every else "outliers",
            marker_color=_severity_colour(severity, levels),
            hovertext=rows["title"] if every else None,
        )
    return _layout(
        fig,
        "Time to recovery by severity (hours, log scale)",
        yaxis=_log_range(frame["ttr_min"] / 60, title="hours"),
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


def incidents_per_month(frame: pd.DataFrame, levels: tuple[str, ...]) -> go.Figure:
    table = frequency(frame, "M", "severity")
    fig = go.Figure()
    for severity in [s for s in levels if s in table.columns] + [c for c in table.columns if c not in levels]:
        fig.add_bar(
            x=table.index.astype(str), y=table[severity], name=severity, marker_color=_severity_colour(severity, levels)
        )
    peak = float(table.sum(axis=1).max()) if not table.empty else 1.0
    return _layout(fig, "Incidents per month by severity", barmode="stack", yaxis=_counts(peak, title="incidents"))


def severity_donut(frame: pd.DataFrame, levels: tuple[str, ...]) -> go.Figure:
    mix = severity_mix(frame, levels)
    fig = go.Figure(
        go.Pie(
            labels=list(mix.index),
            values=list(mix["count"]),
            hole=0.5,
            sort=False,
            marker={"colors": [_severity_colour(s, levels) for s in mix.index]},
            # Inside the slices: labels beside the ring would fall outside a phone-wide chart.
            textposition="inside",
            textinfo="percent",
        )
    )
    return _layout(fig, f"Severity mix (n={len(frame)})", hovermode="closest")


def action_item_trend(items: pd.DataFrame) -> go.Figure:
    completion = action_item_completion(items, by="quarter")
    x = [_tick(str(k), int(n)) for k, n in completion["total"].items()]
    fig = _stacked()
    fig.add_bar(
        x=x,
        y=completion["done_pct"],
        name="Done (% of actionable items)",
        marker_color=ACCENT["done"],
        hovertemplate="%{y:.0f}%",
        row=1,
        col=1,
    )
    fig.add_bar(x=x, y=completion["overdue"], name="Overdue now", marker_color=ACCENT["overdue"], row=2, col=1)
    return _layout(
        fig,
        "Action items by incident quarter: completion and overdue",
        yaxis={"title": "% done", "range": [0, 100]},
        yaxis2=_counts(float(completion["overdue"].max()), title="overdue"),
        height=420,
    )


def customer_impact_trend(frame: pd.DataFrame) -> go.Figure:
    impact = customer_impact(frame, "quarter")
    fig = _stacked()
    fig.add_bar(
        x=impact.index, y=impact["users_affected"], name="Users affected", marker_color=ACCENT["users"], row=1, col=1
    )
    fig.add_bar(
        x=impact.index,
        y=impact["support_tickets"],
        name="Support tickets",
        marker_color=ACCENT["tickets"],
        row=2,
        col=1,
    )
    return _layout(
        fig,
        "Customer impact per quarter",
        yaxis={"title": "users", "rangemode": "tozero"},
        yaxis2={"title": "tickets", "rangemode": "tozero"},
        height=420,
    )


def top_services(frame: pd.DataFrame, limit: int = 10) -> go.Figure:
    counts = frame.explode("services")["services"].value_counts().head(limit)
    # not recorded stays empty (no bar), never 0; the title says how many incidents record hours
    hours = engineer_hours(frame, "service").reindex(counts.index)
    recorded = int(frame["engineer_hours"].notna().sum())
    names = list(counts.index[::-1])
    # Side by side, sharing the service names: two measures, two axes, neither drawn over the other.
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.04)
    fig.add_bar(
        y=names,
        x=counts.values[::-1],
        orientation="h",
        name="Incidents",
        marker_color=ACCENT["incidents"],
        row=1,
        col=1,
    )
    fig.add_bar(
        y=names,
        x=hours.values[::-1],
        orientation="h",
        name=f"Engineer hours (recorded for {recorded} of {len(frame)} incidents)",
        marker_color=ACCENT["hours"],
        row=1,
        col=2,
    )
    return _layout(
        fig,
        f"Top services: incidents and engineer hours (hours recorded for {recorded} of {len(frame)} incidents)",
        hovermode="y unified",
        xaxis={"title": "incidents", "rangemode": "tozero"},
        xaxis2={"title": "engineer hours", "rangemode": "tozero"},
        showlegend=False,
        height=140 + 32 * len(counts),
    )


def repeats_over_time(frame: pd.DataFrame, window_days: int) -> go.Figure:
    rates = repeat_rate(frame, "quarter")
    x = [_tick(str(k), int(n)) for k, n in rates["incidents"].items()]
    fig = _stacked()
    fig.add_bar(x=x, y=rates["repeats"], name="Repeat incidents", marker_color=ACCENT["repeats"], row=1, col=1)
    fig.add_scatter(
        x=x,
        y=(100 * rates["rate"]).round(1),
        name="Repeat rate (%)",
        mode="lines+markers",
        line={"color": ACCENT["rate"]},
        row=2,
        col=1,
    )
    return _layout(
        fig,
        f"Repeats: the same cause on the same service within {window_days} days, or a similar root cause",
        yaxis=_counts(float(rates["repeats"].max()), title="repeats"),
        yaxis2={"title": "% repeats", "range": [0, 105]},
        height=420,
    )
