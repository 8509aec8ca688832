"""`incidents/`: every postmortem in one table, filterable and sortable in the browser."""

from __future__ import annotations

from collections.abc import Sequence

from ..records import Incident, minutes
from ..settings import Settings
from .html import Link, duration, esc, filter_select, service_uri, severity_badge, severity_rank, status_badge


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


def incidents_table(incidents: Sequence[Incident], settings: Settings, link: Link, *, filters: bool = True) -> str:
    if not incidents:
        return '<p class="pmkb-empty">No postmortems yet.</p>'
    rows = "".join(_row(i, settings, link) for i in incidents)
    table = (
        '<table class="pmkb-table" data-pmkb-table><thead><tr>'
        '<th data-sort="text">Date</th><th data-sort="text">Title</th><th data-sort="number">Severity</th>'
        '<th>Services</th><th data-sort="number">Duration</th><th data-sort="text">Status</th>'
        f"</tr></thead><tbody>{rows}</tbody></table>"
    )
    return (_filters(incidents, settings) if filters else "") + table


def _row(incident: Incident, settings: Settings, link: Link) -> str:
    services = ", ".join(f'<a href="{link(service_uri(settings, s))}">{esc(s)}</a>' for s in incident.services)
    total = minutes(incident.duration) or 0
    return (
        f'<tr data-severity="{esc(incident.severity)}" data-service="{esc(" ".join(incident.services))}" '
        f'data-year="{incident.date.year}">'
        f'<td class="pmkb-date">{incident.date.isoformat()}</td>'
        f'<td><a href="{link(incident.src_uri)}">{esc(incident.title)}</a></td>'
        f'<td data-value="{severity_rank(incident.severity, settings)}">'
        f"{severity_badge(incident.severity, settings)}</td>"
        f"<td>{services}</td>"
        f'<td data-value="{total:.0f}">{duration(incident.duration)}</td>'
        f"<td>{status_badge(incident.status)}</td></tr>"
    )


def _filters(incidents: Sequence[Incident], settings: Settings) -> str:
    severities = [s for s in settings.severity_names if any(i.severity == s for i in incidents)]
    severities += sorted({i.severity for i in incidents} - set(severities))
    services = sorted({s for i in incidents for s in i.services})
    years = sorted({i.date.year for i in incidents}, reverse=True)
    return (
        '<form class="pmkb-filters" data-pmkb-filters data-noun="incidents">'
        f"{filter_select('severity', 'Severity', severities)}{filter_select('service', 'Service', services)}"
        f"{filter_select('year', 'Year', [str(y) for y in years])}"
        f"<output data-pmkb-count>{len(incidents)} incidents</output></form>"
    )
