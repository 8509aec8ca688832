"""`services/<slug>/`: one page a service, and `services/` listing them all."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from ..measures import Completion, completion
from ..records import Incident
from .action_items import open_items
from .incidents import incidents_table
from .render import Link, Renderer
from .tables import ACTION_ITEM_ROWS


def by_service(incidents: Sequence[Incident]) -> dict[str, list[Incident]]:
    out: dict[str, list[Incident]] = defaultdict(list)
    for incident in incidents:
        for service in incident.services:
            out[service].append(incident)
    return dict(sorted(out.items()))


def service_markdown(slug: str) -> str:
    # slug is a validated service slug (lowercase letters, digits, dashes): safe in YAML and Markdown
    return (
        f'---\ntitle: "Service: {slug}"\nsearch:\n  exclude: true\n---\n\n# Service: {slug}\n\n'
        f'<div data-pmkb-slot="service" data-arg="{slug}"></div>\n'
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


@dataclass(frozen=True)
class ServiceRow:
    slug: str
    count: int
    latest: dt.date
    total: dt.timedelta
    items: Completion


def _total(incidents: Sequence[Incident]) -> dt.timedelta:
    return sum((i.duration for i in incidents), dt.timedelta())


def services_index(groups: dict[str, list[Incident]], renderer: Renderer, link: Link, today: dt.date) -> str:
    rows = [
        ServiceRow(
            slug,
            len(incidents),
            incidents[0].date,
            _total(incidents),
            completion([a for i in incidents for a in i.action_items], today),
        )
        for slug, incidents in groups.items()
    ]
    return renderer.render("services", link, rows=rows)


@dataclass(frozen=True)
class Covered:
    value: float
    count: int  # incidents that record the figure


def service_page(
    slug: str, incidents: Sequence[Incident], renderer: Renderer, link: Link, *, analytics: bool,
    charts: object = None,
) -> str:  # fmt: skip
    hours = [i.engineer_hours for i in incidents if i.engineer_hours is not None]
    mine = {"services": slug}  # the rows of this service in the shared rows files (tables.py)
    return renderer.render(
        "service",
        link,
        incidents=incidents,
        total=_total(incidents),
        hours=Covered(sum(hours), len(hours)),
        analytics=analytics,
        charts=charts,
        incidents_table=incidents_table(incidents, renderer, link, filters=False, where=mine),
        open_items=open_items(incidents),
        rows_uri=ACTION_ITEM_ROWS,
        where={**mine, "open": True},
    )
