"""Process figures, one definition each: how long after resolution a postmortem was drafted and
published, whether that met the severity's target, postmortem debt, and whether action items
closed by their due date (no MkDocs, no pandas).

Commit times come from `history.History`. Without it (no git, a shallow clone, a file not
committed yet) a figure is None, "not available", never 0 and never a guess.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .history import FileHistory, History
from .periods import quarter, start_day
from .records import ActionItemRecord, Incident
from .relations import CloseDate
from .settings import Settings

HOUR = 3600.0


def as_of(today: dt.date) -> dt.datetime:
    """The instant debt is judged at: the start (UTC) of the build's "today" (SOURCE_DATE_EPOCH
    when set), so that a rebuild of the same commit gives the same list."""
    return dt.datetime.combine(today, dt.time(), tzinfo=dt.UTC)


def _hours(start: dt.datetime, end: dt.datetime) -> float:
    return (end - start).total_seconds() / HOUR


def hours_to_draft(incident: Incident, history: History) -> float | None:
    """Hours from `timeline.resolved` to the postmortem's first commit (negative: drafted earlier)."""
    record = history.of(incident.src_uri)
    return None if record is None else _hours(incident.timeline["resolved"], record.drafted)


def hours_to_published(incident: Incident, history: History) -> float | None:
    """Hours from `timeline.resolved` to the commit that first made it Published; None while it is not."""
    record = history.of(incident.src_uri)
    if record is None or record.published is None or incident.status != "Published":
        return None
    return _hours(incident.timeline["resolved"], record.published)


def is_debt(incident: Incident, settings: Settings, now: dt.datetime) -> bool:
    """Resolved longer ago than its severity's target and still not Published. Read from the
    front matter alone, so it holds without git history too."""
    target = settings.target_hours(incident.severity)
    if target is None or incident.status == "Published":
        return False
    return _hours(incident.timeline["resolved"], now) > target


def within_target(incident: Incident, history: History, settings: Settings, now: dt.datetime) -> bool | None:
    """Published within its severity's target; False once the target passed unpublished;
    None with no target, no history, or while the target has not passed yet."""
    target = settings.target_hours(incident.severity)
    if target is None or not history.available:
        return None
    hours = hours_to_published(incident, history)
    if hours is not None:
        return hours <= target
    return False if is_debt(incident, settings, now) else None


def within_target_share(
    incidents: Iterable[Incident], history: History, settings: Settings, now: dt.datetime
) -> float | None:
    """Share (0..1) of incidents with a known outcome that met their target; None when none is known."""
    known = [v for v in (within_target(i, history, settings, now) for i in incidents) if v is not None]
    return sum(known) / len(known) if known else None


def postmortem_debt(incidents: Iterable[Incident], settings: Settings, now: dt.datetime) -> list[Incident]:
    """Incidents owing a published postmortem, longest-resolved first."""
    owing = [i for i in incidents if is_debt(i, settings, now)]
    return sorted(owing, key=lambda i: (i.timeline["resolved"], i.stem))


@dataclass(frozen=True)
class Closing:
    """When an action item closed, and how that compares with its due date."""

    closed: dt.date | None  # commit date (UTC) of its first Done or Won't Do; None when unknown or open
    on_time: bool | None  # closed on or before its due date; None when either date is unknown
    days_late: int | None  # days after the due date (0 when on time); None when unknown


def closing(incident: Incident, item: ActionItemRecord, history: History) -> Closing:
    record: FileHistory | None = history.of(incident.src_uri)
    when = record.closed.get(item.id) if record is not None and not item.is_open else None
    if when is None:
        return Closing(None, None, None)
    day = when.date()
    if item.due is None:
        return Closing(day, None, None)
    late = (day - item.due).days
    return Closing(day, late <= 0, max(late, 0))


def closed_on_time_share(incidents: Sequence[Incident], history: History) -> float | None:
    """Share (0..1) of closed action items with a known close and due date that closed on time."""
    known = [c.on_time for i in incidents for a in i.action_items if (c := closing(i, a, history)).on_time is not None]
    return sum(known) / len(known) if known else None


def fix_closed_by(history: History) -> CloseDate:
    """The close date "recurred after a fix" uses: the real one when history has it."""

    def closed(incident: Incident, item: ActionItemRecord) -> dt.date | None:
        return closing(incident, item, history).closed

    return closed


def within_target_by_quarter(
    incidents: Iterable[Incident], history: History, settings: Settings, now: dt.datetime
) -> dict[str, dict[str, tuple[int, int]]]:
    """quarter (of the start, as periods.py defines it) -> severity -> (within target, known outcomes),
    for severities that have a target."""
    table: dict[str, dict[str, tuple[int, int]]] = {}
    for incident in incidents:
        outcome = within_target(incident, history, settings, now)
        if outcome is None:
            continue
        cell = table.setdefault(quarter(start_day(incident, settings.time_zone)), {})
        within, known = cell.get(incident.severity, (0, 0))
        cell[incident.severity] = (within + outcome, known + 1)
    return dict(sorted(table.items()))
