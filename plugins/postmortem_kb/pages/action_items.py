"""`action-items/`: every follow-up of every postmortem; overdue first, by owner, priority, quarter."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..history import History
from ..measures import Completion, completion
from ..process import Closing, closing
from ..records import ActionItemRecord, Incident
from .process import RECENT_CLOSES, closing_summary
from .render import Link, Renderer, web_url


def action_items_markdown() -> str:
    return """---
title: Action items
search:
  exclude: true
---

# Action items

Every action item of every postmortem. Overdue means open and due before the date below
(`SOURCE_DATE_EPOCH` when set, so a build can be reproduced).

<div data-pmkb-slot="action-items"></div>
"""


@dataclass(frozen=True)
class Row:
    incident: Incident
    item: ActionItemRecord
    overdue: bool
    states: list[str]  # what the Status filter matches: an overdue item is open too
    ticket_url: str | None
    closing: Closing  # close date from the repository's history, against the due date (process.py)


def action_items_html(
    incidents: Sequence[Incident], renderer: Renderer, link: Link, today: dt.date, history: History | None = None
) -> str:
    """`history` adds each item's close date and the "Closed on time" section (closing.html)."""
    rows = sorted((_row(i, a, today, history) for i in incidents for a in i.action_items), key=_urgency)
    items = [r.item for r in rows]
    return renderer.render(
        "action-items",
        link,
        today=today,
        rows=rows,
        total=completion(items, today),
        overdue=[r for r in rows if r.overdue],
        by_owner=_breakdown(items, lambda a: a.owner, today),
        by_priority=_breakdown(items, lambda a: a.priority, today),
        by_quarter=sorted(_groups(rows, lambda r: _quarter(r.incident.date), today).items()),
        owners=sorted({a.owner for a in items}),
        priorities=sorted({a.priority for a in items}),
        closing_summary=None if history is None else closing_summary(incidents, history),
        recent_closes=_recent_closes(rows),
    )


def _recent_closes(rows: Sequence[Row]) -> list[Row]:
    """The latest closes first (a list of every close would repeat the whole table)."""
    closed = [r for r in rows if r.closing.closed is not None]
    closed.sort(key=lambda r: (r.closing.closed or dt.date.min, r.incident.stem), reverse=True)
    return closed[:RECENT_CLOSES]


def _row(incident: Incident, item: ActionItemRecord, today: dt.date, history: History | None) -> Row:
    overdue = item.is_overdue(today)
    states = ["open", "overdue"] if overdue else ["open"] if item.is_open else ["closed"]
    closed = UNKNOWN if history is None else closing(incident, item, history)
    return Row(incident, item, overdue, states, web_url(item.ticket), closed)


UNKNOWN = Closing(None, None, None)


def _urgency(row: Row) -> tuple[int, str, dt.date, str]:
    """Open before closed, P1 before P2, oldest due date first."""
    return (0 if row.item.is_open else 1, row.item.priority, row.item.due or dt.date.max, row.incident.stem)


def _quarter(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _groups(rows: Sequence[Row], key: Callable[[Row], str], today: dt.date) -> dict[str, Completion]:
    groups: dict[str, list[ActionItemRecord]] = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row.item)
    return {name: completion(items, today) for name, items in groups.items()}


def _breakdown(
    items: Sequence[ActionItemRecord], key: Callable[[ActionItemRecord], str], today: dt.date
) -> list[tuple[str, Completion]]:
    groups: dict[str, list[ActionItemRecord]] = defaultdict(list)
    for item in items:
        groups[key(item)].append(item)
    stats = {name: completion(members, today) for name, members in groups.items()}
    return sorted(stats.items(), key=lambda kv: (-kv[1].overdue, kv[0]))
