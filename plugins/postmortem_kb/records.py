"""Typed incident records built from valid postmortems (no MkDocs).

Pages, the analytics layer and notebooks read these, never raw front matter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from . import measures
from .model import FrontMatter
from .parsing import ParsedFile
from .parsing.action_table import find_action_table
from .rules.action_items import parse_date
from .settings import stem_of

PHASES: tuple[tuple[str, str, str, str], ...] = (
    # (metric, label, from, to)
    ("ttd", "Time to detect", "started", "detected"),
    ("tta", "Time to acknowledge", "detected", "acknowledged"),
    ("ttdiag", "Time to diagnose", "acknowledged", "diagnosed"),
    ("ttf", "Time to fix", "diagnosed", "resolved"),
)


def minutes(delta: dt.timedelta | None) -> float | None:
    return None if delta is None else delta.total_seconds() / 60


@dataclass(frozen=True)
class ActionItemRecord:
    id: str
    action: str
    owner: str
    priority: str
    due: dt.date | None
    status: str
    ticket: str | None = None

    @property
    def is_open(self) -> bool:
        return measures.is_open(self)

    def is_overdue(self, today: dt.date) -> bool:
        return measures.is_overdue(self, today)


@dataclass(frozen=True)
class Incident:
    stem: str  # file name without .md: the id used by `related`
    src_uri: str  # path under docs_dir, with forward slashes
    title: str
    date: dt.date
    severity: str
    status: str
    authors: tuple[str, ...]
    services: tuple[str, ...]
    tags: tuple[str, ...]
    root_causes: tuple[str, ...]
    detection: str | None
    timeline: dict[str, dt.datetime]
    users_affected: int | None = None  # None when not stated or "unknown"
    users_unknown: bool = False
    revenue_impact: str | float | None = None
    slo_impact: str | None = None
    support_tickets: int | None = None
    engineer_hours: float | None = None
    roles: dict[str, str] = field(default_factory=dict)
    smes: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    action_items: tuple[ActionItemRecord, ...] = ()
    # Prose of the Root Cause Analysis section (what happened, contributing factors, 5 whys):
    # the text that similar-incident detection compares.
    rca_text: str = ""

    def phase(self, start: str, end: str) -> dt.timedelta | None:
        a, b = self.timeline.get(start), self.timeline.get(end)
        return b - a if a is not None and b is not None else None

    @property
    def duration(self) -> dt.timedelta:
        """Time to recovery: resolved - started."""
        return self.timeline["resolved"] - self.timeline["started"]

    def phases(self) -> dict[str, dt.timedelta | None]:
        """TTD, TTA, TTDiag, TTF; without `diagnosed` TTDiag is None and TTF spans acknowledged -> resolved."""
        out = {metric: self.phase(start, end) for metric, _label, start, end in PHASES}
        if "diagnosed" not in self.timeline:
            out["ttf"] = self.phase("acknowledged", "resolved")
        return out

    def overdue_items(self, today: dt.date) -> list[ActionItemRecord]:
        return [item for item in self.action_items if item.is_overdue(today)]


def incident_from(doc: ParsedFile, fm: FrontMatter, src_uri: str) -> Incident:
    """The record of a postmortem whose front matter validated as `fm`."""
    impact = fm.impact
    roles = fm.roles
    # the models' fields and extra keys as they are (iterating a model is model_dump without its copies)
    timeline = {k: v for k, v in fm.timeline if isinstance(v, dt.datetime)}
    users = impact.users_affected if impact else None
    return Incident(
        stem=stem_of(src_uri),
        src_uri=src_uri,
        title=fm.title,
        date=fm.date,
        severity=fm.severity,
        status=fm.status,
        authors=tuple(fm.authors),
        services=tuple(fm.services),
        tags=tuple(fm.tags or ()),
        root_causes=tuple(fm.root_causes),
        detection=fm.detection,
        timeline=timeline,
        users_affected=users if isinstance(users, int) else None,
        users_unknown=users == "unknown",
        revenue_impact=impact.revenue_impact if impact else None,
        slo_impact=impact.slo_impact if impact else None,
        support_tickets=impact.support_tickets if impact else None,
        engineer_hours=impact.engineer_hours if impact else None,
        roles={k: v for k, v in roles if k != "smes" and v is not None} if roles else {},
        smes=tuple(roles.smes or ()) if roles else (),
        related=tuple(fm.related or ()),
        action_items=_action_items(fm, doc),
        rca_text=_rca_text(doc),
    )


def _rca_text(doc: ParsedFile) -> str:
    section = doc.body.section("Root Cause Analysis")
    if section is None:
        return ""
    parts = [section, *section.children]
    return "\n".join(line.text for part in parts for line in part.lines if not line.in_code)


def _action_items(fm: FrontMatter, doc: ParsedFile) -> tuple[ActionItemRecord, ...]:
    if fm.action_items:
        return tuple(
            ActionItemRecord(str(a.id), a.action, a.owner, a.priority, a.due, a.status, a.ticket)
            for a in fm.action_items
        )
    table = find_action_table(doc.body)
    if table is None:
        return ()
    return tuple(
        ActionItemRecord(
            row.fields.get("id", ""),
            row.fields.get("action", ""),
            row.fields.get("owner", ""),
            row.fields.get("priority", ""),
            parse_date(row.fields.get("due", "")),
            row.fields.get("status", ""),
            row.fields.get("ticket") or None,
        )
        for row in table.items
    )


def shown(incidents: Iterable[Incident], drafts: str) -> list[Incident]:
    """The incidents the site and `pmkb stats` count: Drafts are left out under `drafts: hide`."""
    return [i for i in incidents if drafts != "hide" or i.status != "Draft"]
