"""The parse layer on its own: positions, sections and tables, without rules."""

from __future__ import annotations

import datetime as dt

import pytest
from postmortem_kb.parsing import ParseError, parse_text
from postmortem_kb.parsing.action_table import find_action_table
from postmortem_kb.parsing.body import split_row
from postmortem_kb.parsing.source import decode


def test_front_matter_values_and_positions(base_text: str) -> None:
    doc = parse_text("x.md", base_text)
    assert doc.meta["date"] == dt.date(2025, 1, 14)
    started = doc.meta["timeline"]["started"]  # type: ignore[index]
    assert started == dt.datetime(2025, 1, 14, 15, 2, tzinfo=dt.UTC)
    positions = doc.front_matter.positions
    assert (positions.key(("timeline", "detected")).line, positions.value(("timeline", "detected")).col) == (13, 13)
    assert positions.value(("action_items", 1, "owner")).line == 32
    assert positions.key(("timeline", "nope")).line == 11  # falls back to the enclosing key


def test_sections_with_lines_and_subsections(base_text: str) -> None:
    body = parse_text("x.md", base_text).body
    assert [s.title for s in body.sections][:3] == ["Executive Summary", "Impact", "Timeline"]
    rca = body.section("root cause analysis")
    assert rca is not None and rca.line == 55
    assert [c.title for c in rca.children] == ["What happened", "Contributing factors", "5 Whys Analysis"]


def test_action_table_rows_keep_lines_and_columns(base_text: str) -> None:
    table = find_action_table(parse_text("x.md", base_text).body)
    assert table is not None
    assert [row.line for row in table.items] == [81, 82]
    second = table.items[1]
    assert second.fields["due"] == "2025-02-14"
    assert second.position("status").col == 84


def test_timeline_table_is_parsed(base_text: str) -> None:
    timeline = parse_text("x.md", base_text).body.section("Timeline")
    assert timeline is not None
    (table,) = timeline.tables()
    assert table.header == ["Time (UTC)", "Event"]
    assert [(r.line, r.cells) for r in table.rows] == [(52, ["15:02", "Flag updated"]), (53, ["15:54", "Resolved"])]


def test_crlf_and_bom_keep_line_numbers(base_text: str) -> None:
    text = decode(("\ufeff" + base_text.replace("\n", "\r\n")).encode())
    doc = parse_text("x.md", text)
    assert doc.front_matter.positions.value(("timeline", "detected")).line == 13
    assert doc.body.section("Impact").line == 44  # type: ignore[union-attr]


def test_code_fences_hide_headings() -> None:
    doc = parse_text("x.md", "---\ntitle: t\n---\n## A\n\n```\n## B\n```\n~~~~\n## C\n~~~~\n## D\n")
    assert [s.title for s in doc.body.sections] == ["A", "D"]


@pytest.mark.parametrize(
    ("row", "cells", "cols"),
    [
        ("| a | b |", ["a", "b"], [3, 7]),
        ("a | b", ["a", "b"], [1, 5]),
        (r"| x \| y | z |", ["x | y", "z"], [3, 12]),
        ("|  | b |", ["", "b"], [4, 6]),
    ],
)
def test_split_row(row: str, cells: list[str], cols: list[int]) -> None:
    assert split_row(row) == (cells, cols)


def test_undecodable_bytes_are_located() -> None:
    with pytest.raises(ParseError) as info:
        decode(b"---\nok\nbad \xff here\n")
    assert (info.value.rule, info.value.line, info.value.col) == ("file-unreadable", 3, 5)
