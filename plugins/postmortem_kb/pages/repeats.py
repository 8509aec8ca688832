"""`repeat-causes/`, and on each postmortem its related incidents and "recurred after a fix"."""

from __future__ import annotations

from collections.abc import Sequence

from ..records import Incident
from ..relations import Relation, RepeatGroup
from ..settings import Settings
from .html import Link, esc, severity_badge


def repeat_causes_markdown(settings: Settings) -> str:
    return f"""---
title: Repeat causes
search:
  exclude: true
---

# Repeat causes

Incidents that happened again: the same root-cause category on the same service within
{settings.repeat_window_days} days, or Root Cause Analysis text similar enough (TF-IDF cosine
of at least {settings.similarity_threshold:g}). **Recurred after a fix** marks an incident whose
earlier twin had every action item done, and due, before it started: the fixes did not cover it.

<div data-pmkb-slot="repeat-causes"></div>
"""


def repeat_causes_html(groups: Sequence[RepeatGroup], settings: Settings, link: Link) -> str:
    if not groups:
        return '<p class="pmkb-empty">No repeats found.</p>'
    ordered = sorted(groups, key=lambda g: (not g.after_fix, -len(g.incidents), -g.incidents[-1].date.toordinal()))
    after = sum(1 for g in groups if g.after_fix)
    parts = [
        f'<p class="pmkb-summary"><strong>{len(groups)}</strong> groups of repeats · '
        f'<strong class="pmkb-overdue">{after}</strong> recurred after a fix</p>'
    ]
    for number, group in enumerate(ordered, 1):
        causes = sorted({c for i in group.incidents for c in i.root_causes})
        services = sorted({s for i in group.incidents for s in i.services})
        badge = ' <span class="pmkb-recurred">Recurred after a fix</span>' if group.after_fix else ""
        parts.append(
            f'<h2 id="group-{number}">{esc(", ".join(causes))} on {esc(", ".join(services))}{badge}</h2>'
            f'<p class="pmkb-note">Why grouped: {esc("; ".join(group.reasons))}</p>'
            + _group_table(group, settings, link)
        )
    return "".join(parts)


def _group_table(group: RepeatGroup, settings: Settings, link: Link) -> str:
    rows = []
    gaps = [None, *group.gaps_days()]
    for incident, gap in zip(group.incidents, gaps, strict=True):
        flag = ' <span class="pmkb-recurred">after a fix</span>' if incident.stem in group.after_fix else ""
        rows.append(
            f'<tr><td class="pmkb-date">{incident.date.isoformat()}</td>'
            f'<td><a href="{link(incident.src_uri)}">{esc(incident.title)}</a>{flag}</td>'
            f"<td>{severity_badge(incident.severity, settings)}</td><td>{esc(', '.join(incident.services))}</td>"
            f"<td>{'–' if gap is None else f'{gap} days'}</td></tr>"
        )
    return (
        '<table class="pmkb-table"><thead><tr><th>Date</th><th>Incident</th><th>Severity</th><th>Services</th>'
        f"<th>Since previous</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


MAX_RELATED = 5  # on a card; a dense corpus can relate an incident to dozens


def related_html(incident: Incident, relations: Sequence[Relation], by_stem: dict[str, Incident], link: Link) -> str:
    """The card's "Related" entry: each related incident once, with every reason."""
    reasons: dict[str, list[str]] = {}
    for rel in relations:
        other = rel.b if rel.a == incident.stem else rel.a
        if other in by_stem:
            reasons.setdefault(other, []).append(rel.reason)
    items = []
    newest = sorted(reasons.items(), key=lambda kv: by_stem[kv[0]].date, reverse=True)
    for stem, why in newest[:MAX_RELATED]:
        related = by_stem[stem]
        items.append(
            f'<li><a href="{link(related.src_uri)}">{esc(related.title)}</a> ({related.date.isoformat()}): '
            f"{esc('; '.join(why))}</li>"
        )
    if len(newest) > MAX_RELATED:
        items.append(f"<li>and {len(newest) - MAX_RELATED} earlier or later ones (see repeat causes)</li>")
    return f'<ul class="pmkb-related">{"".join(items)}</ul>' if items else ""


def recurred_banner(incident: Incident, group: RepeatGroup | None, link: Link) -> str:
    """Prominent notice on both sides of a repeat that happened after the fixes were done."""
    if group is None or not group.after_fix:
        return ""
    by_stem = {x.stem: x for x in group.incidents}
    earlier = [by_stem[a] for a, b in sorted(group.after_fix_pairs) if b == incident.stem]
    later = [by_stem[b] for a, b in sorted(group.after_fix_pairs) if a == incident.stem]
    lines = []
    if earlier:
        names = ", ".join(f'<a href="{link(e.src_uri)}">{esc(e.title)}</a> ({e.date.isoformat()})' for e in earlier)
        lines.append(
            f"This incident repeats {names}, whose action items were all done before it started: "
            "those fixes did not prevent it."
        )
    if later:
        names = ", ".join(f'<a href="{link(x.src_uri)}">{esc(x.title)}</a> ({x.date.isoformat()})' for x in later)
        lines.append(f"This incident happened again after all its action items were done: {names}.")
    if not lines:
        return ""
    body = "".join(f"<p>{line}</p>" for line in lines)
    return (
        '<div class="admonition danger pmkb-recurred-banner"><p class="admonition-title">Recurred after a fix</p>'
        f"{body}</div>"
    )
