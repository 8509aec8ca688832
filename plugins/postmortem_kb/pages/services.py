"""`services/<slug>/`: one page a service, and `services/` listing them all."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from ..records import Incident
from ..settings import Settings
from .html import Link, duration, esc, number, service_uri
from .incidents import incidents_table


def by_service(incidents: Sequence[Incident]) -> dict[str, list[Incident]]:
    out: dict[str, list[Incident]] = defaultdict(list)
    for incident in incidents:
        for service in incident.services:
            out[service].append(incident)
    return dict(sorted(out.items()))


def service_markdown(slug: str) -> str:
    return (
        f'---\ntitle: "Service: {slug}"\nsearch:\n  exclude: true\n---\n\n# Service: {slug}\n\n'
        f'<div data-pmkb-slot="service" data-service="{slug}"></div>\n'
    )


SERVICES_MARKDOWN = """---
title: Services
search:
  exclude: true
---

# Services

Every service named in a postmortem, with its incidents and open follow-ups.

<div data-pmkb-slot="services"></div>
"""


def services_index(groups: dict[str, list[Incident]], settings: Settings, link: Link, today: dt.date) -> str:
    rows = []
    for slug, incidents in groups.items():
        open_items = sum(1 for i in incidents for a in i.action_items if a.is_open)
        overdue = sum(len(i.overdue_items(today)) for i in incidents)
        total = sum((i.duration for i in incidents), dt.timedelta())
        rows.append(
            f'<tr><td><a href="{link(service_uri(settings, slug))}">{esc(slug)}</a></td>'
            f'<td data-value="{len(incidents)}">{len(incidents)}</td>'
            f"<td>{incidents[0].date.isoformat()}</td>"
            f'<td data-value="{total.total_seconds() / 60:.0f}">{duration(total)}</td>'
            f"<td>{open_items}</td><td>{overdue}</td></tr>"
        )
    return (
        '<table class="pmkb-table" data-pmkb-table><thead><tr><th data-sort="text">Service</th>'
        '<th data-sort="number">Incidents</th><th data-sort="text">Latest</th>'
        '<th data-sort="number">Time in incident</th><th>Open action items</th><th>Overdue</th>'
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def service_page(
    slug: str, incidents: Sequence[Incident], settings: Settings, link: Link, today: dt.date, charts: str = ""
) -> str:
    total = sum((i.duration for i in incidents), dt.timedelta())
    hours = sum(i.engineer_hours or 0 for i in incidents)
    summary = (
        f'<p class="pmkb-summary"><strong>{len(incidents)}</strong> incidents · '
        f"<strong>{duration(total)}</strong> in incident · "
        f"<strong>{number(hours)}</strong> engineer hours</p>"
    )
    return (
        summary
        + charts
        + '<h2 id="incidents">Incidents</h2>'
        + incidents_table(incidents, settings, link, filters=False)
        + '<h2 id="open-action-items">Open action items</h2>'
        + open_items_table(incidents, link, today)
    )


def open_items_table(incidents: Sequence[Incident], link: Link, today: dt.date) -> str:
    rows = []
    for incident in incidents:
        for item in incident.action_items:
            if not item.is_open:
                continue
            overdue = ' <span class="pmkb-overdue">overdue</span>' if item.is_overdue(today) else ""
            rows.append(
                f"<tr><td>{esc(item.action)}</td><td>{esc(item.owner)}</td><td>{esc(item.priority)}</td>"
                f'<td class="pmkb-date">{item.due.isoformat() if item.due else "–"}{overdue}</td>'
                f"<td>{esc(item.status)}</td>"
                f'<td><a href="{link(incident.src_uri)}">{esc(incident.title)}</a></td></tr>'
            )
    if not rows:
        return '<p class="pmkb-empty">No open action items.</p>'
    return (
        '<table class="pmkb-table"><thead><tr><th>Action</th><th>Owner</th><th>Priority</th><th>Due</th>'
        f"<th>Status</th><th>Incident</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
