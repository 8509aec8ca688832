"""Markdown body -> headings, sections and pipe tables, each with its file line.

Only what the rules need is parsed: ATX and setext headings outside code fences, the
prose lines under each heading, and GitHub-style pipe tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import msgspec

_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_SETEXT = re.compile(r"[=-]+ *$")  # Python-Markdown's underline: no indent, only = or -


class Line(msgspec.Struct, frozen=True, gc=False):
    """One line of a body. A struct made in C: a knowledge base of 10,000 has half a million, and a
    slotted dataclass's `__init__` took twice as long to make each."""

    number: int  # 1-based file line
    text: str
    in_code: bool  # inside a fenced code block (fence lines included)


@dataclass
class TableRow:
    line: int
    cells: list[str]
    cols: list[int]  # 1-based column where each cell's text starts


@dataclass
class Table:
    line: int
    header: list[str]
    rows: list[TableRow]


@dataclass
class Section:
    title: str
    level: int
    line: int
    col: int
    lines: list[Line] = field(default_factory=list)  # up to the next heading of any level
    children: list[Section] = field(default_factory=list)
    key: str = ""  # the title normalised for matching against the template

    def __post_init__(self) -> None:
        self.key = normalise_title(self.title)

    def has_content(self) -> bool:
        """True when the section or any subsection holds something besides comments."""
        own = "\n".join(ln.text for ln in self.lines)
        if "<!--" in own:
            own = _COMMENT.sub("", own)
        return bool(own.strip()) or any(c.has_content() for c in self.children)

    def tables(self) -> list[Table]:
        return parse_tables(self.lines)


@dataclass
class Body:
    lines: list[Line]
    sections: list[Section]  # H2 sections, H3 nested in `children`

    def section(self, title: str) -> Section | None:
        key = normalise_title(title)
        return next((s for s in self.sections if s.key == key), None)


@lru_cache(maxsize=4096)
def normalise_title(title: str) -> str:
    return " ".join(title.casefold().replace("-", " ").split()).rstrip(":")


def parse_body(text: str, first_line: int) -> Body:
    lines = _mark_code(text, first_line)
    sections: list[Section] = []
    current: Section | None = None
    setext = _setext_headings(lines)
    for index, ln in enumerate(lines):
        # the cheap prefix test skips the regex on the ~90% of lines that are prose
        match = None if ln.in_code or "#" not in ln.text[:4] else _HEADING.match(ln.text)
        if index in setext:
            level, title = setext[index]
            section = Section(title, level, ln.number, len(ln.text) - len(ln.text.lstrip()) + 1)
        elif match is None:
            if current is not None and index - 1 not in setext:  # an underline is not content
                current.lines.append(ln)
            continue
        else:
            level = len(match.group(1))
            section = Section(match.group(2), level, ln.number, match.start(2) + 1)
        if level <= 2:
            current = section if level == 2 else None
            if level == 2:
                sections.append(section)
        elif sections and level == 3:
            sections[-1].children.append(section)
            current = section
        elif current is not None:
            current.lines.append(ln)  # H4+ stays part of the enclosing section's text
    return Body(lines, sections)


def _setext_headings(lines: list[Line]) -> dict[int, tuple[int, str]]:
    """Index of each `Title` line underlined with `===` (H1) or `---` (H2) -> (level, title).

    As Python-Markdown reads them (SetextHeaderProcessor): the first line of a block, not
    indented as code, followed by a line of `=` or `-` only. "Impact" underlined is the Impact
    section on the page, so the section rules must see it too.
    """
    found: dict[int, tuple[int, str]] = {}
    for i in range(len(lines) - 1):
        head, under = lines[i], lines[i + 1]
        # an underline starts with = or -: the first character rules out most lines without the regex
        if under.text[:1] not in ("=", "-") or head.in_code or under.in_code or not _SETEXT.match(under.text):
            continue
        if not head.text.strip():
            continue
        if head.text.startswith(("    ", "\t")) or (i > 0 and lines[i - 1].text.strip()):
            continue
        if _HEADING.match(head.text):
            continue
        found[i] = (1 if under.text.startswith("=") else 2, head.text.strip())
    return found


def _mark_code(text: str, first_line: int) -> list[Line]:
    out: list[Line] = []
    fence: str | None = None
    raw_lines = text.split("\n")
    if raw_lines and raw_lines[-1] == "":
        raw_lines.pop()  # the newline ending the last line does not start another one
    if "```" not in text and "~~~" not in text:  # no fence can open: most bodies
        return [Line(first_line + i, raw, False) for i, raw in enumerate(raw_lines)]
    for i, raw in enumerate(raw_lines):
        match = _FENCE.match(raw) if ("`" in raw[:7] or "~" in raw[:7]) else None
        if fence is None and match:
            fence = match.group(1)
            out.append(Line(first_line + i, raw, True))
        elif fence is not None:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            out.append(Line(first_line + i, raw, True))
        else:
            out.append(Line(first_line + i, raw, False))
    return out


def parse_tables(lines: list[Line]) -> list[Table]:
    tables: list[Table] = []
    i = 0
    while i + 1 < len(lines):
        head, rule = lines[i], lines[i + 1]
        if head.in_code or "|" not in head.text or not _TABLE_RULE.match(rule.text):
            i += 1
            continue
        header = split_row(head.text)[0]
        rows: list[TableRow] = []
        j = i + 2
        while j < len(lines) and not lines[j].in_code and "|" in lines[j].text and lines[j].text.strip():
            cells, cols = split_row(lines[j].text)
            rows.append(TableRow(lines[j].number, cells, cols))
            j += 1
        tables.append(Table(head.number, header, rows))
        i = j
    return tables


_CELL_SEPARATOR = re.compile(r"(?<!\\)\|")


def split_row(text: str) -> tuple[list[str], list[int]]:
    """Cells of one pipe-table row and the 1-based column of each cell's text."""
    stripped = text.rstrip()
    begin = len(stripped) - len(stripped.lstrip())
    if stripped[begin : begin + 1] == "|":
        begin += 1
    end = len(stripped)
    if stripped.endswith("|") and not stripped.endswith("\\|") and end - 1 >= begin:
        end -= 1
    cells: list[str] = []
    cols: list[int] = []
    at = begin
    inner = stripped[begin:end]
    escaped = "\\" in inner  # most rows escape no pipe: a plain split, no regex
    for raw in _CELL_SEPARATOR.split(inner) if escaped else inner.split("|"):
        lead = len(raw) - len(raw.lstrip())
        cells.append(raw.strip().replace("\\|", "|") if escaped else raw.strip())
        cols.append(at + lead + 1)
        at += len(raw) + 1
    return cells, cols
