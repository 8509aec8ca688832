"""Plotly figures of the metrics. Each function takes frames and returns a go.Figure.

Figures carry no colours for paper, plot or font: the site's script applies the
light or dark palette of mkdocs-material when it draws them.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
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
        "title": {"text": title, "x": 0, "xanchor": "left"},
        "margin": {"l": 50, "r": 20, "t": 50, "b": 40},
        "legend": {"orientation": "h", "y": -0.2},
        "hovermode": "x unified",
        "height": 360,
        # No plotly template: it would add ~6 KB of JSON to every chart, and the site's script
        # applies the light or dark palette of mkdocs-material anyway.
        "template": "none",
    }
    fig.update_layout(**{**layout, **extra})
    return fig


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
        yaxis_type="log",
        yaxis_title="hours",
        showlegend=False,
        hovermode="closest",
    )


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
        )
    )
    return _layout(fig, f"Severity mix (n={len(frame)})", hovermode="closest")


def action_item_trend(items: pd.DataFrame) -> go.Figure:
    completion = action_item_completion(items, by="quarter")
    x = [_tick(str(k), int(n)) for k, n in completion["total"].items()]
    fig = go.Figure()
    fig.add_bar(
        x=x,
        y=completion["done_pct"],
        name="Done (% of actionable items)",
        marker_color=ACCENT["done"],
        hovertemplate="%{y:.0f}%",
    )
    fig.add_scatter(
        x=x,
        y=completion["overdue"],
        name="Overdue now",
        yaxis="y2",
        mode="lines+markers",
        line={"color": ACCENT["overdue"]},
    )
    return _layout(
        fig,
        "Action items by incident quarter: completion and overdue",
        yaxis={"title": "% done", "range": [0, 100]},
        yaxis2=_counts(float(completion["overdue"].max()), title="overdue", overlaying="y", side="right"),
    )


def customer_impact_trend(frame: pd.DataFrame) -> go.Figure:
    impact = customer_impact(frame, "quarter")
    fig = go.Figure()
    fig.add_bar(x=impact.index, y=impact["users_affected"], name="Users affected", marker_color=ACCENT["users"])
    fig.add_scatter(
        x=impact.index,
        y=impact["support_tickets"],
        name="Support tickets",
        yaxis="y2",
        mode="lines+markers",
        line={"color": ACCENT["tickets"]},
    )
    return _layout(
        fig,
        "Customer impact per quarter",
        yaxis_title="users",
        yaxis2={"title": "tickets", "overlaying": "y", "side": "right", "rangemode": "tozero", "showgrid": False},
    )


def top_services(frame: pd.DataFrame, limit: int = 10) -> go.Figure:
    counts = frame.explode("services")["services"].value_counts().head(limit)
    # not recorded stays empty (no bar), never 0; the legend says how many incidents record hours
    hours = engineer_hours(frame, "service").reindex(counts.index)
    recorded = int(frame["engineer_hours"].notna().sum())
    fig = go.Figure()
    fig.add_bar(
        y=counts.index[::-1], x=counts.values[::-1], orientation="h", name="Incidents", marker_color=ACCENT["incidents"]
    )
    fig.add_bar(
        y=hours.index[::-1],
        x=hours.values[::-1],
        orientation="h",
        name=f"Engineer hours (recorded for {recorded} of {len(frame)} incidents)",
        marker_color=ACCENT["hours"],
        xaxis="x2",
    )
    return _layout(
        fig,
        "Top services: incidents and time in incident",
        barmode="group",
        hovermode="y unified",
        xaxis={"title": "incidents", "side": "bottom"},
        xaxis2={"title": "engineer hours", "overlaying": "x", "side": "top"},
        height=120 + 40 * len(counts),
    )


def repeats_over_time(frame: pd.DataFrame, window_days: int) -> go.Figure:
    rates = repeat_rate(frame, "quarter")
    x = [_tick(str(k), int(n)) for k, n in rates["incidents"].items()]
    fig = go.Figure()
    fig.add_bar(x=x, y=rates["repeats"], name="Repeat incidents", marker_color=ACCENT["repeats"])
    fig.add_scatter(
        x=x,
        y=(100 * rates["rate"]).round(1),
        name="Repeat rate (%)",
        yaxis="y2",
        mode="lines+markers",
        line={"color": ACCENT["rate"]},
    )
    return _layout(
        fig,
        f"Repeats (same service: same cause within {window_days} days, or similar root cause)",
        yaxis=_counts(float(rates["repeats"].max()), title="repeats"),
        yaxis2={"title": "%", "overlaying": "y", "side": "right", "range": [0, 100], "showgrid": False},
    )
