"""Keys the template does not know, with a "did you mean" suggestion."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from ..findings import Finding
from ..model import KNOWN_KEYS
from ..theme_keys import THEME_KEYS
from .context import Context


def check(ctx: Context) -> Iterator[Finding]:
    yield from _mapping(ctx, ctx.meta, ("",), "")
    for section in ("timeline", "impact", "roles"):
        yield from _mapping(ctx, ctx.mapping(section), (section,), section)
    items = ctx.meta.get("action_items")
    if isinstance(items, list):
        for index, item in enumerate(items):
            if isinstance(item, dict):
                yield from _mapping(ctx, item, ("action_items", index), "action_items")


def _mapping(ctx: Context, data: dict[str, object], path: tuple[str | int, ...], kind: str) -> Iterator[Finding]:
    if only_known(data, kind):  # the usual case
        return
    known = KNOWN_KEYS[kind] | _declared(ctx.settings.extra_keys, kind)
    # keys the theme reads are judged by the theme-key rule, and never suggested for a typo
    theme = THEME_KEYS if not kind else frozenset()
    prefix = tuple(p for p in path if p != "")
    for key in data:
        key = str(key)
        if key in known or key in theme:
            continue
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        hint = f"; did you mean `{close[0]}`?" if close else f"; known keys: {', '.join(sorted(known))}"
        where = f" in `{kind}`" if kind else ""
        yield ctx.finding("unknown-key", ctx.key_pos(*prefix, key), f"unknown key `{key}`{where}{hint}")


def only_known(data: dict[str, object], kind: str) -> bool:
    """Every key is one the template knows (then none is reported, whatever `extra_keys` says)."""
    return KNOWN_KEYS[kind].issuperset(data)


def _declared(extra_keys: tuple[str, ...], kind: str) -> frozenset[str]:
    """The organisation's own keys (`extra_keys`) for this mapping: `jira` at the top level,
    `impact.cost_center` inside `impact`."""
    prefix = f"{kind}." if kind else ""
    return frozenset(k[len(prefix) :] for k in extra_keys if k.startswith(prefix) and "." not in k[len(prefix) :])
