"""`trends/`: the leadership page; the compact chart set for the home page; per-service charts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
from postmortem_analytics import charts
from postmortem_analytics.frames import action_items_frame, incidents_frame
from postmortem_analytics.summary import headline, quarter_table

from ..records import Incident
from ..settings import Settings
from .figures import figure_html
from .html import duration, esc, number
from .trends_markdown import HOME_MARKER, TRENDS_MARKDOWN

__all__ = ["HOME_MARKER", "TRENDS_MARKDOWN", "frames", "home_charts_html", "service_charts_html", "trends_html"]


def frames(incidents: Sequence[Incident], today: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The incidents and action-items frames every chart of a build reads (built once)."""
    return incidents_frame(incidents), action_items_frame(incidents, today)


def trends_html(frame: pd.DataFrame, items: pd.DataFrame, settings: Settings, today: dt.date) -> str:
    if frame.empty:
        return '<p class="pmkb-empty">No postmortems yet.</p>'
    levels = settings.severity_names
    window = settings.repeat_window_days
    sections = [
        (
            "Time to recovery",
            [
                figure_html(charts.mttr_breakdown(frame), "mttr-breakdown"),
                figure_html(charts.duration_by_severity(frame, levels), "duration-by-severity"),
            ],
        ),
        (
            "Frequency and severity",
            [
                figure_html(charts.incidents_per_month(frame, levels), "incidents-per-month"),
                figure_html(charts.severity_donut(frame, levels), "severity-mix"),
            ],
        ),
        (
            "Follow-through",
            [
                figure_html(charts.action_item_trend(items), "action-items"),
                figure_html(charts.repeats_over_time(frame, window), "repeats"),
            ],
        ),
        (
            "Impact and hotspots",
            [
                figure_html(charts.customer_impact_trend(frame), "customer-impact"),
                figure_html(charts.top_services(frame), "top-services"),
            ],
        ),
    ]
    body = "".join(f'<h2 id="{_anchor(t)}">{t}</h2>{"".join(c)}' for t, c in sections)
    table = quarter_table(frame, items, window, settings.major_severities)
    return (
        _headline_html(headline(frame, items), today)
        + body
        + '<h2 id="quarter-over-quarter">Quarter over quarter</h2>'
        + _quarter_html(table)
    )


def home_charts_html(frame: pd.DataFrame, items: pd.DataFrame, settings: Settings, today: dt.date) -> str:
    if frame.empty:
        return ""
    return (
        _headline_html(headline(frame, items), today)
        + '<div class="pmkb-chart-row">'
        + figure_html(charts.mttr_breakdown(frame), "home-mttr", compact=True)
        + figure_html(charts.incidents_per_month(frame, settings.severity_names), "home-frequency", compact=True)
        + "</div>"
    )


def service_charts_html(rows: pd.DataFrame, settings: Settings) -> str:
    """Charts of one service's incidents (`rows`): frequency by severity and time to recovery."""
    levels = settings.severity_names
    return (
        '<div class="pmkb-chart-row">'
        + figure_html(charts.incidents_per_month(rows, levels), "service-frequency", compact=True)
        + figure_html(charts.duration_by_severity(rows, levels), "service-duration", compact=True)
        + "</div>"
    )


def _headline_html(figures: dict[str, float | int | None], today: dt.date) -> str:
    def minutes(key: str) -> str:
        value = figures[key]
        return duration(dt.timedelta(minutes=float(value))) if value is not None else "–"

    small = (
        ' <span class="pmkb-small" title="fewer than 5 incidents: read with care">small sample</span>'
        if figures["small_sample"]
        else ""
    )
    done = figures["action_items_done_pct"]
    cells = [
        ("Incidents", f"{figures['incidents']}{small}"),
        (
            "Time to recovery",
            f"median {minutes('ttr_median_min')} · mean {minutes('ttr_mean_min')} · p90 {minutes('ttr_p90_min')}",
        ),
        (
            "Action items",
            f"{'–' if done is None else f'{done:.0f}%'} done · {figures['action_items_open']} open · "
            f'<span class="pmkb-overdue">{figures["action_items_overdue"]} overdue</span>',
        ),
        (
            "Customer impact",
            f"{number(figures['users_affected'])} users · {number(figures['support_tickets'])} tickets",
        ),
        ("Time in incident", f"{number(figures['engineer_hours'])} engineer hours"),
    ]
    items = "".join(f"<div><dt>{label}</dt><dd>{value}</dd></div>" for label, value in cells)
    return f'<dl class="pmkb-headline">{items}</dl><p class="pmkb-asof">Overdue as of {today.isoformat()}.</p>'


def _quarter_html(table: pd.DataFrame) -> str:
    if table.empty:
        return ""
    head = (
        "Quarter",
        "Incidents",
        "SEV1/2",
        "TTR median",
        "TTR mean",
        "TTR p90",
        "Engineer hours",
        "Users",
        "Tickets",
        "Repeats",
        "Action items",
        "Done",
        "Overdue",
    )
    rows = []
    for quarter, row in table.iterrows():

        def mins(value: float) -> str:
            return duration(dt.timedelta(minutes=value)) if pd.notna(value) else "–"

        mark = '<span class="pmkb-small" title="fewer than 5 incidents">*</span>' if row["small_sample"] else ""
        cells = [
            f"{esc(quarter)}{mark}",
            str(int(row["incidents"])),
            str(int(row["major"])),
            mins(row["ttr_median"]),
            mins(row["ttr_mean"]),
            mins(row["ttr_p90"]),
            number(row["engineer_hours"]),
            number(row["users_affected"] if pd.notna(row["users_affected"]) else None),
            number(row["support_tickets"] if pd.notna(row["support_tickets"]) else None),
            str(int(row["repeats"])),
            str(int(row.get("action_items", 0) or 0)),
            f"{row['done_pct']:.0f}%" if pd.notna(row.get("done_pct")) else "–",
            str(int(row.get("overdue", 0) or 0)),
        ]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    header = "".join(f"<th>{h}</th>" for h in head)
    return (
        f'<table class="pmkb-table pmkb-quarters"><thead><tr>{header}</tr></thead><tbody>{"".join(rows)}</tbody>'
        '</table><p class="pmkb-note">* fewer than 5 incidents in the quarter: a small sample, read with care. '
        "TTR is time to recovery (resolved - started). Action items are counted with their incident's quarter; "
        '"Done" is the share of items not marked Won\'t Do.</p>'
    )


def _anchor(title: str) -> str:
    return title.lower().replace(" ", "-")
