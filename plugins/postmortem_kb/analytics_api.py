"""The one door to the analytics layer (pandas + plotly): the `postmortem_kb.analytics` entry point.

postmortem_kb never imports postmortem_analytics at module level, so a build with
`analytics: false` never pays pandas' and plotly's import time, and the dependency runs one
way (postmortem_analytics imports postmortem_kb's records, never the reverse). The Protocols
say what the pages need; postmortem_analytics.integration provides it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence
from functools import cache
from importlib.metadata import entry_points
from typing import Any, Protocol, cast

from .history import History
from .records import Incident
from .settings import Settings

GROUP = "postmortem_kb.analytics"
# The data files SiteAnalytics.exports() writes (the plugin reserves them before it fills them).
EXPORT_URIS = ("exports/incidents.json", "exports/incidents.csv", "exports/action-items.csv")


class Chart(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def payload(self) -> str: ...
    @property
    def compact(self) -> bool: ...


class ChartSection(Protocol):
    @property
    def title(self) -> str: ...
    @property
    def anchor(self) -> str: ...
    @property
    def charts(self) -> Sequence[Chart]: ...


class SiteAnalytics(Protocol):
    @property
    def empty(self) -> bool: ...
    def headline(self) -> dict[str, Any]: ...
    def trend_sections(self) -> Sequence[ChartSection]: ...
    def quarter_rows(self) -> list[dict[str, Any]]: ...
    def process_chart(self) -> Chart | None: ...
    def home_charts(self) -> Sequence[Chart]: ...
    def service_charts(self, slug: str) -> Sequence[Chart] | None: ...
    def exports(self, url_of: Callable[[str], str | None]) -> dict[str, str]: ...


class AnalyticsModule(Protocol):
    def SiteAnalytics(
        self,
        incidents: Sequence[Incident],
        settings: Settings,
        today: dt.date,
        repeats: Collection[str],
        history: Callable[[], History],  # waits for the history pass; called only when a figure needs it
    ) -> SiteAnalytics: ...

    def stats(
        self, docs_dir: str, settings: Settings, today: dt.date, since: dt.date | None, until: dt.date | None,
        service: str | None, fmt: str,
    ) -> str: ...  # fmt: skip


class AnalyticsMissing(RuntimeError):
    """No analytics layer is installed (the `postmortem_kb.analytics` entry point is absent)."""


@cache
def load_analytics() -> AnalyticsModule:
    found = entry_points(group=GROUP, name="default")
    if not found:
        raise AnalyticsMissing(
            "the analytics layer is not installed (no `postmortem_kb.analytics` entry point); "
            "reinstall postmortem-kb or set `analytics: false`"
        )
    return cast(AnalyticsModule, next(iter(found)).load())
