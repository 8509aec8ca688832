"""Process figures for `pmkb stats` and the trends chart: how long postmortems took to draft and
publish after resolution. The definitions live in `postmortem_kb.process`; this module shapes them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from postmortem_kb.history import History
from postmortem_kb.process import (
    as_of,
    hours_to_draft,
    hours_to_published,
    postmortem_debt,
    within_target,
    within_target_share,
)
from postmortem_kb.records import Incident
from postmortem_kb.settings import Settings

from .charts import Trace, _figure, _positions, _spread, _tick


def process_report(
    incidents: Sequence[Incident], history: History, settings: Settings, today: dt.date
) -> dict[str, Any]:
    """The `process` key of `pmkb stats --format json`; None (JSON null) where history is missing."""
    now = as_of(today)
    share = within_target_share(incidents, history, settings, now)
    return {
        "available": history.available,
        "reason": history.reason or None,
        "target_hours": {s: settings.target_hours(s) for s in settings.severity_names},
        "within_target_share": None if share is None else round(share, 4),
        "incidents": [
            {
                "stem": i.stem,
                "hours_to_draft": _round(hours_to_draft(i, history)),
                "hours_to_published": _round(hours_to_published(i, history)),
                "within_target": within_target(i, history, settings, now),
            }
            for i in sorted(incidents, key=lambda i: (i.date, i.stem))
        ],
        "debt": [i.stem for i in postmortem_debt(incidents, settings, now)],
    }


def process_text(process: dict[str, Any]) -> str:
    """The `process` key in a line for `pmkb stats`' text output."""
    if not process["available"]:
        return f"Postmortems published within target: not available ({process['reason']})"
    share = process["within_target_share"]
    within = "not available" if share is None else f"{100 * share:.0f}%"
    return f"Postmortems published within target: {within}; postmortem debt: {len(process['debt'])}"


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def time_to_postmortem(frame: pd.DataFrame, levels: tuple[str, ...]) -> go.Figure:
    """Hours from resolution to the first commit (draft) and to Published, by severity: each
    severity's incidents as points and medians, drafted on the left, published on the right."""
    present = [s for s in levels if s in set(frame["severity"])]
    labels = []
    for severity in present:
        rows = frame[frame["severity"] == severity]
        labels.append(_tick(severity, int(rows[["hours_to_draft", "hours_to_published"]].notna().any(axis=1).sum())))
    traces: list[Trace] = []
    series = ((-0.2, "hours_to_draft", "Drafted", "#5c6bc0"), (0.2, "hours_to_published", "Published", "#26a69a"))
    for offset, column, name, colour in series:
        for position, severity in enumerate(present):
            hours = frame.loc[frame["severity"] == severity, column].dropna().round(1)
            traces += _spread(position + offset, hours, name, colour, width=0.3, legend=position == 0)
    return _figure(
        traces,
        "Hours from resolution to the postmortem, by severity",
        xaxis=_positions(labels),
        yaxis={"title": {"text": "hours"}},
        hovermode="closest",
    )
