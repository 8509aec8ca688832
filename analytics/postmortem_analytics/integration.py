"""What postmortem_kb uses of the analytics layer, through its one entry point.

`postmortem_kb` never imports this package at module level: the plugin and `pmkb stats` load
this module through the `postmortem_kb.analytics` entry point, and only when analytics is on.
Everything returned is data (numbers, figure JSON, export text); the pages render it with
postmortem_kb's templates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd
from postmortem_kb.analytics_api import EXPORT_URIS
from postmortem_kb.history import History, read_history
from postmortem_kb.measures import SMALL_SAMPLE
from postmortem_kb.records import Incident, shown
from postmortem_kb.settings import Settings

from . import charts, exports
from .figures import figure_json
from .frames import NO_HISTORY, action_items_frame, incidents_frame, load_incidents, with_closing, with_process
from .process import process_report, process_text, time_to_postmortem
from .report import render_text, select, stats_report
from .summary import headline, quarter_table

CHARTED_SERVICES = 100  # a plotly figure costs milliseconds to build; chart the busiest services only


@dataclass(frozen=True)
class Chart:
    name: str
    payload: str  # figure JSON, safe inside an HTML element (figures.figure_json)
    compact: bool = False


@dataclass(frozen=True)
class ChartSection:
    title: str
    anchor: str
    charts: tuple[Chart, ...]


class SiteAnalytics:
    """The frames of one build, and the figures and exports the site shows from them."""

    def __init__(
        self,
        incidents: Sequence[Incident],
        settings: Settings,
        today: dt.date,
        repeats: Collection[str],
        history: Callable[[], History] = lambda: NO_HISTORY,
    ):
        self.settings = settings
        self.today = today
        self.incidents = incidents
        # Without the history columns: the home page's charts need none, and the history pass
        # may still be running (history.py); `history()` waits for it, on first use only.
        self.frame = incidents_frame(incidents, settings, repeats)
        self.items = action_items_frame(incidents, today, settings.time_zone)
        self._history = history
        self._service_rows: dict[str, list[int]] | None = None

    @cached_property
    def _with_history(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        history = self._history()
        return with_process(self.frame, self.incidents, history), with_closing(self.items, self.incidents, history)

    @property
    def empty(self) -> bool:
        return self.frame.empty

    def headline(self) -> dict[str, Any]:
        return headline(self.frame, self.items)

    def trend_sections(self) -> list[ChartSection]:
        frame, items, levels = self.frame, self.items, self.settings.severity_names
        window = self.settings.repeat_window_days
        groups = (
            ("Time to recovery", (("mttr-breakdown", charts.mttr_breakdown(frame)),
                                  ("duration-by-severity", charts.duration_by_severity(frame, levels)))),
            ("Frequency and severity", (("incidents-per-month", charts.incidents_per_month(frame, levels)),
                                        ("severity-mix", charts.severity_donut(frame, levels)))),
            ("Follow-through", (("action-items", charts.action_item_trend(items)),
                                ("repeats", charts.repeats_over_time(frame, window)))),
            ("Impact and hotspots", (("customer-impact", charts.customer_impact_trend(frame)),
                                     ("top-services", charts.top_services(frame)))),
        )  # fmt: skip
        return [
            ChartSection(title, title.lower().replace(" ", "-"), tuple(Chart(n, figure_json(f)) for n, f in figures))
            for title, figures in groups
        ]

    def quarter_rows(self) -> list[dict[str, Any]]:
        """The quarter-over-quarter table: plain values, None where nothing was recorded."""
        table = quarter_table(self.frame, self.items, self.settings.major_severities)
        rows = []
        for quarter, row in table.iterrows():
            rows.append({"quarter": str(quarter), **{str(k): _plain(v) for k, v in row.items()}})
        return rows

    def process_chart(self) -> Chart | None:
        """Hours from resolution to draft and to Published, by severity; None without any."""
        frame, _items = self._with_history
        if not frame["hours_to_draft"].notna().any():
            return None
        return Chart("time-to-postmortem", figure_json(time_to_postmortem(frame, self.settings.severity_names)))

    def home_charts(self) -> list[Chart]:
        levels = self.settings.severity_names
        return [
            Chart("home-mttr", figure_json(charts.mttr_breakdown(self.frame)), compact=True),
            Chart("home-frequency", figure_json(charts.incidents_per_month(self.frame, levels)), compact=True),
        ]

    def service_charts(self, slug: str) -> list[Chart] | None:
        """Charts of one service's incidents; None for a service with fewer than SMALL_SAMPLE incidents
        or outside the busiest CHARTED_SERVICES (a chart of three incidents says little)."""
        rows = self._charted_services().get(slug)
        if rows is None:
            return None
        part, levels = self.frame.loc[rows], self.settings.severity_names
        return [
            Chart("service-frequency", figure_json(charts.incidents_per_month(part, levels)), compact=True),
            Chart("service-duration", figure_json(charts.duration_by_severity(part, levels)), compact=True),
        ]

    def _charted_services(self) -> dict[str, list[int]]:
        if self._service_rows is None:
            rows: dict[str, list[int]] = {}
            for index, names in zip(self.frame.index, self.frame["services"], strict=True):
                for name in names:
                    rows.setdefault(name, []).append(int(index))
            busiest = sorted((s for s, r in rows.items() if len(r) >= SMALL_SAMPLE), key=lambda s: -len(rows[s]))
            self._service_rows = {s: rows[s] for s in busiest[:CHARTED_SERVICES]}
        return self._service_rows

    def exports(self, url_of: Callable[[str], str | None] = lambda _src_uri: None) -> dict[str, str]:
        """`url_of`: a postmortem's page URL (relative to the site's root) from its src_uri."""
        frame, items = self._with_history
        urls = {i.stem: url_of(i.src_uri) for i in self.incidents}
        frame = frame.assign(url=frame["stem"].map(urls))
        texts = (exports.incidents_json(frame), exports.incidents_csv(frame), exports.action_items_csv(items))
        return dict(zip(EXPORT_URIS, texts, strict=True))


def stats(
    docs_dir: str, settings: Settings, today: dt.date, since: dt.date | None, until: dt.date | None,
    service: str | None, fmt: str,
) -> str:  # fmt: skip
    """`pmkb stats`: the trends page's figures as text or JSON."""
    # the incidents the site counts: Drafts are left out under `drafts: hide`
    incidents = select(shown(load_incidents(docs_dir, settings), settings.drafts), since, until, service)
    report = stats_report(incidents, today, settings)
    report["process"] = process = process_report(incidents, read_history(Path(docs_dir)), settings, today)
    if fmt == "json":
        return exports.strict_json(report, indent=2)
    return render_text(report) + "\n" + process_text(process) + "\n"


def _plain(value: Any) -> Any:
    if isinstance(value, bool) or value is None or value is pd.NA:
        return None if value is pd.NA else value
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    if isinstance(value, float) and pd.isna(value):
        return None
    return value
