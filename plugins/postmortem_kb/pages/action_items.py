"""`action-items/`: every follow-up of every postmortem, once, in one filterable, sortable table.

The items travel as JSON that kb.js turns into table rows a page at a time: 10,000 items as HTML
rows would make a page of megabytes that a phone lays out all at once. The columns are listed
once, in COLUMNS; a new column is a new entry there and a new field in `_fields`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..measures import Completion, completion
from ..records import ActionItemRecord, Incident
from .render import Link, Renderer, web_url


@dataclass(frozen=True)
class Column:
    key: str  # the row field it shows (see _fields)
    label: str
    sort: str | None = "text"  # "text", "number" or None (not sortable)
    # How kb.js shows the field: "text"; "due" (a date, marked when the row is overdue);
    # "ticket" (a link when ticket_url is set); "incident" (an index into the incidents list);
    # "list" (values joined by commas).
    kind: str = "text"


COLUMNS = (
    Column("action", "Action"),
    Column("owner", "Owner"),
    Column("priority", "Priority"),
    Column("due", "Due", kind="due"),
    Column("status", "Status"),
    Column("ticket", "Ticket", sort=None, kind="ticket"),
    Column("incident", "Incident", kind="incident"),
    Column("services", "Services", sort=None, kind="list"),
)

# Filters match a row's field exactly (a list field matches when it holds the value).
FILTERS = (
    ("state", "Status"),
    ("owner", "Owner"),
    ("priority", "Priority"),
    ("services", "Service"),
    ("quarter", "Quarter"),
)
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


@dataclass(frozen=True)
class Row:
    incident: Incident
    item: ActionItemRecord
    overdue: bool


def action_items_html(
    incidents: Sequence[Incident], renderer: Renderer, link: Link, today: dt.date, *, csv_uri: str | None = None
) -> str:
    rows = sorted((Row(i, a, a.is_overdue(today)) for i in incidents for a in i.action_items), key=_urgency)
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
        filters=_filter_choices(rows),
        data=table_data(rows, link),
        csv_uri=csv_uri,
    )


def table_data(rows: Sequence[Row], link: Link) -> dict[str, Any]:
    """What kb.js renders: the columns, the field names of each row (rows are lists, in that order,
    to keep 10,000 of them small), and each incident's title and link once."""
    index: dict[str, int] = {}
    incidents: list[list[str]] = []
    for row in rows:
        if row.incident.stem not in index:
            index[row.incident.stem] = len(incidents)
            incidents.append([row.incident.title, link(row.incident.src_uri)])
    names = list(_fields(rows[0], 0)) if rows else []
    return {
        "columns": [{"key": c.key, "label": c.label, "sort": c.sort, "kind": c.kind} for c in COLUMNS],
        "fields": names,
        "rows": [list(_fields(r, index[r.incident.stem]).values()) for r in rows],
        "incidents": incidents,
    }


def _fields(row: Row, incident: int) -> dict[str, Any]:
    item = row.item
    return {
        "action": item.action,
        "owner": item.owner,
        "priority": item.priority,
        "due": item.due.isoformat() if item.due else "",
        "overdue": row.overdue,
        "status": item.status,
        "state": [item.status, OVERDUE] if row.overdue else [item.status],
        "ticket": item.ticket or "",
        "ticket_url": web_url(item.ticket) or "",
        "incident": incident,
        "services": list(row.incident.services),
        "quarter": quarter(row.incident.date),
    }


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
