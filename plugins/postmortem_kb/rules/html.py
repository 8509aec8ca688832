"""Raw HTML in front matter, in values and in keys.

mkdocs-material renders page titles and tags into the header, the navigation and the tag
list without escaping, and keys such as an unknown `roles` entry are shown on the card.
Everything the plugin renders is escaped, but front matter is plain text: markup there is a
mistake or an attack, and the pull request should say so at its line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..findings import Finding
from ..parsing.front_matter import Path
from .context import Context
from .paths import dotted

_TAG = re.compile(r"<\s*[A-Za-z!/?]|&#?\w+;")


def check(ctx: Context) -> Iterator[Finding]:
    front = ctx.doc.front_matter
    if not (front.may_contain("<") or front.may_contain("&")):  # no key or value can match _TAG
        return
    for path, text, is_key in _texts(ctx.meta, (), set()):
        match = _TAG.search(text)
        if match is None:
            continue
        where = f"the key `{text}`" if is_key else f"`{dotted(path)}`"
        pos = ctx.key_pos(*path) if is_key else ctx.value_pos(*path)
        yield ctx.finding(
            "frontmatter-html",
            pos,
            f"raw HTML or an HTML entity ({match.group(0)!r}) in {where}; front matter is plain text, "
            "write it without markup",
        )


def _texts(node: Any, path: Path, seen: set[int]) -> Iterator[tuple[Path, str, bool]]:
    """Every key and every text value, with its path; sets and tuples are looked inside too.

    Each container is visited once: YAML aliases share one object, and an alias bomb would
    otherwise be walked along exponentially many paths."""
    if isinstance(node, (dict, list, tuple, set, frozenset)):
        if id(node) in seen:
            return
        seen.add(id(node))
    if isinstance(node, str):
        yield path, node, False
    elif isinstance(node, dict):
        for key, value in node.items():
            key_path = (*path, key if isinstance(key, (str, int)) else str(key))
            yield key_path, str(key), True
            yield from _texts(value, key_path, seen)
    elif isinstance(node, (list, tuple)):
        for index, value in enumerate(node):
            yield from _texts(value, (*path, index), seen)
    elif isinstance(node, (set, frozenset)):
        for value in sorted(node, key=str):
            yield path, str(value), False
