"""`incidents/`: every postmortem in one table, filterable and sortable in the browser (drawn by
kb.js from the incidents rows file: see tables.py); each service page shows its incidents the same way."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..records import Incident
from ..settings import Settings
from .render import Link, Renderer, duration
from .tables import INCIDENT_ROWS, Column, table_data

COLUMNS = (
    Column("date", "Date"),
    Column("incident", "Title", kind="incident"),
    Column("severity", "Severity", kind="severity", sort="number", sort_by="severity_rank"),
    Column("services", "Services", sort=None, kind="services"),
    Column("duration", "Duration", sort="number", sort_by="duration_min"),
    Column("status", "Status", kind="status"),
)


def incidents_markdown(settings: Settings) -> str:
    pages = settings.pages
    # Out of search: the table repeats what each postmortem page already makes searchable.
    return f"""---
title: Incidents
search:
  exclude: true
---

# Incidents

Every postmortem in the knowledge base, newest first. Find words, or filter by severity, service,
root cause or year; click a column heading to sort. See also: [services]({pages.services}/index.md),
[severity levels]({pages.handbook}/severities.md), [incident response]({pages.handbook}/response.md),
[postmortem template]({pages.handbook}/template.md), [blameless postmortems]({pages.handbook}/blameless.md),
[action items]({pages.action_items}/index.md), [repeat causes]({pages.repeat_causes}/index.md).

<div data-pmkb-slot="incidents"></div>
"""


def incidents_rows(incidents: Sequence[Incident], renderer: Renderer, link: Link) -> dict[str, Any]:
    """The incidents rows file (tables.py): every incident the site shows, in the site's order."""
    return table_data(COLUMNS, [(i, _fields(i, renderer)) for i in incidents], link, renderer.service_uri)


# The incidents table's fields by their names in exports/incidents.json (the others are the same).
FROM_EXPORT = {"root_causes": "cause", "ttr_min": "duration_min", "ttr_text": "duration", "year": "started_year"}


def rows_from_export(incidents: Sequence[Incident], renderer: Renderer, link: Link, export_uri: str) -> dict[str, Any]:
    """The incidents rows file when the site has exports/incidents.json: how to show that file's rows
    (the same columns and filters as incidents_rows), not the rows again. kb.js reads the export (its
    rows oldest first, the table's newest first), renames its fields by `rename`, adds `year` (of the
    date shown, like the filter's choices), `severity_rank` from `severity_ranks` and each row's
    incident from its `title` and `url` (relative to the site's root, `root` from the export)."""
    data = table_data(COLUMNS, [], link, renderer.service_uri)
    data.pop("rows")
    data["services"] = {s: link(renderer.service_uri(s)) for s in sorted({s for i in incidents for s in i.services})}
    data["rows_from"] = link(export_uri)
    data["root"] = "../" * export_uri.count("/")
    data["rename"] = FROM_EXPORT
    data["severity_ranks"] = {s: renderer.severity_rank(s) for s in sorted({i.severity for i in incidents})}
    return data


def incidents_table(
    incidents: Sequence[Incident], renderer: Renderer, link: Link, *, filters: bool = True,
    where: dict[str, Any] | None = None,
) -> str:  # fmt: skip
    """The table of `incidents`, drawn from the rows file; `where` selects their rows there (a service page)."""
    return renderer.render(
        "incidents",
        link,
        incidents=incidents,
        filters=_filters(incidents, renderer.settings) if filters else None,
        rows_uri=INCIDENT_ROWS,
        where=where,
    )


def _fields(incident: Incident, renderer: Renderer) -> dict[str, Any]:
    return {
        "date": incident.date.isoformat(),
        "incident": incident.stem,  # table_data turns it into an index
        "severity": incident.severity,
        "severity_rank": renderer.severity_rank(incident.severity),
        "services": list(incident.services),
        "duration": duration(incident.duration),
        "duration_min": round(incident.duration.total_seconds() / 60),
        "status": incident.status,
        "cause": list(incident.root_causes),
        "year": str(incident.date.year),
    }


def _filters(incidents: Sequence[Incident], settings: Settings) -> dict[str, list[str]]:
    severities = [s for s in settings.severity_names if any(i.severity == s for i in incidents)]
    severities += sorted({i.severity for i in incidents} - set(severities))
    return {
        "severities": severities,
        "services": sorted({s for i in incidents for s in i.services}),
        "causes": sorted({c for i in incidents for c in i.root_causes}),
        "years": [str(y) for y in sorted({i.date.year for i in incidents}, reverse=True)],
    }
