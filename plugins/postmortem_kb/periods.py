"""Which month and quarter an incident belongs to: the day `timeline.started` falls on.

`date` is written by hand and may be a local day; grouping by the start instant, seen in one
time zone (the plugin's `time_zone` option, UTC by default), puts every incident in the same
period on every page, chart and export. The `date-mismatch` rule warns when the two disagree.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

from .records import Incident


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def start_day(incident: Incident, time_zone: str = "UTC") -> dt.date:
    """The day the incident started, in `time_zone`."""
    return incident.timeline["started"].astimezone(zone(time_zone)).date()


def month(day: dt.date) -> str:
    return f"{day.year}-{day.month:02d}"


def quarter(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
