"""The header's `**Duration:**` ("52 minutes", "2h 19m", "1 day 4 hours") as a timedelta.

It is not stored (the timeline gives the duration); it is compared with the timeline so
that a misread row is pointed out instead of silently published.
"""

from __future__ import annotations

import datetime as dt
import re

_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(d|days?|h|hrs?|hours?|m|mins?|minutes?|s|secs?|seconds?)\b", re.I)
_CLOCK = re.compile(r"^(\d{1,3}):(\d{2})$")
_UNIT = {"d": 86400, "h": 3600, "m": 60, "s": 1}


def read_duration(text: str) -> dt.timedelta | None:
    clock = _CLOCK.match(text.strip())
    if clock:
        return dt.timedelta(hours=int(clock.group(1)), minutes=int(clock.group(2)))
    seconds = sum(float(n) * _UNIT[unit[0].casefold()] for n, unit in _PART.findall(text))
    return dt.timedelta(seconds=seconds) if seconds else None


def describe(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 1440)
    parts = [f"{days}d"] if days else []
    parts += [f"{rest // 60}h"] if rest // 60 else []
    parts += [f"{rest % 60}m"] if rest % 60 or not parts else []
    return " ".join(parts)
