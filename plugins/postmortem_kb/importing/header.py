"""The handbook template's header block: `# Postmortem: {title}` and `**Date:** ...` lines.

Everything before the first H2 heading is the header region. Its title and field lines
become front matter; any other text there stays in the body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..parsing.body import Line
from .roles import role_key

_H1 = re.compile(r"^ {0,3}#[ \t]+(.*?)[ \t]*#*[ \t]*$")
_TITLE_PREFIX = re.compile(r"^post[- ]?mortem\s*[:\-–—]\s*", re.I)
_BOLD_FIELD = re.compile(r"^\s*(?:[-*+]\s+)?(?:\*\*|__)(?P<key>[^*_]+?)(?:\*\*|__)\s*:?\s*(?P<value>.*?)\s*\\?$")
_PLAIN_FIELD = re.compile(r"^\s*(?:[-*+]\s+)?(?P<key>[A-Za-z][A-Za-z -]{0,30}):\s+(?P<value>.*?)\s*\\?$")
_RULE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")

FIELD_KEYS: dict[str, str] = {
    "date": "date",
    "incident date": "date",
    "severity": "severity",
    "sev": "severity",
    "duration": "duration",
    "authors": "authors",
    "author": "authors",
    "status": "status",
}


@dataclass(frozen=True)
class Field:
    value: str
    line: int
    col: int  # 1-based column of the value


@dataclass
class Header:
    title: Field | None = None
    fields: dict[str, Field] = field(default_factory=dict)  # date, severity, duration, authors, status
    roles: dict[str, Field] = field(default_factory=dict)  # front-matter role key -> the line naming it
    kept: list[str] = field(default_factory=list)  # other lines of the header region, for the body


def read_header(region: list[Line]) -> Header:
    """`region`: the lines before the document's first H2 heading."""
    header = Header()
    for ln in region:
        text = ln.text
        h1 = None if ln.in_code else _H1.match(text)
        if h1 is not None and header.title is None:
            title = _TITLE_PREFIX.sub("", h1.group(1)).strip()
            header.title = Field(title, ln.number, h1.start(1) + 1)
            continue
        if not ln.in_code and (_take_field(header, ln) or _RULE.match(text)):
            continue
        header.kept.append(text)
    return header


def _take_field(header: Header, ln: Line) -> bool:
    match = _BOLD_FIELD.match(ln.text) or _PLAIN_FIELD.match(ln.text)
    if match is None:
        return False
    label = match.group("key").strip().rstrip(":").strip()
    value = Field(_unwrap(match.group("value")), ln.number, match.start("value") + 1)
    key = FIELD_KEYS.get(label.casefold())
    if key is not None:
        header.fields.setdefault(key, value)
        return True
    role = role_key(label)
    if role is not None:
        header.roles.setdefault(role, value)
        return True
    return False


def _unwrap(value: str) -> str:
    """Drop Markdown emphasis and code marks around a whole value: `**SEV2**` -> SEV2."""
    value = value.strip()
    for mark in ("**", "__", "`", "*", "_"):
        if len(value) > 2 * len(mark) and value.startswith(mark) and value.endswith(mark):
            value = value[len(mark) : -len(mark)].strip()
    return value
