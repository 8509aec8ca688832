"""The Action Items body table (`| ID | Action | Owner | Priority | Due Date | Status |`)."""

from __future__ import annotations

from dataclasses import dataclass

from ..findings import Position
from .body import Body, Table

# Table header (casefolded) -> front-matter key of the action item.
COLUMNS: dict[str, str] = {
    "id": "id",
    "action": "action",
    "owner": "owner",
    "priority": "priority",
    "due date": "due",
    "due": "due",
    "status": "status",
    "ticket": "ticket",
}
REQUIRED_COLUMNS = ("id", "action", "owner", "priority", "due", "status")


@dataclass
class TableItem:
    line: int
    fields: dict[str, str]  # front-matter key -> cell text ("" when blank or missing)
    cols: dict[str, int]
    missing: tuple[str, ...] = ()  # keys whose cell the row lacks (it has fewer cells than the header)

    def position(self, key: str) -> Position:
        return Position(self.line, self.cols.get(key, 1))


@dataclass
class ActionTable:
    line: int
    columns: list[str]
    items: list[TableItem]


def find_action_table(body: Body) -> ActionTable | None:
    section = body.section("Action Items")
    if section is None:
        return None
    for table in section.tables():
        keys = [COLUMNS.get(h.casefold().strip(), "") for h in table.header]
        if "action" in keys and "owner" in keys:
            return _read(table, keys)
    return None


def _read(table: Table, keys: list[str]) -> ActionTable:
    items = []
    for row in table.rows:
        fields: dict[str, str] = {}
        cols: dict[str, int] = {}
        # A row with fewer cells than the header renders them blank: they are read as blank, so the
        # rules report them (they were skipped, and blank owners and due dates were published).
        end = (row.cols[-1] + len(row.cells[-1])) if row.cells else 1
        cells = [*row.cells, *[""] * (len(keys) - len(row.cells))]
        columns = [*row.cols, *[end] * (len(keys) - len(row.cols))]
        for key, cell, col in zip(keys, cells, columns, strict=False):
            if key:
                fields[key] = cell
                cols[key] = col
        items.append(TableItem(row.line, fields, cols, tuple(k for k in keys[len(row.cells) :] if k)))
    return ActionTable(table.line, [k for k in keys if k], items)
