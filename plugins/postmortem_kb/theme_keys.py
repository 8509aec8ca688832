"""Front-matter keys MkDocs and mkdocs-material give meaning to, and what each may hold.

MkDocs picks the page template from `template`; material prints `description` and `author`
into <meta> tags, hides parts of the page by `hide`, tunes search by `search`, and shows
`icon`, `subtitle` and `comments`. A postmortem arrives in a pull request: `template` (with
`redirect.html` and a `location`) turned a page into a redirect, and a malformed `search` or
`hide` reaches the theme's code. Used by the `theme-key` rule and by page_meta, which hands the
theme only keys that pass.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

# Keys that would change how the page is rendered rather than describe the incident.
REFUSED: dict[str, str] = {
    "template": "would render the page with another template (e.g. a redirect)",
    "redirect": "would turn the page into a redirect",
    "location": "is the target of a redirect template",
}
HIDE_VALUES = frozenset({"navigation", "toc", "footer", "feedback", "path", "tags"})
_ICON = re.compile(r"[a-z0-9-]+(/[a-z0-9-]+)+")


def _line(value: object) -> str | None:
    if not isinstance(value, str) or "\n" in value:
        return "must be one line of text"
    return None if len(value) <= 300 else "must be at most 300 characters"


def _hide(value: object) -> str | None:
    if isinstance(value, list) and all(isinstance(v, str) and v in HIDE_VALUES for v in value):
        return None
    return f"must be a list of {', '.join(sorted(HIDE_VALUES))}"


def _search(value: object) -> str | None:
    if not isinstance(value, dict) or not set(value) <= {"exclude", "boost"}:
        return "must be a mapping with `exclude: true|false` and/or `boost: <number>`"
    if "exclude" in value and not isinstance(value["exclude"], bool):
        return "`search.exclude` must be true or false"
    boost = value.get("boost", 1)
    if isinstance(boost, bool) or not isinstance(boost, int | float) or not math.isfinite(boost) or boost <= 0:
        return "`search.boost` must be a positive number"
    return None


def _icon(value: object) -> str | None:
    return None if isinstance(value, str) and _ICON.fullmatch(value) else "must be an icon name like material/alert"


def _bool(value: object) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


CHECKS: dict[str, Callable[[object], str | None]] = {
    "description": _line,
    "author": _line,
    "subtitle": _line,
    "hide": _hide,
    "search": _search,
    "icon": _icon,
    "comments": _bool,
}
THEME_KEYS = frozenset(REFUSED) | frozenset(CHECKS)


def problem(key: str, value: object) -> str | None:
    """Why `key: value` may not reach the theme, or None when it may."""
    if key in REFUSED:
        return f"`{key}` {REFUSED[key]}; a postmortem always renders with the theme's page template"
    check = CHECKS.get(key)
    reason = check(value) if check is not None else None
    return f"`{key}` {reason} (the theme reads it)" if reason else None
