"""A postmortem's front matter as the theme sees it (`page.meta`), made safe to print.

MkDocs' theme environment does not autoescape: mkdocs-material prints the title, tags,
`description` and `author` into the header, navigation, tag lists and <meta> tags as they
are, and MkDocs picks the page's template from `template`. Front matter arrives in a pull
request, so the plugin hands the theme escaped text and no template switch.
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from typing import Any

from markupsafe import escape

from .theme_keys import REFUSED, problem

# Keys that steer how MkDocs or the theme renders the page rather than say something about the
# incident: a postmortem always renders with the theme's page template.
THEME_CONTROLS = frozenset(REFUSED)
# What MkDocs' own YAML load may hand over that `pmkb check` refuses: an alias bomb is a small
# shared structure that every walk (the tags plugin, str()) expands. Past this many values the
# theme gets no front matter at all; the check reports why.
MAX_VALUES = 20_000


def make_safe(meta: MutableMapping[str, Any]) -> None:
    if _too_large(meta):
        meta.clear()
        return
    for key in [k for k in meta if problem(str(k), meta[k]) is not None]:
        del meta[key]  # refused or malformed theme keys (the theme-key rule reports them)
    if "tags" in meta:
        meta["tags"] = [str(escape(tag)) for tag in _as_list(meta["tags"])]
    for key, value in list(meta.items()):
        if key == "title" and value is not None:
            meta[key] = str(escape(_text(value)))
        elif isinstance(value, str):
            meta[key] = str(escape(value))


def _text(value: object) -> str:
    if isinstance(value, bytes):  # `!!binary`: shown as text, never decoded into markup
        return repr(value)
    return str(value)


def _as_list(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (str, bytes, int, float)):
        return [_text(value)]
    if isinstance(value, dict):
        return [_text(k) for k in value]
    if isinstance(value, Iterable):
        return sorted(_text(v) for v in value) if isinstance(value, (set, frozenset)) else [_text(v) for v in value]
    return [_text(value)]


def _too_large(value: object) -> bool:
    """True when `value`, with shared parts counted each time they occur, holds over MAX_VALUES."""
    budget = MAX_VALUES
    stack = [value]
    while stack:
        budget -= 1
        if budget < 0:
            return True
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            stack.extend(item)
    return False
