"""Leftover template placeholders such as `{2-3 sentence summary ...}`."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding, Position
from ..parsing.placeholders import PLACEHOLDER, find_in_text
from .context import Context


def check(ctx: Context) -> Iterator[Finding]:
    for path, value in ctx.strings:
        if path in ctx.placeholder_paths:
            match = PLACEHOLDER.search(value)
            assert match is not None  # placeholder_paths holds exactly the paths whose value matches
            yield ctx.finding("placeholder", ctx.value_pos(*path), f"fill in the placeholder {match.group(0)}")
    if not body_may_hold(ctx):
        return
    for line in ctx.doc.body.lines:
        if line.in_code:
            continue
        for match in find_in_text(line.text):
            pos = Position(line.number, match.start() + 1)
            yield ctx.finding("placeholder", pos, f"fill in the placeholder {_short(match.group(0))}")


def body_may_hold(ctx: Context) -> bool:
    """Whether any body line can hold a placeholder: most bodies have no `{` at all."""
    return "{" in ctx.body_text


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "...}"
