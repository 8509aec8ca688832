"""Leftover template placeholders such as `{2-3 sentence summary ...}`."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..findings import Finding, Position
from .context import Context

# `{...}` but not `{{ jinja }}`, attr_list `{: .class}` / `{#anchor}` or `{%`.
PLACEHOLDER = re.compile(r"(?<!\{)\{(?![{#.:%])[^{}\n]+\}(?!\})")
_INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")


def find_in_text(text: str) -> Iterator[re.Match[str]]:
    """Placeholders in one Markdown line, ignoring inline code spans."""
    if "{" not in text:
        return
    masked = _INLINE_CODE.sub(lambda m: " " * len(m.group(0)), text)
    yield from PLACEHOLDER.finditer(masked)


def check(ctx: Context) -> Iterator[Finding]:
    for path, value in ctx.strings:
        match = PLACEHOLDER.search(value)
        if match:
            ctx.placeholder_paths.add(path)
            yield ctx.finding("placeholder", ctx.value_pos(*path), f"fill in the placeholder {match.group(0)}")
    for line in ctx.doc.body.lines:
        if line.in_code:
            continue
        for match in find_in_text(line.text):
            pos = Position(line.number, match.start() + 1)
            yield ctx.finding("placeholder", pos, f"fill in the placeholder {_short(match.group(0))}")


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "...}"
