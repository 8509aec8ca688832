"""Test helper: a postmortem with front matter -> the handbook's template without it.

This is the form teams wrote before the knowledge base existed: a `# Postmortem: {title}`
heading and `**Field:**` lines instead of front matter, the impact figures as an Impact
table, action items as the Action Items table and roles in a Sign-off table. The prose
(including the Timeline table) is left exactly as it was, so importing the result must give
back what the front matter said.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import frontmatter

_ROLE_LABELS = {
    "incident_commander": "Incident Commander",
    "tech_lead": "Tech Lead",
    "comms_lead": "Comms Lead",
    "scribe": "Scribe",
    "smes": "Subject Matter Experts",
}
_IMPACT_LABELS = {
    "users_affected": "Users affected",
    "revenue_impact": "Revenue impact",
    "slo_impact": "SLO impact",
    "support_tickets": "Support tickets",
    "engineer_hours": "Engineer hours",
}


def to_handbook_form(text: str) -> str:
    post = frontmatter.loads(text)
    meta: dict[str, Any] = post.metadata
    lines = post.content.split("\n")
    if lines and lines[0].startswith("# "):
        lines = lines[1:]
    lines = _insert_after_heading(lines, "Impact", _impact_table(meta.get("impact") or {}))
    if meta.get("action_items"):
        lines = _replace_section(lines, "Action Items", _action_table(meta["action_items"]))
    if meta.get("roles"):
        lines = _append_signoff(lines, _roles_table(meta["roles"]))
    return "\n".join([*_header(meta), *lines]).rstrip("\n") + "\n"


def _header(meta: dict[str, Any]) -> list[str]:
    timeline = meta.get("timeline") or {}
    out = [f"# Postmortem: {meta['title']}", "", f"**Date:** {meta['date']}", f"**Severity:** {meta['severity']}"]
    if isinstance(timeline.get("started"), dt.datetime) and isinstance(timeline.get("resolved"), dt.datetime):
        out.append(f"**Duration:** {_duration(timeline['resolved'] - timeline['started'])}")
    out += [f"**Authors:** {', '.join(meta['authors'])}", f"**Status:** {meta['status']}"]
    return out


def _duration(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 1440)
    parts = [(days, "day"), (rest // 60, "hour"), (rest % 60, "minute")]
    return " ".join(f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in parts if n) or "0 minutes"


def _impact_table(impact: dict[str, Any]) -> list[str]:
    rows = ["| Metric | Value |", "|--------|-------|"]
    for key, label in _IMPACT_LABELS.items():
        if key in impact:
            rows.append(f"| {label} | {_figure(impact[key])} |")
    return rows if len(rows) > 2 else []


def _figure(value: object) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"  # people write thousands separators
    if value == "unknown":
        return "Unknown"
    return str(value)


def _action_table(items: list[dict[str, Any]]) -> list[str]:
    tickets = any("ticket" in item for item in items)
    head = "| ID | Action | Owner | Priority | Due Date | Status |" + (" Ticket |" if tickets else "")
    rule = "|----|--------|-------|----------|----------|--------|" + ("--------|" if tickets else "")
    rows = [head, rule]
    for item in items:
        cells = [item["id"], item["action"], item["owner"], item["priority"], item["due"], item["status"]]
        if tickets:
            cells.append(item.get("ticket", ""))
        rows.append("| " + " | ".join(str(c) for c in cells) + " |")
    return rows


def _roles_table(roles: dict[str, Any]) -> list[str]:
    rows = ["| Role | Name |", "|------|------|"]
    for key, label in _ROLE_LABELS.items():
        if key in roles:
            value = roles[key]
            rows.append(f"| {label} | {', '.join(value) if isinstance(value, list) else value} |")
    return rows


def _section_span(lines: list[str], title: str) -> tuple[int, int] | None:
    start = next((i for i, ln in enumerate(lines) if re.fullmatch(rf"## {re.escape(title)}\s*", ln)), None)
    if start is None:
        return None
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    return start, end


def _insert_after_heading(lines: list[str], title: str, block: list[str]) -> list[str]:
    span = _section_span(lines, title)
    if span is None or not block:
        return lines
    return [*lines[: span[0] + 1], "", *block, *lines[span[0] + 1 :]]


def _replace_section(lines: list[str], title: str, block: list[str]) -> list[str]:
    span = _section_span(lines, title)
    if span is None:
        return lines
    return [*lines[: span[0] + 1], "", *block, "", *lines[span[1] :]]


def _append_signoff(lines: list[str], block: list[str]) -> list[str]:
    span = _section_span(lines, "Sign-off")
    if span is None:
        return [*lines, "", "## Sign-off", "", *block]
    end = span[1]
    while end > span[0] and not lines[end - 1].strip():
        end -= 1
    return [*lines[:end], "", *block, "", *lines[span[1] :]]
