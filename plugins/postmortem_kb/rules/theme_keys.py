"""Keys MkDocs or the theme act on: refused or validated (postmortem_kb.theme_keys)."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from ..theme_keys import problem
from .context import Context


def check(ctx: Context) -> Iterator[Finding]:
    for key, value in ctx.meta.items():
        reason = problem(key, value)
        if reason is not None:
            yield ctx.finding("theme-key", ctx.key_pos(key), reason)
