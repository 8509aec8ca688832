"""`pmkb stats`: the trends page's figures as a JSON-ready report and a terminal table."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

import pandas as pd
from postmortem_kb.measures import SMALL_SAMPLE
from postmortem_kb.records import Incident
from postmortem_kb.settings import Settings

from .frames import action_items_frame, incidents_frame
from .metrics import mttr_summary
from .summary import headline, quarter_table


def select(
    incidents: Sequence[Incident], since: dt.date | None, until: dt.date | None, service: str | None
) -> list[Incident]:
    return [
        i
        for i in incidents
        if (since is None or i.date >= since)
        and (until is None or i.date <= until)
        and (service is None or service in i.services)
    ]


def stats_report(incidents: Sequence[Incident], today: dt.date, settings: Settings) -> dict[str, Any]:
    frame = incidents_frame(incidents, settings)
    items = action_items_frame(incidents, today, settings.time_zone)
    report: dict[str, Any] = {"as_of": today.isoformat(), "headline": headline(frame, items)}
    if frame.empty:
        return {**report, "quarters": [], "by_severity": [], "by_service": []}
    report["quarters"] = _records(quarter_table(frame, items, settings.major_severities), "quarter")
    report["by_severity"] = _records(mttr_summary(frame, "severity").rename(columns=_TTR_NAMES), "severity")
    report["by_service"] = _records(mttr_summary(frame, "service").rename(columns=_TTR_NAMES), "service")
    return report


# The headline's and the quarter table's names for the same figures: one name per figure.
_TTR_NAMES = {"count": "incidents", "mean": "ttr_mean_min", "median": "ttr_median_min", "p90": "ttr_p90_min"}


def _records(table: pd.DataFrame, key: str) -> list[dict[str, Any]]:
    out = []
    for index, row in table.iterrows():
        record: dict[str, Any] = {key: str(index)}
        for column, value in row.items():
            record[str(column)] = _plain(value)
        out.append(record)
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, (bool, str)) or value is None or value is pd.NA:
        return None if value is pd.NA else value
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 2)
    return value


def render_text(report: dict[str, Any]) -> str:
    h = report["headline"]
    lines = [
        f"As of {report['as_of']}: {h['incidents']} incidents"
        + (f" (small sample: fewer than {SMALL_SAMPLE})" if h["small_sample"] else ""),
        f"Time to recovery: median {_m(h['ttr_median_min'])}, mean {_m(h['ttr_mean_min'])}, p90 {_m(h['ttr_p90_min'])}",
        f"Action items: {h['action_items']} ({_pct(h['action_items_done_pct'])} done), "
        f"{h['action_items_open']} open, {h['action_items_overdue']} overdue",
        f"Customer impact: {_covered(h, 'users_affected', 'users')}, {_covered(h, 'support_tickets', 'tickets')}; "
        f"{_covered(h, 'engineer_hours', 'engineer hours')}",
        "",
    ]
    header = ("Quarter", "Incidents", "Major", "TTR median", "TTR mean", "TTR p90", "Repeats", "Done", "Overdue")
    rows = [header]
    for q in report["quarters"]:
        rows.append(
            (
                q["quarter"] + ("*" if q["small_sample"] else ""),
                str(q["incidents"]),
                str(q["major"]),
                _m(q["ttr_median_min"]),
                _m(q["ttr_mean_min"]),
                _m(q["ttr_p90_min"]),
                str(q["repeats"]),
                _pct(q.get("action_items_done_pct")),
                _count(q.get("action_items_overdue")),
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    for r in rows:
        lines.append(
            "  ".join(
                cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(r, widths, strict=True))
            )
        )
    if report["quarters"]:
        lines.append(f"* fewer than {SMALL_SAMPLE} incidents: a small sample")
    return "\n".join(lines) + "\n"


def _m(minutes: float | None) -> str:
    if minutes is None:
        return "-"
    total = round(minutes)
    return f"{total} min" if total < 60 else f"{total // 60} h {total % 60:02d} min"


def _count(value: int | None) -> str:
    return "-" if value is None else str(value)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}%"


def _covered(h: dict[str, Any], key: str, unit: str) -> str:
    """ "1,200 users (from 2 of 12 incidents)", or "users not recorded": missing is not zero."""
    value, count = h[key], h[f"{key}_incidents"]
    if not count:
        return f"{unit} not recorded"
    text = f"{value:,.1f} {unit}" if isinstance(value, float) else f"{value:,} {unit}"
    return text if count == h["incidents"] else f"{text} (from {count} of {h['incidents']} incidents)"
