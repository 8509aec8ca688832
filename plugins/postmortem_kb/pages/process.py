"""Process figures for the pages, as data the templates render: the card's drafted/published
line, the trends page's Process section and the closing record on `action-items/`.

No HTML here: `card.html`, `process.html` and `closing.html` render these records, escaped
by construction. Durations are prepared as text ("1 d 4 h") like the card's phases.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from ..history import History
from ..measures import share
from ..process import (
    Closing,
    closed_on_time_share,
    closing,
    hours_to_draft,
    hours_to_published,
    is_debt,
    postmortem_debt,
    within_target_by_quarter,
    within_target_share,
)
from ..records import Incident
from ..settings import Settings
from .render import duration


def hours_text(hours: float) -> str:
    return duration(dt.timedelta(hours=abs(hours)))


@dataclass(frozen=True)
class CardProcess:
    """The card's "drafted 18 h 6 min after resolution; published after 5 d 20 h" line."""

    available: bool
    reason: str  # why history is not available
    drafted: str | None  # time from resolution to the first commit; None: not committed yet
    drafted_before: bool  # the first commit came before `timeline.resolved`
    published: str | None  # time from resolution to the commit that made it Published
    target_hours: float | None
    target_passed: bool  # resolved longer ago than the target and not Published (debt)


def card_process(incident: Incident, history: History, settings: Settings, now: dt.datetime) -> CardProcess:
    draft = hours_to_draft(incident, history)
    published = hours_to_published(incident, history)
    return CardProcess(
        available=history.available,
        reason=history.reason,
        drafted=None if draft is None else hours_text(draft),
        drafted_before=draft is not None and draft < 0,
        published=None if published is None else hours_text(published),
        target_hours=settings.target_hours(incident.severity),
        target_passed=is_debt(incident, settings, now),
    )


@dataclass(frozen=True)
class QuarterRow:
    quarter: str
    cells: list[str]  # per severity of ProcessSection.levels: "50% (1/2)", or a dash with no known outcome


@dataclass(frozen=True)
class DebtRow:
    incident: Incident
    resolved: str  # "2025-01-14 15:54 UTC"
    since: str  # time since resolution, as of the build's day


@dataclass(frozen=True)
class ProcessSection:
    """The trends page's Process section (the chart comes from the analytics layer)."""

    available: bool
    reason: str
    within_target_pct: float | None  # of incidents whose outcome is known
    levels: list[str]  # severities with a target and a known outcome, most severe first
    quarters: list[QuarterRow]
    debt: list[DebtRow]
    as_of: dt.date


def process_section(
    incidents: Sequence[Incident], history: History, settings: Settings, now: dt.datetime
) -> ProcessSection:
    table = within_target_by_quarter(incidents, history, settings, now)
    levels = [s for s in settings.severity_names if any(s in row for row in table.values())]
    share_known = within_target_share(incidents, history, settings, now)
    return ProcessSection(
        available=history.available,
        reason=history.reason,
        within_target_pct=None if share_known is None else 100 * share_known,
        levels=levels,
        quarters=[QuarterRow(q, [_cell(row.get(s)) for s in levels]) for q, row in table.items()],
        debt=[
            DebtRow(i, i.timeline["resolved"].strftime("%Y-%m-%d %H:%M UTC"), duration(now - i.timeline["resolved"]))
            for i in postmortem_debt(incidents, settings, now)
        ],
        as_of=now.date(),
    )


def _cell(value: tuple[int, int] | None) -> str:
    if value is None:
        return "–"
    within, known = value
    return f"{share(within, known):.0f}% ({within}/{known})"


RECENT_CLOSES = 100  # rows of the "Closed on time" list on action-items/; the exports hold every close date


@dataclass(frozen=True)
class ClosingSummary:
    """What `action-items/` says about close dates (each of its rows carries its own Closing)."""

    available: bool
    reason: str
    on_time_pct: float | None  # of closed items with a known close and due date
    closed: int  # items with a close date from history
    late: int  # of which closed after their due date


def closing_summary(incidents: Sequence[Incident], history: History) -> ClosingSummary:
    closes = [closing(i, a, history) for i in incidents for a in i.action_items]
    on_time = closed_on_time_share(incidents, history)
    return ClosingSummary(
        history.available,
        history.reason,
        None if on_time is None else 100 * on_time,
        sum(1 for c in closes if c.closed is not None),
        sum(1 for c in closes if c.on_time is False),
    )


__all__ = ["CardProcess", "Closing", "ClosingSummary", "ProcessSection", "card_process", "process_section"]
