"""Action-item quality: specific, verb-first, and (for major incidents) P1 items due soon.

"Be more careful" or "Investigate" cannot be done and closed; a P1 fix due in three
months is not treated as a P1.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..findings import Finding, Position
from .action_items import parse_date
from .context import Context

VERBS = frozenset(
    """
    add adjust adopt alert align allow apply archive assign audit automate backfill block bound build bump cache
    cap change clarify clean close codify configure consolidate convert create decommission deduplicate define
    delete deploy deprecate design detect disable document drop enable enforce ensure establish estimate expand
    expose extend extract fail fix flag gate generate handle harden hire implement import increase index inform issue
    install instrument integrate introduce inventory isolate keep label limit lint load lock log lower make map
    mark measure merge migrate mirror monitor move negotiate notify offer onboard page patch pin plan prevent prioritise
    prioritize provision publish purge raise rate-limit read rebuild record reduce refactor regenerate rehearse
    reject release remove rename replace replay report require reserve reset resize restore restrict retire
    retry return review revoke rewrite roll rotate route run sandbox scale schedule scope secure send separate
    set share shift ship shorten show shut simplify size split stage standardise standardize start stop store
    streamline switch tag teach template test throttle tighten time track train trigger tune turn unify update
    upgrade use validate verify version watch write
    """.split()
)
_VAGUE = re.compile(
    r"^\s*(?:investigate|look\s+into|improve|be\s+(?:more\s+)?careful|pay\s+(?:more\s+)?attention|try\s+to|"
    r"think\s+about|consider|monitor(?:\s+(?:closely|better|more|it|things|this|the\s+situation))?\s*\.?$)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Item:
    action: str
    priority: str
    due: dt.date | None
    action_pos: Position
    due_pos: Position


def check(ctx: Context) -> Iterator[Finding]:
    for item in _items(ctx):
        yield from _wording(ctx, item)
        yield from _p1_due(ctx, item)


def _wording(ctx: Context, item: _Item) -> Iterator[Finding]:
    text = item.action.strip()
    if not text or "{" in text:  # empty or placeholder: other rules report it
        return
    vague = _VAGUE.match(text)
    if vague:
        yield ctx.finding(
            "action-item-vague",
            item.action_pos,
            f"vague action item {text!r}: say what will change and how we will know it is done "
            '(e.g. "Alert when queue age exceeds 15 minutes")',
        )
        return
    first = re.split(r"[\s,:;.(]+", text, maxsplit=1)[0].lower()
    if first not in VERBS:
        yield ctx.finding(
            "action-item-verb",
            item.action_pos,
            f'start the action item with a verb (e.g. "Add", "Alert", "Automate"): {text[:60]!r}',
        )


def _p1_due(ctx: Context, item: _Item) -> Iterator[Finding]:
    incident = ctx.meta.get("date")
    if isinstance(incident, dt.datetime):  # a timestamp is reported as an invalid date
        return
    if not (ctx.severity_is_major() and item.priority == "P1" and item.due and isinstance(incident, dt.date)):
        return
    limit = ctx.settings.p1_due_days
    if (item.due - incident).days > limit:
        yield ctx.finding(
            "action-item-p1-due",
            item.due_pos,
            f"P1 action item due {item.due.isoformat()}, {(item.due - incident).days} days after the incident; "
            f"P1 items of {ctx.meta['severity']} incidents are due within {limit} days (or lower the priority)",
        )


def _items(ctx: Context) -> Iterator[_Item]:
    front = ctx.meta.get("action_items")
    if isinstance(front, list) and front:
        for index, raw in enumerate(front):
            if not isinstance(raw, dict):
                continue
            due = raw.get("due")
            yield _Item(
                str(raw.get("action") or ""),
                str(raw.get("priority") or ""),
                due if isinstance(due, dt.date) and not isinstance(due, dt.datetime) else None,
                ctx.value_pos("action_items", index, "action"),
                ctx.value_pos("action_items", index, "due"),
            )
        return
    table = ctx.action_table
    for row in table.items if table else []:
        yield _Item(
            row.fields.get("action", ""),
            row.fields.get("priority", ""),
            parse_date(row.fields.get("due", "")),
            row.position("action"),
            row.position("due"),
        )
