"""Incidents and action items as pandas DataFrames (one row per postmortem / per item)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from pathlib import Path

import pandas as pd
from postmortem_kb.check import find_postmortems
from postmortem_kb.corpus import load_entry, read_regular
from postmortem_kb.history import History
from postmortem_kb.pages.render import duration
from postmortem_kb.periods import month, quarter, start_day
from postmortem_kb.process import closing, hours_to_draft, hours_to_published
from postmortem_kb.records import Incident, minutes
from postmortem_kb.relations import relations_for, repeat_groups, repeat_stems
from postmortem_kb.settings import Settings

TIMESTAMPS = ("started", "detected", "acknowledged", "diagnosed", "mitigated", "resolved")
# Durations in minutes, as Incident.phases() defines them (TTF without `diagnosed` spans
# acknowledged -> resolved) and ttr = time to recovery (resolved - started).
DURATIONS = ("ttd_min", "tta_min", "ttdiag_min", "ttf_min", "ttr_min")
# Counts are whole numbers: pandas' nullable Int64 keeps them integers in CSV and JSON, and
# "not recorded" (<NA>, then null / an empty cell) apart from 0.
COUNTS = ("users_affected", "support_tickets", "action_items", "action_items_done")
AMOUNTS = ("revenue_usd", "engineer_hours")
INCIDENT_COLUMNS = (
    "stem",
    "title",
    "date",
    "month",
    "quarter",
    "year",
    "severity",
    "status",
    "services",
    "root_causes",
    "detection",
    *TIMESTAMPS,
    *DURATIONS,
    "users_affected",
    "users_unknown",
    "support_tickets",
    "revenue_usd",
    "revenue_text",
    "slo_impact",
    "engineer_hours",
    "action_items",
    "action_items_done",
    "repeat",
    "hours_to_draft",  # from the repository's history (postmortem_kb.process); empty without it
    "hours_to_published",
    "ttr_text",  # time to recovery as the site writes it ("1 h 47 min")
    "url",  # the postmortem's page, relative to the site's root; filled by the site's export only
)
ACTION_ITEM_COLUMNS = (
    "incident",
    "incident_date",
    "severity",
    "services",
    "id",
    "action",
    "owner",
    "priority",
    "due",
    "status",
    "ticket",
    "is_open",
    "is_overdue",
    "closed",  # commit date of its first Done / Won't Do, from the repository's history
    "closed_on_time",
)


def load_incidents(folder: str | Path, settings: Settings | None = None) -> list[Incident]:
    """Every valid postmortem under a folder, as records (invalid files are skipped)."""
    settings = settings or Settings()
    root = Path(folder)
    out = []
    for path in find_postmortems(root, settings):
        try:
            data = read_regular(path)  # a FIFO named like a postmortem would block a plain read
        except OSError:
            continue
        entry = load_entry(path.relative_to(root).as_posix(), str(path), data, settings)
        if entry.incident is not None:
            out.append(entry.incident)
    return out


NO_HISTORY = History()


def incidents_frame(
    incidents: Sequence[Incident],
    settings: Settings | None = None,
    repeats: Collection[str] | None = None,
    history: History = NO_HISTORY,
) -> pd.DataFrame:
    """One row per incident. `repeat` marks the incidents that repeat an earlier one, as
    relations.is_repeat defines it; pass `repeats` when the relations are already known.
    Month, quarter and year are those of the day `timeline.started` falls on in the
    `time_zone` setting (periods.py), not of the hand-written `date`."""
    settings = settings or Settings()
    if repeats is None:
        repeats = default_repeats(incidents, settings)
    rows = [_incident_row(i, i.stem in repeats, settings.time_zone) for i in incidents]
    frame = pd.DataFrame(rows, columns=list(INCIDENT_COLUMNS))
    for column in TIMESTAMPS:
        frame[column] = pd.to_datetime(frame[column], utc=True)
    frame["date"] = pd.to_datetime(frame["date"])
    for column in (*DURATIONS, *AMOUNTS):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    for column in COUNTS:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Int64")
    frame.attrs["time_zone"] = settings.time_zone
    frame = frame.sort_values(["date", "stem"]).reset_index(drop=True)
    return with_process(frame, incidents, history)


def with_process(frame: pd.DataFrame, incidents: Sequence[Incident], history: History) -> pd.DataFrame:
    """The incidents frame with `hours_to_draft` and `hours_to_published` from `history`: the site
    builds its frames first and fills these once the history pass (run beside the build) is read."""
    hours = {i.stem: (hours_to_draft(i, history), hours_to_published(i, history)) for i in incidents}
    out = frame.copy()
    for index, column in enumerate(("hours_to_draft", "hours_to_published")):
        values = [hours[stem][index] if stem in hours else None for stem in out["stem"]]
        out[column] = pd.Series(values, index=out.index, dtype="float64")
    return out


def default_repeats(incidents: Sequence[Incident], settings: Settings) -> set[str]:
    return repeat_stems(repeat_groups(incidents, relations_for(incidents, settings)))


def _incident_row(incident: Incident, repeat: bool, time_zone: str) -> dict[str, object]:
    t = incident.timeline
    phases = incident.phases()
    durations = {f"{metric}_min": minutes(delta) for metric, delta in phases.items()}
    durations["ttr_min"] = minutes(incident.duration)
    revenue = incident.revenue_impact
    day = start_day(incident, time_zone)
    return {
        "stem": incident.stem,
        "title": incident.title,
        "date": incident.date,
        "month": month(day),
        "quarter": quarter(day),
        "year": day.year,
        "severity": incident.severity,
        "status": incident.status,
        "services": list(incident.services),
        "root_causes": list(incident.root_causes),
        "detection": incident.detection,
        **{name: t.get(name) for name in TIMESTAMPS},
        **durations,
        "users_affected": incident.users_affected,
        "users_unknown": incident.users_unknown,
        "support_tickets": incident.support_tickets,
        "revenue_usd": revenue if isinstance(revenue, (int, float)) else None,
        "revenue_text": revenue if isinstance(revenue, str) else None,
        "slo_impact": incident.slo_impact,
        "engineer_hours": incident.engineer_hours,
        "action_items": len(incident.action_items),
        "action_items_done": sum(1 for a in incident.action_items if a.status == "Done"),
        "repeat": repeat,
        "hours_to_draft": None,  # with_process fills both
        "hours_to_published": None,
        "ttr_text": duration(incident.duration),
        "url": None,
    }


def action_items_frame(
    incidents: Sequence[Incident], today: dt.date, time_zone: str = "UTC", history: History = NO_HISTORY
) -> pd.DataFrame:
    """One row per action item; `quarter` (not exported) is its incident's quarter, as in incidents_frame."""
    rows = [
        {
            "incident": incident.stem,
            "incident_date": incident.date,
            "quarter": quarter(start_day(incident, time_zone)),
            "severity": incident.severity,
            "services": list(incident.services),
            "id": item.id,
            "action": item.action,
            "owner": item.owner,
            "priority": item.priority,
            "due": item.due,
            "status": item.status,
            "ticket": item.ticket,
            "is_open": item.is_open,
            "is_overdue": item.is_overdue(today),
            "closed": None,  # with_closing fills both
            "closed_on_time": None,
        }
        for incident in incidents
        for item in incident.action_items
    ]
    frame = pd.DataFrame(rows, columns=[*ACTION_ITEM_COLUMNS, "quarter"])
    frame["incident_date"] = pd.to_datetime(frame["incident_date"])
    frame["due"] = pd.to_datetime(frame["due"])
    frame = frame.sort_values(["incident_date", "incident", "id"]).reset_index(drop=True)
    return with_closing(frame, incidents, history)


def with_closing(items: pd.DataFrame, incidents: Sequence[Incident], history: History) -> pd.DataFrame:
    """The action-items frame with `closed` and `closed_on_time` from `history` (see with_process)."""
    found = {(i.stem, a.id): closing(i, a, history) for i in incidents for a in i.action_items}
    close = [found.get((stem, item)) for stem, item in zip(items["incident"], items["id"], strict=True)]
    out = items.copy()
    out["closed"] = pd.to_datetime(pd.Series([c.closed if c else None for c in close], index=out.index, dtype=object))
    # True / False / None: unknown stays unknown
    out["closed_on_time"] = pd.Series([c.on_time if c else None for c in close], index=out.index, dtype=object)
    return out
