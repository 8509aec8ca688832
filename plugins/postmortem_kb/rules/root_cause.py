"""Root-cause categories outside the configured list (a warning: lists evolve)."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from ..findings import Finding
from .context import Context


def check(ctx: Context) -> Iterator[Finding]:
    value = ctx.meta.get("root_cause_category")
    slugs: list[tuple[tuple[str | int, ...], str]] = []
    if isinstance(value, str):
        slugs = [(("root_cause_category",), value)]
    if isinstance(value, list):
        slugs = [(("root_cause_category", i), v) for i, v in enumerate(value) if isinstance(v, str)]
    known = ctx.settings.root_cause_categories
    for path, slug in slugs:
        if slug in known or path in ctx.placeholder_paths:
            continue
        close = difflib.get_close_matches(slug, known, n=1, cutoff=0.5)
        hint = f"did you mean `{close[0]}`?" if close else f"known categories: {', '.join(known)}"
        yield ctx.finding(
            "root-cause-unknown",
            ctx.value_pos(*path),
            f"root-cause category `{slug}` is not configured; {hint} "
            "(or add it to root_cause_categories under the postmortems plugin in mkdocs.yml)",
        )
