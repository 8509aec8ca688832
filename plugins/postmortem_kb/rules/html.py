"""Raw HTML in front-matter text.

mkdocs-material renders page titles and tags into the header, the navigation and
the tag list without escaping, so `<script>` in a title would run on the site.
Front matter is plain text; this rule stops markup before it reaches a page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..findings import Finding
from .context import Context
from .paths import dotted

_TAG = re.compile(r"<\s*[A-Za-z!/?]|&#?\w+;")


def check(ctx: Context) -> Iterator[Finding]:
    for path, value in ctx.strings:
        match = _TAG.search(value)
        if match:
            yield ctx.finding(
                "frontmatter-html",
                ctx.value_pos(*path),
                f"raw HTML or an HTML entity ({match.group(0)!r}) in `{dotted(path)}`; "
                "front matter is plain text, write it without markup",
            )
