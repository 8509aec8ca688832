"""The Jinja environment every generated fragment is rendered with.

Autoescaping is on for every template, so a value from front matter is escaped wherever it
lands; nothing builds HTML from untrusted text by hand. Templates live in
`templates/postmortems/`; a site overrides one by putting a file of the same name under
`postmortems/` in its theme's `custom_dir` (as mkdocs-material's own fragments are overridden).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from ..measures import PERCENTILE_MIN, SMALL_SAMPLE
from ..settings import Settings

# src_uri of a docs file (e.g. "services/checkout-api/index.md") -> href relative to the current page.
Link = Callable[[str], str]


def duration(delta: dt.timedelta | None) -> str:
    """'52 min', '1 h 47 min', '2 d 3 h'; an en dash when unknown."""
    if delta is None:
        return "–"
    total = round(delta.total_seconds() / 60)
    if total < 60:
        return f"{total} min"
    hours, mins = divmod(total, 60)
    if hours < 48:
        return f"{hours} h {mins} min" if mins else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def minutes(value: float | None) -> str:
    return "–" if value is None else duration(dt.timedelta(minutes=float(value)))


def number(value: float | int | None) -> str:
    if value is None:
        return "–"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}%"


def attr_json(value: object) -> Markup:
    """A value as JSON for a data-* attribute (kb.js's filters compare parsed values exactly)."""
    return escape(json.dumps(value, ensure_ascii=False))


_UNSAFE_IN_TEXT = re.compile(r"[<>&]")


def figure_json(payload: str) -> Markup:
    """Figure JSON inside a <template>: trusted only after checking it cannot end the element or form
    an entity (postmortem_analytics.figures writes `<`, `>` and `&` as JSON escapes)."""
    if _UNSAFE_IN_TEXT.search(payload):
        raise ValueError("figure JSON holds raw '<', '>' or '&'")
    return Markup(payload)


def web_url(value: str | None) -> str | None:
    """An http(s) URL, or None: a ticket such as `javascript:...` never becomes a link."""
    if not value:
        return None
    parts = urlsplit(value.strip())
    return value.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def environment(theme_dirs: Sequence[str] = ()) -> Environment:
    loaders: list[Any] = [FileSystemLoader(list(theme_dirs))] if theme_dirs else []
    loaders.append(PackageLoader("postmortem_kb", "templates"))
    env = Environment(
        loader=ChoiceLoader(loaders), autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True
    )
    env.filters.update(
        duration=duration,
        minutes=minutes,
        number=number,
        pct=pct,
        attr_json=attr_json,
        figure_json=figure_json,
    )
    return env


class Renderer:
    """Renders `postmortems/<name>.html` with the helpers every fragment may use."""

    def __init__(self, settings: Settings, theme_dirs: Sequence[str] = ()) -> None:
        self.settings = settings
        self.env = environment(theme_dirs)
        self.env.globals.update(
            severity_rank=self.severity_rank,
            service_uri=self.service_uri,
            small_sample=SMALL_SAMPLE,
            percentile_min=PERCENTILE_MIN,
        )

    def render(self, name: str, link: Link, **context: Any) -> Markup:
        """The fragment as Markup: it was escaped while rendering, so another template may embed it."""
        html = self.env.get_template(f"postmortems/{name}.html").render(link=link, **context)
        return Markup(html)

    def severity_rank(self, severity: str) -> int:
        """1 for the most severe configured level; colours stop at 4."""
        names = self.settings.severity_names
        return min(names.index(severity) + 1, 4) if severity in names else 4

    def service_uri(self, slug: str) -> str:
        return f"{self.settings.pages.services}/{slug}/index.md"
