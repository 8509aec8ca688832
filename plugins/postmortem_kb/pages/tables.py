"""Tables that kb.js draws from JSON: action-items/, incidents/ and each service's incidents and open
action items.

As HTML rows, 10,000 incidents or action items make a page of megabytes that a phone lays out at
once; as JSON rows (lists, in the order of `fields`) with each incident's title and link stored
once, the page stays small and kb.js draws 100 rows at a time, filters (exact matches) and sorts.
Each row set is one file of the site (ROW_FILES), fetched by kb.js from the same site: incidents/
and every service page share the incidents file, action-items/ and the service pages the action
items file (a service page shows the rows its `where` selects), so no row is sent twice. With
analytics on, the incidents rows file names exports/incidents.json as its rows (`rows_from`,
incidents.rows_from_export), so the site holds them once, in the export.
Each table lists its columns once; a new column is one `Column` and one field.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..records import Incident
from .render import Link

INCIDENT_ROWS = "assets/postmortem-kb/incidents.json"
ACTION_ITEM_ROWS = "assets/postmortem-kb/action-items.json"
ROW_FILES = (INCIDENT_ROWS, ACTION_ITEM_ROWS)


@dataclass(frozen=True)
class Column:
    key: str  # the row field it shows
    label: str
    sort: str | None = "text"  # "text", "number" or None (not sortable)
    # How kb.js shows the field: "text"; "due" (a date, marked when the row's `overdue` is true);
    # "ticket" (a link when `ticket_url` is set); "incident" (an index into the incidents list);
    # "list" (values joined by commas); "services" (links to service pages); "severity" and
    # "status" (badges, the severity coloured by the row's `severity_rank`).
    kind: str = "text"
    sort_by: str | None = None  # the field to sort on, when not the shown one


def table_data(
    columns: Sequence[Column],
    rows: Sequence[tuple[Incident, Mapping[str, Any]]],
    link: Link,
    service_uri: Callable[[str], str],
    per_incident: Sequence[str] = (),
) -> dict[str, Any]:
    """kb.js's input: columns, field names, rows as lists, incidents as [title, link, *per_incident
    values] and service links. `rows` pairs each row's incident with its fields (the same names, in
    the same order, for every row); the `per_incident` fields are the incident's own (an action
    item's services and quarter), so they are stored once with it, not on each of its rows.
    `link` gives hrefs relative to the rows file; kb.js resolves them against the file's URL."""
    index: dict[str, int] = {}
    incidents: list[list[Any]] = []
    services: dict[str, str] = {}
    out: list[list[Any]] = []
    for incident, fields in rows:
        if incident.stem not in index:
            index[incident.stem] = len(incidents)
            incidents.append([incident.title, link(incident.src_uri), *(fields[name] for name in per_incident)])
        for slug in incident.services:
            if slug not in services:
                services[slug] = link(service_uri(slug))
        kept = [(name, v) for name, v in fields.items() if name not in per_incident]
        out.append([index[incident.stem] if name == "incident" else v for name, v in kept])
    return {
        "columns": [
            {"key": c.key, "label": c.label, "sort": c.sort, "kind": c.kind, "sort_by": c.sort_by} for c in columns
        ],
        "fields": [name for name in rows[0][1] if name not in per_incident] if rows else [],
        "rows": out,
        "incidents": incidents,
        "incident_fields": list(per_incident),
        "services": services,
    }


def rows_json(data: Mapping[str, Any]) -> str:
    """A rows file's text: compact JSON (served as a file, so nothing needs escaping for HTML)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
