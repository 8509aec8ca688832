""" "Today" for overdue action items: SOURCE_DATE_EPOCH when set, so builds are reproducible."""

from __future__ import annotations

import datetime as dt
import os


class ClockError(ValueError):
    """SOURCE_DATE_EPOCH is set to something that is not a day (a usage error, not a traceback)."""


def today() -> dt.date:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
        except (OverflowError, OSError, ValueError):
            raise ClockError(
                f"SOURCE_DATE_EPOCH={epoch[:30]} is not a time before the year 10000 (seconds since 1970)"
            ) from None
    return dt.datetime.now(tz=dt.UTC).date()
