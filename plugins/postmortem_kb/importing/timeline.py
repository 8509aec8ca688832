"""The Timeline table -> ISO timestamps for started, detected, acknowledged, diagnosed,
mitigated and resolved, each with the offset the document states."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..parsing.body import Body, Table
from .phases import mark_phases
from .problems import Problem, warn
from .tables import Cells, find_table, rows
from .times import Moment, read_time
from .zones import zone_in_text


@dataclass(frozen=True)
class Stamp:
    moment: Moment
    line: int  # the row it came from
    event: str


@dataclass
class Timeline:
    stamps: dict[str, Stamp] = field(default_factory=dict)  # phase -> its row's time
    found_table: bool = False


def _is_timeline(header: list[str]) -> bool:
    return len(header) >= 2 and any(h.startswith(("time", "when", "date")) for h in header)


def read_timeline(body: Body, day: dt.date, problems: list[Problem]) -> Timeline:
    table = find_table(body, "Timeline", _is_timeline)
    if table is None:
        return Timeline()
    time_key, event_key = _columns(table)
    offset = _table_offset(body, table, time_key)
    events: list[str] = []
    moments: list[tuple[Moment, int, str]] = []
    previous: dt.datetime | None = None
    for cells in rows(table, "timeline", problems):
        moment = _moment(cells, time_key, day, previous, offset, problems)
        if moment is None:
            continue
        previous = moment.local
        events.append(cells.values.get(event_key, ""))
        moments.append((moment, cells.line, events[-1]))
    marks = mark_phases(events)
    return Timeline({phase: Stamp(*moments[i]) for phase, i in marks.items()}, True)


def _columns(table: Table) -> tuple[str, str]:
    header = [h.casefold().strip() for h in table.header]
    time_key = next(h for h in header if h.startswith(("time", "when", "date")))
    others = [h for h in header if h != time_key]
    event_key = next((h for h in others if h.startswith(("event", "what", "description", "action"))), others[0])
    return time_key, event_key


def _table_offset(body: Body, table: Table, time_key: str) -> dt.timedelta | None:
    """The zone the column header names ("Time (UTC)"), else a line such as "All times in CET"."""
    from_header = zone_in_text(next(h for h in table.header if h.casefold().strip() == time_key))
    if from_header is not None:
        return from_header
    section = body.section("Timeline")
    for ln in section.lines if section is not None else []:
        if ln.number >= table.line:
            break
        if "time" in ln.text.casefold() and (found := zone_in_text(ln.text)) is not None:
            return found
    return None


def _moment(
    cells: Cells,
    time_key: str,
    day: dt.date,
    previous: dt.datetime | None,
    offset: dt.timedelta | None,
    problems: list[Problem],
) -> Moment | None:
    text = cells.values.get(time_key, "")
    moment = read_time(text, day, previous, offset) if text else None
    if moment is None and text:
        problems.append(
            warn(
                "import-time",
                f"cannot read the time {text!r} (HH:MM, '28 May 21:47' or YYYY-MM-DD HH:MM); row left out",
                cells.line,
                cells.col(time_key),
            )
        )
    return moment
