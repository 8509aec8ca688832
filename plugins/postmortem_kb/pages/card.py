"""The summary card above each postmortem, with its draft and "recurred after a fix" banners."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from ..measures import completion
from ..records import PHASES, Incident, minutes
from ..relations import Relation, RepeatGroup, is_similar
from .process import CardProcess
from .render import Link, Renderer, duration, number

ROLE_LABELS = {
    "incident_commander": "Incident commander",
    "tech_lead": "Tech lead",
    "comms_lead": "Comms lead",
    "scribe": "Scribe",
}
_PHASE_SHORT = {"ttd": "TTD", "tta": "TTA", "ttdiag": "TTDiag", "ttf": "TTF"}
MAX_RELATED = 5  # on a card; a dense corpus can relate an incident to dozens


@dataclass(frozen=True)
class Phase:
    metric: str
    label: str
    share: float  # % of time to recovery
    text: str


@dataclass(frozen=True)
class RelatedIncident:
    incident: Incident
    reasons: list[str]
    similar_only: bool  # a learning link across services, not a repeat


def summary_card(
    incident: Incident,
    renderer: Renderer,
    link: Link,
    today: dt.date,
    relations: Sequence[Relation] = (),
    by_stem: dict[str, Incident] | None = None,
    group: RepeatGroup | None = None,
    process: CardProcess | None = None,
) -> str:
    """`process`: the drafted/published line from the repository's history (pages/process.py)."""
    related = related_incidents(incident, relations, by_stem or {})
    items = incident.action_items
    shown = phases(incident)
    return renderer.render(
        "card",
        link,
        incident=incident,
        phases=shown,
        phase_ends=phase_ends(shown),
        roles=roles(incident),
        progress=completion(items, today) if items else None,
        impact=impact(incident),
        related=related[:MAX_RELATED],
        related_more=max(0, len(related) - MAX_RELATED),
        recurred=recurred(incident, group),
        process=process,
    )


def phases(incident: Incident) -> list[Phase]:
    """TTD/TTA/TTDiag/TTF as shares of time to recovery; without `diagnosed` the handbook reports
    diagnosis and fix together."""
    total = minutes(incident.duration) or 0.0
    labels = {m: label for m, label, _s, _e in PHASES}
    short = dict(_PHASE_SHORT)
    if "diagnosed" not in incident.timeline:
        labels["ttf"] = "Time to diagnose and fix"
        short["ttf"] = "TTDiag+TTF"
    out = []
    for metric, delta in incident.phases().items():
        if delta is None:
            continue
        share = 100 * (minutes(delta) or 0.0) / total if total else 0.0
        out.append(Phase(metric, labels[metric], share, f"{short[metric]} {duration(delta)}"))
    return out


def phase_ends(shown: Sequence[Phase]) -> list[float]:
    """Where each of TTD, TTA, TTDiag and TTF ends along the bar (% of time to recovery): the phases
    shown, side by side from the left; one without a value takes no room. The bar is one gradient
    with these stops (kb.css), not an element per phase."""
    shares = {p.metric: p.share for p in shown}
    ends, end = [], 0.0
    for metric, *_rest in PHASES:
        end += shares.get(metric, 0.0)
        ends.append(round(end, 1))
    return ends


def roles(incident: Incident) -> list[tuple[str, str]]:
    out = [(ROLE_LABELS.get(k, k), v) for k, v in incident.roles.items()]
    if incident.smes:
        out.append(("SMEs", ", ".join(incident.smes)))
    return out


def impact(incident: Incident) -> list[str]:
    parts = []
    if incident.users_affected is not None:
        parts.append(f"{number(incident.users_affected)} users")
    elif incident.users_unknown:
        parts.append("users affected unknown")
    if incident.support_tickets is not None:
        parts.append(f"{number(incident.support_tickets)} tickets")
    revenue = incident.revenue_impact
    if revenue is not None:
        parts.append(revenue if isinstance(revenue, str) else f"${number(revenue)} revenue")
    if incident.slo_impact:
        parts.append(incident.slo_impact)
    if incident.engineer_hours is not None:
        parts.append(f"{number(incident.engineer_hours)} engineer hours")
    return parts


def related_incidents(
    incident: Incident, relations: Sequence[Relation], by_stem: dict[str, Incident]
) -> list[RelatedIncident]:
    """Each related incident once, newest first, with every reason."""
    reasons: dict[str, list[Relation]] = {}
    for rel in relations:
        other = rel.b if rel.a == incident.stem else rel.a
        if other in by_stem:
            reasons.setdefault(other, []).append(rel)
    newest = sorted(reasons, key=lambda stem: (by_stem[stem].date, stem), reverse=True)
    return [
        RelatedIncident(by_stem[s], [r.reason for r in reasons[s]], all(is_similar(r) for r in reasons[s]))
        for s in newest
    ]


@dataclass(frozen=True)
class Recurred:
    earlier: list[Incident]  # this incident repeats these, whose fixes were all done
    later: list[Incident]  # these repeated this one after its fixes were done


def recurred(incident: Incident, group: RepeatGroup | None) -> Recurred:
    if group is None or not group.after_fix:
        return Recurred([], [])
    by_stem = {x.stem: x for x in group.incidents}
    pairs = sorted(group.after_fix_pairs)
    return Recurred(
        [by_stem[a] for a, b in pairs if b == incident.stem], [by_stem[b] for a, b in pairs if a == incident.stem]
    )
