"""`date` is the incident's day: the UTC day or the local day (the offset as written) of `timeline.started`.

Month and quarter on trends/ come from `timeline.started`, so a `date` that is neither day
would put the incident under one month in the file and another on the site.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ..findings import Finding
from ..model import YEARS
from .context import Context
from .timeline import as_aware


def check(ctx: Context) -> Iterator[Finding]:
    day = ctx.meta.get("date")
    started = as_aware(ctx.mapping("timeline").get("started"))
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime) or started is None or day.year not in YEARS:
        return  # missing, malformed or out-of-range values are reported by the type rules
    utc_day, local_day = started.astimezone(dt.UTC).date(), started.date()
    if day in (utc_day, local_day):
        return
    days = sorted({utc_day.isoformat(), local_day.isoformat()})
    yield ctx.finding(
        "date-mismatch",
        ctx.value_pos("date"),
        f"date {day.isoformat()} is not the day timeline.started ({started.isoformat()}) falls on "
        f"({' or '.join(days)}, UTC or local); month and quarter on trends/ follow timeline.started",
    )
