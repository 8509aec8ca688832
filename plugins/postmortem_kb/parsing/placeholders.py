"""Template placeholders such as `{2-3 sentence summary ...}` left in a postmortem's text."""

from __future__ import annotations

import re
from collections.abc import Iterator

# `{...}` but not `{{ jinja }}`, attr_list `{: .class}` / `{#anchor}` or `{%`.
PLACEHOLDER = re.compile(r"(?<!\{)\{(?![{#.:%])[^{}\n]+\}(?!\})")
_INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")


def find_in_text(text: str) -> Iterator[re.Match[str]]:
    """Placeholders in one Markdown line, ignoring inline code spans."""
    if "{" not in text:
        return
    masked = _INLINE_CODE.sub(lambda m: " " * len(m.group(0)), text)
    yield from PLACEHOLDER.finditer(masked)
