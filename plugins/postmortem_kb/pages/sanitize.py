"""Postmortem bodies are untrusted: raw HTML is valid Markdown, so the rendered body is cleaned.

nh3 (Rust's ammonia) keeps the elements and attributes Markdown and mkdocs-material produce
and drops everything that can run script: <script>, event-handler attributes, `javascript:`
URLs, <style>, <iframe>, forms. It parses HTML the way a browser does, which regexes cannot.
"""

from __future__ import annotations

import nh3

_TAGS = nh3.ALLOWED_TAGS | {"input", "label", "svg", "path", "use"}  # task lists, material's icons
_COMMON = {"class", "id", "title", "lang", "dir", "align"}
_ATTRIBUTES: dict[str, set[str]] = {
    "*": _COMMON,
    "a": _COMMON | {"href", "name"},
    "img": _COMMON | {"src", "alt", "width", "height", "loading"},
    "td": _COMMON | {"colspan", "rowspan"},
    "th": _COMMON | {"colspan", "rowspan", "scope"},
    "ol": _COMMON | {"start", "type"},
    "details": _COMMON | {"open"},
    "input": _COMMON | {"type", "checked", "disabled"},
    "label": _COMMON | {"for"},
    "svg": _COMMON | {"viewbox", "xmlns", "width", "height", "aria-hidden"},
    "path": {"d"},
    "code": _COMMON,
}
_SCHEMES = {"http", "https", "mailto"}


# One sanitizer for the whole build: nh3.clean() would convert these sets for every page (~1/3 of its time).
_CLEANER = nh3.Cleaner(tags=_TAGS, attributes=_ATTRIBUTES, url_schemes=_SCHEMES, link_rel=None, strip_comments=True)


def clean(html: str) -> str:
    """The page content with script-capable markup removed; relative links are kept."""
    return _CLEANER.clean(html)
