"""`incidents/`: every postmortem in one table, filterable and sortable in the browser."""

from __future__ import annotations

from collections.abc import Sequence

from ..records import Incident
from ..settings import Settings
from .render import Link, Renderer


def incidents_markdown(settings: Settings) -> str:
    pages = settings.pages
    # Out of search: the table repeats what each postmortem page already makes searchable.
    return f"""---
title: Incidents
search:
  exclude: true
---

# Incidents

Every postmortem in the knowledge base, newest first. Filter by severity, service or
year; click a column heading to sort. See also: [services]({pages.services}/index.md),
[severity levels]({pages.handbook}/severities.md), [incident response]({pages.handbook}/response.md),
[postmortem template]({pages.handbook}/template.md), [blameless postmortems]({pages.handbook}/blameless.md),
[action items]({pages.action_items}/index.md), [repeat causes]({pages.repeat_causes}/index.md).

<div data-pmkb-slot="incidents"></div>
"""


def incidents_table(incidents: Sequence[Incident], renderer: Renderer, link: Link, *, filters: bool = True) -> str:
    return renderer.render(
        "incidents", link, incidents=incidents, filters=_filters(incidents, renderer.settings) if filters else None
    )


def _filters(incidents: Sequence[Incident], settings: Settings) -> dict[str, list[str]]:
    severities = [s for s in settings.severity_names if any(i.severity == s for i in incidents)]
    severities += sorted({i.severity for i in incidents} - set(severities))
    return {
        "severities": severities,
        "services": sorted({s for i in incidents for s in i.services}),
        "years": [str(y) for y in sorted({i.date.year for i in incidents}, reverse=True)],
    }
