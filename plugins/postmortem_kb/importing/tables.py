"""Pipe tables of the template's sections, read with the project's body parser.

A row with fewer cells than its header is reported at the row; its known cells are still used.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..parsing.body import Body, Table, TableRow
from .problems import Problem, warn


@dataclass(frozen=True)
class Cells:
    """One table row: header name (casefolded) -> cell text, and where each cell starts."""

    line: int
    values: dict[str, str]
    cols: dict[str, int]
    end_col: int  # just after the row's last cell, where a missing cell would go

    def col(self, name: str) -> int:
        return self.cols.get(name, self.end_col)


def find_table(body: Body, section: str, wanted: Callable[[list[str]], bool]) -> Table | None:
    """The first table of `section` (an H2 and its H3s) whose casefolded header satisfies `wanted`."""
    found = body.section(section)
    if found is None:
        return None
    for part in (found, *found.children):
        for table in part.tables():
            if wanted([h.casefold().strip() for h in table.header]):
                return table
    return None


def rows(table: Table, what: str, problems: list[Problem]) -> list[Cells]:
    header = [h.casefold().strip() for h in table.header]
    out = []
    for row in table.rows:
        if len(row.cells) < len(header):
            missing = ", ".join(repr(h) for h in table.header[len(row.cells) :])
            problems.append(
                warn(
                    "import-table-cells",
                    f"{what} row has {len(row.cells)} of {len(header)} cells; missing {missing}",
                    row.line,
                    _end(row),
                )
            )
        values = dict(zip(header, row.cells, strict=False))
        cols = dict(zip(header, row.cols, strict=False))
        out.append(Cells(row.line, values, cols, _end(row)))
    return out


def _end(row: TableRow) -> int:
    return (row.cols[-1] + len(row.cells[-1]) + 1) if row.cols else 1
