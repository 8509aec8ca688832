"""The summary card above each postmortem, and the draft banner."""

from __future__ import annotations

import datetime as dt

from ..records import PHASES, Incident, minutes
from ..settings import Settings
from .html import Link, duration, esc, number, service_uri, severity_badge, status_badge

_ROLE_LABELS = {
    "incident_commander": "Incident commander",
    "tech_lead": "Tech lead",
    "comms_lead": "Comms lead",
    "scribe": "Scribe",
}
_PHASE_SHORT = {"ttd": "TTD", "tta": "TTA", "ttdiag": "TTDiag", "ttf": "TTF"}


def summary_card(
    incident: Incident, settings: Settings, link: Link, today: dt.date, related: str = "", process: str = ""
) -> str:
    facts = [
        ("Services", ", ".join(f'<a href="{link(service_uri(settings, s))}">{esc(s)}</a>' for s in incident.services)),
        ("Root cause", ", ".join(f"<code>{esc(c)}</code>" for c in incident.root_causes)),
        ("Roles", _roles(incident)),
        ("Action items", _progress(incident, today)),
        ("Impact", _impact(incident)),
        ("Related", related),
        ("Postmortem", process),  # drafted / published times from history (pages/process.py)
    ]
    rows = "".join(f"<dt>{label}</dt><dd>{value}</dd>" for label, value in facts if value)
    return (
        f'<div class="pmkb-card" data-pmkb-card>'
        f'<div class="pmkb-card__head">{severity_badge(incident.severity, settings)} '
        f"{status_badge(incident.status)} "
        f'<span class="pmkb-card__date">{incident.date.isoformat()}</span> '
        f'<span class="pmkb-card__duration" title="Time to recovery: resolved - started">'
        f"Duration <strong>{duration(incident.duration)}</strong></span></div>"
        f"{phase_bar(incident)}"
        f'<dl class="pmkb-card__facts">{rows}</dl></div>'
    )


def phase_bar(incident: Incident) -> str:
    """TTD/TTA/TTDiag/TTF as one bar, widths proportional to time to recovery."""
    phases = incident.phases()
    total = minutes(incident.duration) or 0.0
    labels = {m: label for m, label, _s, _e in PHASES}
    short = dict(_PHASE_SHORT)
    if "diagnosed" not in incident.timeline:  # the handbook reports TTDiag and TTF together then
        labels["ttf"] = "Time to diagnose and fix"
        short["ttf"] = "TTDiag+TTF"
    segments, legend, texts = [], [], []
    for metric, delta in phases.items():
        if delta is None:
            continue
        share = 100 * (minutes(delta) or 0.0) / total if total else 0.0
        text = f"{short[metric]} {duration(delta)}"
        segments.append(
            f'<span class="pmkb-phase pmkb-phase--{metric}" style="width:{share:.1f}%" title="{labels[metric]}"></span>'
        )
        legend.append(f'<span class="pmkb-legend pmkb-legend--{metric}">{text}</span>')
        texts.append(text)
    return (
        f'<div class="pmkb-phases" role="img" aria-label="{", ".join(texts)}">{"".join(segments)}</div>'
        f'<div class="pmkb-phases__legend">{"".join(legend)}</div>'
    )


def _roles(incident: Incident) -> str:
    parts = [f"{_ROLE_LABELS.get(k, k)}: {esc(v)}" for k, v in incident.roles.items()]
    if incident.smes:
        parts.append("SMEs: " + ", ".join(esc(s) for s in incident.smes))
    return "; ".join(parts)


def _progress(incident: Incident, today: dt.date) -> str:
    items = incident.action_items
    if not items:
        return ""
    done = sum(1 for i in items if not i.is_open)
    overdue = len(incident.overdue_items(today))
    share = 100 * done / len(items)
    text = f"{done}/{len(items)} closed"
    if overdue:
        text += f' · <span class="pmkb-overdue">{overdue} overdue</span>'
    return (
        f'<span class="pmkb-progress" role="img" aria-label="{done} of {len(items)} closed">'
        f'<span style="width:{share:.0f}%"></span></span> {text}'
    )


def _impact(incident: Incident) -> str:
    parts = []
    if incident.users_affected is not None:
        parts.append(f"{number(incident.users_affected)} users")
    elif incident.users_unknown:
        parts.append("users affected unknown")
    if incident.support_tickets is not None:
        parts.append(f"{number(incident.support_tickets)} tickets")
    if incident.revenue_impact is not None:
        revenue = incident.revenue_impact
        parts.append(esc(revenue) if isinstance(revenue, str) else f"${number(revenue)} revenue")
    if incident.slo_impact:
        parts.append(esc(incident.slo_impact))
    if incident.engineer_hours is not None:
        parts.append(f"{number(incident.engineer_hours)} engineer hours")
    return " · ".join(parts)


def draft_banner() -> str:
    return (
        '<div class="admonition warning pmkb-draft"><p class="admonition-title">Draft</p>'
        "<p>This postmortem has not been reviewed yet; facts and action items may change.</p></div>"
    )
