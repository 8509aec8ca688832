"""The Action Items table -> the front matter's `action_items`, cell by cell.

The table is found exactly as `pmkb check` finds it, so the two always agree.
"""

from __future__ import annotations

import datetime as dt
import re

from ..parsing.action_table import REQUIRED_COLUMNS, TableItem, find_action_table
from ..parsing.body import Body
from .problems import Problem, warn

FIELD_ORDER = ("id", "action", "owner", "priority", "due", "status", "ticket")
STATUSES = {s.casefold(): s for s in ("Open", "In Progress", "Done", "Won't Do")}
STATUSES.update({"wont do": "Won't Do", "won’t do": "Won't Do", "in-progress": "In Progress"})
# The same placeholders `pmkb new` writes in the template's Action Items row.
PLACEHOLDERS = {
    "id": "{id}",
    "action": "{Verb-first, specific action}",
    "owner": "{@team or person}",
    "priority": "{P1, P2 or P3}",
    "due": "{YYYY-MM-DD}",
    "status": "{Open, In Progress, Done or Won't Do}",
}


def read_action_items(body: Body, problems: list[Problem]) -> list[dict[str, object]] | None:
    """None when the document has no Action Items table."""
    table = find_action_table(body)
    if table is None:
        return None
    missing_columns = [c for c in REQUIRED_COLUMNS if c not in table.columns]
    if missing_columns:
        problems.append(
            warn("import-table-cells", f"action items table has no {', '.join(missing_columns)} column", table.line)
        )
    items = []
    for row in table.items:
        absent = [c for c in table.columns if c in row.missing]
        if absent:
            present = [col for key, col in row.cols.items() if key not in row.missing]
            problems.append(
                warn(
                    "import-table-cells",
                    f"action item row has no cell for {', '.join(absent)}",
                    row.line,
                    max(present, default=1),
                )
            )
        items.append(_item(row, problems))
    return items


def _item(row: TableItem, problems: list[Problem]) -> dict[str, object]:
    item: dict[str, object] = {}
    for key in FIELD_ORDER:
        text = row.fields.get(key, "").strip()
        if key == "ticket":
            if text:
                item[key] = text
            continue
        item[key] = PLACEHOLDERS[key] if not text else _value(key, text, row, problems)
    return item


def _value(key: str, text: str, row: TableItem, problems: list[Problem]) -> object:
    if key == "id":
        # "007" stays text: as a number it would no longer match its table cell
        return int(text) if re.fullmatch(r"[1-9][0-9]*|0", text) else text
    if key == "priority":
        match = re.fullmatch(r"p\s*([1-3])", text.casefold())
        return f"P{match.group(1)}" if match else text
    if key == "status":
        return STATUSES.get(" ".join(text.casefold().split()), text)
    if key == "due":
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pos = row.position("due")
            problems.append(warn("import-date", f"due date {text!r} is not YYYY-MM-DD", pos.line, pos.col))
            return PLACEHOLDERS["due"]
    return text
