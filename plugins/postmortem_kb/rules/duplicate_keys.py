"""A front-matter key given twice: YAML silently keeps the last, so the author's first value is lost."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from .context import Context


def check(ctx: Context) -> Iterator[Finding]:
    for path, pos in ctx.doc.front_matter.positions.duplicates:
        yield ctx.finding("duplicate-key", pos, f"key `{path[-1]}` is given twice; YAML keeps only the last")
