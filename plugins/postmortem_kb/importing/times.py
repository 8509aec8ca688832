"""One Time cell of a timeline table -> a wall-clock time with its UTC offset when one is stated.

Cells are `HH:MM` (the date comes from the row before, or from the header's incident date),
`28 May 21:47` / `May 28 21:47` (the year likewise), or full timestamps (`2025-05-28 21:47 UTC`,
`2025-05-28T21:47:00+02:00`). Rows are in time order, so an earlier clock time than the row
before means the incident ran past midnight (or past new year for day-month cells).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .zones import offset_of, zone_in_text

_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}
_CLOCK_PART = r"(\d{1,2})[:h.](\d{2})(?::(\d{2}))?(?:\.\d+)?\s*([ap]\.?m\.?\b)?"
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T\s]+|\s*,\s*)" + _CLOCK_PART + r"\s*(.*)$", re.I)
_DAY_MONTH = re.compile(
    r"^(?:[a-z]{3,9},?\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]{3,9})\.?(?:\s+(\d{4}))?,?\s+" + _CLOCK_PART + r"\s*(.*)$",
    re.I,
)
_MONTH_DAY = re.compile(
    r"^([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?(?:\s+(\d{4}),?)?\s+" + _CLOCK_PART + r"\s*(.*)$", re.I
)
_CLOCK = re.compile(r"^" + _CLOCK_PART + r"\s*(.*)$", re.I)
_APPROX = re.compile(r"^(?:~|≈|approx\.?\s+|about\s+|around\s+|ca\.\s+)", re.I)
_MARKUP = re.compile(r"[*`_]")


@dataclass(frozen=True)
class Moment:
    local: dt.datetime  # naive wall-clock time as written
    offset: dt.timedelta | None  # None: the document never says which zone

    def aware(self) -> dt.datetime | None:
        return None if self.offset is None else self.local.replace(tzinfo=dt.timezone(self.offset))


def read_time(cell: str, day: dt.date, previous: dt.datetime | None, offset: dt.timedelta | None) -> Moment | None:
    """None when the cell holds no time this module understands."""
    text = _APPROX.sub("", _MARKUP.sub("", cell).strip())
    try:
        if match := _ISO.match(text):
            y, mo, d = (int(g) for g in match.groups()[:3])
            local = _at(dt.date(y, mo, d), match.groups()[3:7])
            return Moment(local, _tail_offset(match.group(8), offset))
        if match := _DAY_MONTH.match(text) or _MONTH_DAY.match(text):
            return _day_and_month(match, day, previous, offset)
        if match := _CLOCK.match(text):
            start = previous.date() if previous is not None else day
            local = _at(start, match.groups()[:4])
            if previous is not None and local < previous:
                local += dt.timedelta(days=1)
            return Moment(local, _tail_offset(match.group(5), offset))
    except ValueError:  # 25:00, 30 February: not a time
        return None
    return None


def _day_and_month(
    match: re.Match[str], day: dt.date, previous: dt.datetime | None, offset: dt.timedelta | None
) -> Moment | None:
    first, second, year = match.group(1), match.group(2), match.group(3)
    day_text, month_text = (first, second) if first.isdigit() else (second, first)
    month = _MONTHS.get(month_text[:3].casefold())
    if month is None:
        return None
    base_year = int(year) if year else (previous.year if previous is not None else day.year)
    local = _at(dt.date(base_year, month, int(day_text)), match.groups()[3:7])
    if not year and previous is not None and local < previous:
        local = local.replace(year=local.year + 1)  # 31 Dec 23:50 then 1 Jan 00:10
    return Moment(local, _tail_offset(match.group(8), offset))


def _at(date: dt.date, clock: tuple[str | None, ...]) -> dt.datetime:
    hour, minute, second, meridiem = clock
    h = int(hour or 0)
    if meridiem:
        if h < 1 or h > 12:
            raise ValueError("12-hour clock")
        h = h % 12 + (12 if meridiem.casefold().startswith("p") else 0)
    return dt.datetime.combine(date, dt.time(h, int(minute or 0), int(second or 0)))


def _tail_offset(tail: str, table_offset: dt.timedelta | None) -> dt.timedelta | None:
    """A designator right after the time ("15:02 UTC", "+02:00") wins over the table's zone."""
    tail = tail.strip().strip("()[]").strip()
    if not tail:
        return table_offset
    found = offset_of(tail.split()[0])
    if found is None:
        found = zone_in_text(tail)
    return found if found is not None else table_offset
