"""Escaping and small formatting helpers shared by every generated page."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Sequence

from ..settings import Settings

# src_uri of a docs file (e.g. "services/checkout-api/index.md") -> href relative to the current page.
Link = Callable[[str], str]


def esc(value: object) -> str:
    """HTML-escape text from front matter (titles, tags, owners...), quotes included."""
    return html.escape(str(value), quote=True)


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


def severity_rank(severity: str, settings: Settings) -> int:
    """1 for the most severe configured level; colours stop at 4."""
    names = settings.severity_names
    return min(names.index(severity) + 1, 4) if severity in names else 4


def severity_badge(severity: str, settings: Settings) -> str:
    rank = severity_rank(severity, settings)
    return f'<span class="pmkb-sev pmkb-sev--{rank}">{esc(severity)}</span>'


def status_badge(status: str) -> str:
    return f'<span class="pmkb-status pmkb-status--{esc(status.lower())}">{esc(status)}</span>'


def number(value: float | int | None) -> str:
    if value is None:
        return "–"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def filter_select(name: str, label: str, values: Sequence[str]) -> str:
    """A <select> that kb.js uses to show only the table rows whose data-<name> holds the value."""
    options = "".join(f'<option value="{esc(v)}">{esc(v)}</option>' for v in values)
    return f'<label>{label} <select data-filter="{name}"><option value="">All</option>{options}</select></label>'


def service_uri(settings: Settings, slug: str) -> str:
    return f"{settings.pages.services}/{slug}/index.md"
