"""`action-items/`: every follow-up of every postmortem; overdue first, by owner, priority, quarter."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence

from ..records import ActionItemRecord, Incident
from ..settings import Settings
from .html import Link, esc, filter_select


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


Pair = tuple[Incident, ActionItemRecord]


def action_items_html(incidents: Sequence[Incident], settings: Settings, link: Link, today: dt.date) -> str:
    pairs: list[Pair] = [(i, a) for i in incidents for a in i.action_items]
    if not pairs:
        return '<p class="pmkb-empty">No action items yet.</p>'
    open_items = [p for p in pairs if p[1].is_open]
    overdue = sorted((p for p in open_items if p[1].is_overdue(today)), key=_urgency)
    done = sum(1 for _i, a in pairs if a.status == "Done")
    actionable = sum(1 for _i, a in pairs if a.status != "Won't Do")
    summary = (
        f'<p class="pmkb-summary">As of <strong>{today.isoformat()}</strong>: '
        f"<strong>{len(pairs)}</strong> action items · "
        f"<strong>{len(open_items)}</strong> open · "
        f'<strong class="pmkb-overdue">{len(overdue)}</strong> overdue · '
        f"<strong>{_pct(done, actionable)}</strong> done (of items not marked Won't Do)</p>"
    )
    return (
        summary
        + '<h2 id="overdue">Overdue, oldest P1 first</h2>'
        + (_table(overdue, link, today) if overdue else '<p class="pmkb-empty">Nothing overdue.</p>')
        + '<h2 id="by-owner">By owner</h2>'
        + _breakdown(pairs, lambda a: a.owner, "Owner", today)
        + '<h2 id="by-priority">By priority</h2>'
        + _breakdown(pairs, lambda a: a.priority, "Priority", today)
        + '<h2 id="by-quarter">By incident quarter</h2>'
        + _quarters(pairs, today)
        + '<h2 id="all">All action items</h2>'
        + _filters(pairs)
        + _table(sorted(pairs, key=_urgency), link, today, data=True)
    )


def _urgency(pair: Pair) -> tuple[int, str, dt.date, str]:
    """Open before closed, P1 before P2, oldest due date first."""
    incident, item = pair
    return (0 if item.is_open else 1, item.priority, item.due or dt.date.max, incident.stem)


def _state(item: ActionItemRecord, today: dt.date) -> str:
    return "overdue" if item.is_overdue(today) else ("open" if item.is_open else "closed")


def _table(pairs: Sequence[Pair], link: Link, today: dt.date, *, data: bool = False) -> str:
    rows = []
    for incident, item in pairs:
        state = _state(item, today)
        tokens = "open overdue" if state == "overdue" else state  # the "open" filter shows overdue items too
        attrs = (
            f' data-state="{tokens}" data-owner="{esc(item.owner)}" data-priority="{esc(item.priority)}"'
            if data
            else ""
        )
        due = item.due.isoformat() if item.due else "–"
        flag = ' <span class="pmkb-overdue">overdue</span>' if state == "overdue" else ""
        ticket = esc(item.ticket) if item.ticket else ""
        rows.append(
            f"<tr{attrs}><td>{esc(item.action)}</td><td>{esc(item.owner)}</td><td>{esc(item.priority)}</td>"
            f'<td class="pmkb-date">{due}{flag}</td><td>{esc(item.status)}</td><td>{ticket}</td>'
            f'<td><a href="{link(incident.src_uri)}">{esc(incident.title)}</a></td></tr>'
        )
    return (
        '<table class="pmkb-table" data-pmkb-table><thead><tr><th data-sort="text">Action</th>'
        '<th data-sort="text">Owner</th><th data-sort="text">Priority</th><th data-sort="text">Due</th>'
        '<th data-sort="text">Status</th><th>Ticket</th><th>Incident</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _breakdown(pairs: Sequence[Pair], key: object, label: str, today: dt.date) -> str:
    groups: dict[str, list[ActionItemRecord]] = defaultdict(list)
    for _incident, item in pairs:
        groups[key(item)].append(item)  # type: ignore[operator]
    rows = []
    for name, items in sorted(groups.items(), key=lambda kv: (-sum(i.is_overdue(today) for i in kv[1]), kv[0])):
        counts = Counter(_state(i, today) for i in items)
        done = sum(1 for i in items if i.status == "Done")
        actionable = sum(1 for i in items if i.status != "Won't Do")
        rows.append(
            f"<tr><td>{esc(name)}</td><td>{len(items)}</td><td>{counts['open'] + counts['overdue']}</td>"
            f"<td>{counts['overdue']}</td><td>{_pct(done, actionable)}</td></tr>"
        )
    return (
        f'<table class="pmkb-table" data-pmkb-table><thead><tr><th data-sort="text">{label}</th>'
        '<th data-sort="number">Items</th><th data-sort="number">Open</th><th data-sort="number">Overdue</th>'
        f"<th>Done</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _quarters(pairs: Sequence[Pair], today: dt.date) -> str:
    groups: dict[str, list[ActionItemRecord]] = defaultdict(list)
    for incident, item in pairs:
        groups[f"{incident.date.year}-Q{(incident.date.month - 1) // 3 + 1}"].append(item)
    rows = []
    for quarter, items in sorted(groups.items()):
        done = sum(1 for i in items if i.status == "Done")
        actionable = sum(1 for i in items if i.status != "Won't Do")
        overdue = sum(1 for i in items if i.is_overdue(today))
        rows.append(
            f"<tr><td>{quarter}</td><td>{len(items)}</td><td>{_pct(done, actionable)}</td><td>{overdue}</td></tr>"
        )
    return (
        '<table class="pmkb-table"><thead><tr><th>Quarter</th><th>Items</th><th>Done</th><th>Overdue now</th></tr>'
        f"</thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _filters(pairs: Sequence[Pair]) -> str:
    owners = sorted({a.owner for _i, a in pairs})
    priorities = sorted({a.priority for _i, a in pairs})
    return (
        '<form class="pmkb-filters" data-pmkb-filters data-noun="action items">'
        + filter_select("state", "Status", ["open", "overdue", "closed"])
        + filter_select("owner", "Owner", owners)
        + filter_select("priority", "Priority", priorities)
        + f"<output data-pmkb-count>{len(pairs)} action items</output></form>"
    )


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "–"
