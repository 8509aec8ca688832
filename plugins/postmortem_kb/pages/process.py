"""Process figures on the pages: the card's drafted/published line, the trends page's Process
section (without its chart) and the closing record on `action-items/`. Escaped by construction:
every value goes through `Markup.format`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from markupsafe import Markup

from ..history import History
from ..process import (
    closed_on_time_share,
    closing,
    hours_to_draft,
    hours_to_published,
    is_debt,
    postmortem_debt,
    within_target_by_quarter,
    within_target_share,
)
from ..records import Incident
from ..settings import Settings
from .html import Link, duration

NOT_AVAILABLE = "–"


def _hours(value: float) -> str:
    return duration(dt.timedelta(hours=abs(value)))


def card_line(incident: Incident, history: History, settings: Settings, now: dt.datetime) -> str:
    """'drafted 18 h 6 min after resolution; published after 5 d 20 h', or why it is not known."""
    # Plain str out of every public function: `str + Markup` would escape the caller's HTML.
    return str(_card_line(incident, history, settings, now))


def _card_line(incident: Incident, history: History, settings: Settings, now: dt.datetime) -> Markup:
    if not history.available:
        return Markup('<span class="pmkb-note" title="{}">drafting and publishing times not available</span>').format(
            history.reason
        )
    draft = hours_to_draft(incident, history)
    if draft is None:
        return Markup('<span class="pmkb-note">not committed yet: drafting and publishing times not available</span>')
    when = "after" if draft >= 0 else "before"
    parts = [Markup("drafted {} {} resolution").format(_hours(draft), when)]
    published = hours_to_published(incident, history)
    if published is not None:
        parts.append(Markup("published after {}").format(_hours(published)))
    else:
        parts.append(Markup("not published yet"))
    target = settings.target_hours(incident.severity)
    if is_debt(incident, settings, now) and target is not None:
        parts.append(Markup('<span class="pmkb-overdue">target of {} h passed</span>').format(f"{target:g}"))
    return Markup("; ").join(parts)


def trends_section(
    incidents: Sequence[Incident], history: History, settings: Settings, now: dt.datetime, chart: str = ""
) -> str:
    """The trends page's Process section: time to draft/publish, share within target, debt."""
    return str(_trends_section(incidents, history, settings, now, chart))


def _trends_section(
    incidents: Sequence[Incident], history: History, settings: Settings, now: dt.datetime, chart: str
) -> Markup:
    head = Markup('<h2 id="process">Process</h2>')
    if not history.available:
        note = Markup(
            '<p class="pmkb-note">Drafting and publishing times are not available: {}. '
            "They are read from the repository's git history.</p>"
        ).format(history.reason)
    else:
        share = within_target_share(incidents, history, settings, now)
        note = Markup(
            '<p class="pmkb-summary">Postmortems published within their target: <strong>{}</strong> '
            "(of incidents whose target has passed). Times are from the commits that first added the "
            "postmortem and first marked it Published, counted from <code>timeline.resolved</code>.</p>"
        ).format(_pct(share))
    return (
        head
        + note
        + Markup(chart)
        + _quarter_table(incidents, history, settings, now)
        + _debt(incidents, settings, now)
    )


def _quarter_table(incidents: Sequence[Incident], history: History, settings: Settings, now: dt.datetime) -> Markup:
    table = within_target_by_quarter(incidents, history, settings, now)
    if not table:
        return Markup("")
    levels = [s for s in settings.severity_names if any(s in row for row in table.values())]
    head = Markup("").join(Markup("<th>{}</th>").format(s) for s in levels)
    rows = Markup("").join(
        Markup("<tr><td>{}</td>{}</tr>").format(
            q, Markup("").join(Markup("<td>{}</td>").format(_cell(row.get(s))) for s in levels)
        )
        for q, row in table.items()
    )
    return Markup(
        '<h3 id="within-target">Published within target, by quarter</h3>'
        '<table class="pmkb-table"><thead><tr><th>Quarter</th>{}</tr></thead><tbody>{}</tbody></table>'
    ).format(head, rows)


def _cell(value: tuple[int, int] | None) -> str:
    if value is None:
        return NOT_AVAILABLE
    within, known = value
    return f"{100 * within / known:.0f}% ({within}/{known})"


def _debt(incidents: Sequence[Incident], settings: Settings, now: dt.datetime) -> Markup:
    owing = postmortem_debt(incidents, settings, now)
    title = Markup('<h3 id="postmortem-debt">Postmortem debt</h3>')
    if not owing:
        return title + Markup('<p class="pmkb-empty">Every postmortem past its target is published.</p>')
    rows = Markup("").join(
        Markup("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>").format(
            i.title, i.severity, i.status, i.timeline["resolved"].strftime("%Y-%m-%d %H:%M UTC"),
            duration(now - i.timeline["resolved"]),
        )
        for i in owing
    )  # fmt: skip
    return title + Markup(
        "<p>{} incidents resolved longer ago than their target and not yet Published, as of {}.</p>"
        '<table class="pmkb-table pmkb-debt"><thead><tr><th>Incident</th><th>Severity</th><th>Status</th>'
        "<th>Resolved</th><th>Since</th></tr></thead><tbody>{}</tbody></table>"
    ).format(len(owing), now.date().isoformat(), rows)


def closing_section(incidents: Sequence[Incident], history: History, link: Link) -> str:
    """Action items with their close date (from history) against their due date."""
    return str(_closing_section(incidents, history, link))


def _closing_section(incidents: Sequence[Incident], history: History, link: Link) -> Markup:
    title = Markup('<h2 id="closing">Closed on time</h2>')
    if not history.available:
        return title + Markup('<p class="pmkb-note">Close dates are not available: {}.</p>').format(history.reason)
    closed = [(i, a, c) for i in incidents for a in i.action_items if (c := closing(i, a, history)).closed is not None]
    if not closed:
        return title + Markup('<p class="pmkb-empty">No close dates recorded yet.</p>')
    share = closed_on_time_share(incidents, history)
    rows = Markup("").join(
        Markup('<tr><td>{}</td><td>{}</td><td class="pmkb-date">{}</td><td class="pmkb-date">{}</td>'
               '<td>{}</td><td><a href="{}">{}</a></td></tr>').format(
            item.action, item.status, item.due.isoformat() if item.due else NOT_AVAILABLE,
            c.closed.isoformat() if c.closed else NOT_AVAILABLE, _timeliness(c.on_time, c.days_late),
            link(incident.src_uri), incident.title,
        )
        for incident, item, c in sorted(closed, key=lambda t: (t[2].closed or dt.date.min), reverse=True)
    )  # fmt: skip
    return title + Markup(
        '<p class="pmkb-summary">Closed on or before the due date: <strong>{}</strong> of items with a close '
        "date from the repository's history (the commit that first marked them Done or Won't Do).</p>"
        '<table class="pmkb-table" data-pmkb-table><thead><tr><th data-sort="text">Action</th><th>Status</th>'
        '<th data-sort="text">Due</th><th data-sort="text">Closed</th><th>On time</th><th>Incident</th></tr>'
        "</thead><tbody>{}</tbody></table>"
    ).format(_pct(share), rows)


def _timeliness(on_time: bool | None, days_late: int | None) -> Markup:
    if on_time is None:
        return Markup(NOT_AVAILABLE)
    if on_time:
        return Markup("on time")
    return Markup('<span class="pmkb-overdue">{} {} late</span>').format(days_late, "day" if days_late == 1 else "days")


def _pct(share: float | None) -> str:
    return NOT_AVAILABLE if share is None else f"{100 * share:.0f}%"
