"""Action items: complete, uniquely numbered, and the same in front matter and body table.

Front-matter items are type-checked by the model (rules/types.py); the body table
is text, so its cells are checked here against the same enums.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from typing import Any, get_args

from ..findings import Finding, Position
from ..model import ItemStatus, Priority
from ..parsing.action_table import REQUIRED_COLUMNS, ActionTable, TableItem
from ..parsing.placeholders import PLACEHOLDER
from .context import Context

_PRIORITIES: tuple[str, ...] = get_args(Priority)
_STATUSES: tuple[str, ...] = get_args(ItemStatus)
_COMPARED = ("action", "owner", "priority", "due", "status")


def check(ctx: Context) -> Iterator[Finding]:
    items = ctx.meta.get("action_items")
    front = [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []
    yield from _duplicate_front_ids(ctx, front)
    table = ctx.action_table
    if table is None:
        return
    yield from _table_complete(ctx, table)
    if front and table.items:
        yield from _agree(ctx, front, table)


def _duplicate_front_ids(ctx: Context, items: list[dict[str, Any]]) -> Iterator[Finding]:
    seen: set[str] = set()
    for index, item in enumerate(items):
        if "id" not in item:
            continue
        key = str(item["id"])
        if key in seen:
            yield ctx.finding(
                "action-item-duplicate-id",
                ctx.value_pos("action_items", index, "id"),
                f"action item id {key} is used twice",
            )
        seen.add(key)


def _table_complete(ctx: Context, table: ActionTable) -> Iterator[Finding]:
    missing = [c for c in REQUIRED_COLUMNS if c not in table.columns]
    if missing:
        yield ctx.finding(
            "action-item-incomplete",
            Position(table.line, 1),
            f"the Action Items table lacks the column(s) {', '.join(missing)}",
        )
    seen: set[str] = set()
    for row in table.items:
        yield from _row(ctx, row)
        row_id = row.fields.get("id", "")
        if row_id and row_id in seen:
            yield ctx.finding("action-item-duplicate-id", row.position("id"), f"action item id {row_id} is used twice")
        seen.add(row_id)


def _row(ctx: Context, row: TableItem) -> Iterator[Finding]:
    for key in REQUIRED_COLUMNS:
        value = row.fields.get(key)
        if value is None or PLACEHOLDER.search(value):
            continue  # missing column reported once for the table; placeholders by their own rule
        if not value:
            yield ctx.finding("action-item-incomplete", row.position(key), f"action item `{key}` is empty")
        elif key == "priority" and value not in _PRIORITIES:
            yield ctx.finding("enum-value", row.position(key), f"priority must be one of {', '.join(_PRIORITIES)}")
        elif key == "status" and value not in _STATUSES:
            yield ctx.finding("enum-value", row.position(key), f"status must be one of {', '.join(_STATUSES)}")
        elif key == "due" and parse_date(value) is None:
            yield ctx.finding("invalid-date", row.position(key), f"due date {value!r} is not a real date (YYYY-MM-DD)")


def _agree(ctx: Context, front: list[dict[str, Any]], table: ActionTable) -> Iterator[Finding]:
    front_ids = [str(item.get("id")) for item in front]
    table_ids = [row.fields.get("id", "") for row in table.items]
    # A duplicated id cannot be paired; action-item-duplicate-id already reports it.
    ambiguous = {i for ids in (front_ids, table_ids) for i, n in Counter(ids).items() if n > 1}
    by_id = dict(zip(front_ids, front, strict=True))
    for row in table.items:
        if row.fields.get("id", "") in ambiguous:
            continue
        item = by_id.get(row.fields.get("id", ""))
        if item is None:
            yield ctx.finding(
                "action-items-mismatch",
                row.position("id"),
                f"action item {row.fields.get('id', '')!r} is in the table but not in front matter `action_items`",
            )
            continue
        for key in _COMPARED:
            if key in row.fields and not _same(row.fields[key], item.get(key)):
                yield ctx.finding(
                    "action-items-mismatch",
                    row.position(key),
                    f"action item {row.fields['id']}: table says {key} {row.fields[key]!r}, "
                    f"front matter says {_text(item.get(key))!r}",
                )
    for index, item in enumerate(front):
        if str(item.get("id")) not in table_ids and str(item.get("id")) not in ambiguous:
            yield ctx.finding(
                "action-items-mismatch",
                ctx.value_pos("action_items", index),
                f"action item {item.get('id')!r} is in front matter but not in the Action Items table",
            )


def parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


def _text(value: object) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value if value is not None else "")


def _same(cell: str, value: object) -> bool:
    text = _text(value)
    return cell == text or _norm(cell) == _norm(text)


def _norm(value: object) -> str:
    return " ".join(_text(value).split()).casefold()
