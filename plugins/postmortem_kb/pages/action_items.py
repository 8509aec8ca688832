"""`action-items/`: every follow-up of every postmortem, once, in one filterable, sortable table
(drawn by kb.js from the action items rows file: see tables.py). A new column is a new entry in
COLUMNS and a new field in `_fields`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..history import History
from ..measures import Completion, completion
from ..process import Closing, closing
from ..records import ActionItemRecord, Incident
from .process import RECENT_CLOSES, closing_summary
from .render import Link, Renderer, web_url
from .tables import ACTION_ITEM_ROWS, Column, table_data

COLUMNS = (
    Column("action", "Action"),
    Column("owner", "Owner"),
    Column("priority", "Priority"),
    Column("due", "Due", kind="due"),
    Column("status", "Status"),
    Column("closed", "Closed"),  # from the repository's history (process.py); empty when unknown
    Column("ticket", "Ticket", sort=None, kind="ticket"),
    Column("incident", "Incident", kind="incident"),
    Column("services", "Services", sort=None, kind="services"),
)

# Filters match a row's field exactly (a list field matches when it holds the value).
FILTERS = (
    ("state", "Status"),
    ("owner", "Owner"),
    ("priority", "Priority"),
    ("services", "Service"),
    ("quarter", "Quarter"),
)
# The Status filter's field, `state`, is not in the rows file: kb.js makes it from `status` and
# `overdue` (the status, and OVERDUE when overdue), one list fewer on each of 10,000s of rows.
PER_INCIDENT = ("services", "quarter")  # an item's are its incident's: stored once with the incident
TOP_OWNERS = 10  # owners with the most overdue items, in the summary above the table
OVERDUE = "Overdue"  # a Status filter choice: open items past their due date


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


UNKNOWN = Closing(None, None, None)


@dataclass(frozen=True)
class Row:
    incident: Incident
    item: ActionItemRecord
    overdue: bool

    closing: Closing = UNKNOWN  # close date from the repository's history, against the due date (process.py)


def action_rows(incidents: Sequence[Incident], today: dt.date, history: History | None = None) -> list[Row]:
    """Every action item, most urgent first; `history` adds each row's close date."""
    return sorted((_row(i, a, today, history) for i in incidents for a in i.action_items), key=_urgency)


def action_item_rows(rows: Sequence[Row], renderer: Renderer, link: Link) -> dict[str, Any]:
    """The action items rows file (tables.py)."""
    return table_data(COLUMNS, [(r.incident, _fields(r)) for r in rows], link, renderer.service_uri, PER_INCIDENT)


def action_items_html(
    incidents: Sequence[Incident],
    rows: Sequence[Row],
    renderer: Renderer,
    link: Link,
    today: dt.date,
    *,
    csv_uri: str | None = None,
    history: History | None = None,
) -> str:
    """`history` adds the "Closed on time" section (closing.html); the rows come with their close dates."""
    items = [r.item for r in rows]
    owners = [(name, c) for name, c in _breakdown(items, lambda a: a.owner, today) if c.overdue]
    return renderer.render(
        "action-items",
        link,
        today=today,
        rows=len(rows),
        total=completion(items, today),
        by_owner=owners[:TOP_OWNERS],
        more_owners=max(0, len(owners) - TOP_OWNERS),
        by_priority=_breakdown(items, lambda a: a.priority, today),
        closing_summary=None if history is None else closing_summary(incidents, history),
        recent_closes=_recent_closes(rows),
        filters=_filter_choices(rows),
        rows_uri=ACTION_ITEM_ROWS,
        csv_uri=csv_uri,
    )


def open_items(incidents: Sequence[Incident]) -> int:
    """How many open action items `incidents` have (a service page shows them from the rows file)."""
    return sum(a.is_open for i in incidents for a in i.action_items)


def _fields(row: Row) -> dict[str, Any]:
    item = row.item
    return {
        "action": item.action,
        "owner": item.owner,
        "priority": item.priority,
        "due": item.due.isoformat() if item.due else "",
        "overdue": row.overdue,
        "status": item.status,
        "open": item.is_open,  # a service page shows only its open items
        "closed": _closed(row.closing),
        "ticket": item.ticket or "",
        "ticket_url": web_url(item.ticket) or "",
        "incident": row.incident.stem,  # table_data turns it into an index
        "services": list(row.incident.services),
        "quarter": quarter(row.incident.date),
    }


def _closed(c: Closing) -> str:
    if c.closed is None:
        return ""
    if c.on_time is None:
        return c.closed.isoformat()
    late = "on time" if c.on_time else f"{c.days_late} day{'' if c.days_late == 1 else 's'} late"
    return f"{c.closed.isoformat()} ({late})"


def _filter_choices(rows: Sequence[Row]) -> list[tuple[str, str, list[str]]]:
    statuses = sorted({r.item.status for r in rows})
    values = {
        "state": ([OVERDUE] if any(r.overdue for r in rows) else []) + statuses,
        "owner": sorted({r.item.owner for r in rows}),
        "priority": sorted({r.item.priority for r in rows}),
        "services": sorted({s for r in rows for s in r.incident.services}),
        "quarter": sorted({quarter(r.incident.date) for r in rows}, reverse=True),
    }
    return [(key, label, values[key]) for key, label in FILTERS]


def _recent_closes(rows: Sequence[Row]) -> list[Row]:
    """The latest closes first (a list of every close would repeat the whole table)."""
    closed = [r for r in rows if r.closing.closed is not None]
    closed.sort(key=lambda r: (r.closing.closed or dt.date.min, r.incident.stem), reverse=True)
    return closed[:RECENT_CLOSES]


def _row(incident: Incident, item: ActionItemRecord, today: dt.date, history: History | None) -> Row:
    closed = UNKNOWN if history is None else closing(incident, item, history)
    return Row(incident, item, item.is_overdue(today), closed)


def _urgency(row: Row) -> tuple[int, str, dt.date, str]:
    """Open before closed, P1 before P2, oldest due date first."""
    return (0 if row.item.is_open else 1, row.item.priority, row.item.due or dt.date.max, row.incident.stem)


def quarter(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _breakdown(
    items: Sequence[ActionItemRecord], key: Callable[[ActionItemRecord], str], today: dt.date
) -> list[tuple[str, Completion]]:
    groups: dict[str, list[ActionItemRecord]] = defaultdict(list)
    for item in items:
        groups[key(item)].append(item)
    stats = {name: completion(members, today) for name, members in groups.items()}
    return sorted(stats.items(), key=lambda kv: (-kv[1].overdue, kv[0]))
