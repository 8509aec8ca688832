"""Action-item quality: an action that can be done and closed, and (for major incidents) P1 items due soon.

"Be more careful" or "Investigate" cannot be done and closed; a P1 fix due in three
months is not treated as a P1. The wording is judged by `action_wording` (its shape,
not a list of verbs), so any imperative, plan or report of a change passes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

from ..findings import Finding, Position
from .action_items import parse_date
from .action_wording import judge
from .context import Context


@dataclass(frozen=True)
class _Item:
    action: str
    priority: str
    due: dt.date | None
    position: Callable[[str], Position]  # where a field's value is: looked up only for a finding


def check(ctx: Context) -> Iterator[Finding]:
    for item in _items(ctx):
        yield from _wording(ctx, item)
        yield from _p1_due(ctx, item)


def _wording(ctx: Context, item: _Item) -> Iterator[Finding]:
    text = item.action.strip()
    if not text or "{" in text:  # empty or placeholder: other rules report it
        return
    verdict = judge(text)
    if verdict is None:
        return
    if verdict.verdict == "vague":
        yield ctx.finding(
            "action-item-vague",
            item.position("action"),
            f"vague action item ({verdict.reason}) {text[:80]!r}: say what will change and how we will know it "
            'is done (e.g. "Alert when queue age exceeds 15 minutes")',
        )
    else:
        yield ctx.finding(
            "action-item-verb",
            item.position("action"),
            f"not an action ({verdict.reason}) {text[:80]!r}: say what will be done, as a task "
            '(e.g. "Validate flag payloads against a schema")',
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
            item.position("due"),
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
                partial(ctx.value_pos, "action_items", index),
            )
        return
    table = ctx.action_table
    for row in table.items if table else []:
        yield _Item(
            row.fields.get("action", ""),
            row.fields.get("priority", ""),
            parse_date(row.fields.get("due", "")),
            row.position,
        )
