"""Page builders on their own: formatting, escaping and records, without a build."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from postmortem_kb.corpus import EntryCache, load_entry
from postmortem_kb.pages.card import summary_card
from postmortem_kb.pages.incidents import incidents_rows, incidents_table
from postmortem_kb.pages.render import Renderer, duration
from postmortem_kb.pages.tables import rows_json
from postmortem_kb.records import Incident
from postmortem_kb.settings import Settings

from .sites import base


def incident(text: str, name: str = "2025-01-14-x.md") -> Incident:
    entry = load_entry(name, name, text.encode(), Settings())
    assert entry.incident is not None, entry.findings
    return entry.incident


def link(src_uri: str) -> str:
    return "/" + src_uri.removesuffix("index.md").removesuffix(".md")


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(0, "0 min"), (52, "52 min"), (60, "1 h"), (107, "1 h 47 min"), (47 * 60, "47 h"), (49 * 60, "2 d 1 h")],
)
def test_duration(minutes: int, text: str) -> None:
    assert duration(dt.timedelta(minutes=minutes)) == text


def test_record_phases_match_the_handbook_definitions() -> None:
    record = incident(base())
    phases = record.phases()
    assert {k: v.total_seconds() / 60 for k, v in phases.items() if v} == {"ttd": 4, "tta": 3, "ttdiag": 22, "ttf": 23}
    assert sum((v for v in phases.values() if v), dt.timedelta()) == record.duration == dt.timedelta(minutes=52)


def test_without_diagnosed_ttf_spans_acknowledged_to_resolved() -> None:
    record = incident(base(("  diagnosed: 2025-01-14T15:31:00Z\n", "")))
    assert record.phases()["ttdiag"] is None
    assert record.phases()["ttf"] == dt.timedelta(minutes=45)
    card = summary_card(record, Renderer(Settings()), link, dt.date(2025, 2, 1))
    assert "TTDiag+TTF 45 min" in card
    # no TTDiag on the bar: TTF starts where TTA ends (4 and 3 of 52 minutes) and runs to the end
    assert 'style="--a:7.7%;--b:13.5%;--c:13.5%;--d:100%;"' in card


def test_action_items_from_the_table_when_front_matter_has_none() -> None:
    text = base(("action_items:\n", "x_items:\n"))
    entry = load_entry("x.md", "x.md", text.encode(), Settings())
    assert entry.incident is not None
    assert [(a.id, a.status, a.due) for a in entry.incident.action_items] == [
        ("1", "Done", dt.date(2025, 1, 31)),
        ("2", "Open", dt.date(2025, 2, 14)),
    ]


def test_card_counts_overdue_against_today() -> None:
    record = incident(base())
    renderer = Renderer(Settings())
    assert "overdue" not in summary_card(record, renderer, link, dt.date(2025, 2, 14))
    assert "1 overdue" in summary_card(record, renderer, link, dt.date(2025, 2, 15))


def test_rendered_text_is_escaped() -> None:
    record = incident(base(("title: Checkout returned 502s after a config push", 'title: "a & b <i>"')))
    renderer = Renderer(Settings())
    assert "<i>" not in incidents_table([record], renderer, link)  # the rows are in the rows file
    rows = json.loads(rows_json(incidents_rows([record], renderer, link)))  # JSON, which kb.js shows as text
    assert rows["incidents"][0][0] == "a & b <i>"


def test_entries_are_cached_by_content() -> None:
    text, cache = base().encode(), EntryCache()
    first = cache.get("x.md", "docs/x.md", text, Settings())
    assert cache.get("x.md", "docs/x.md", text, Settings()) is first
    assert cache.get("x.md", "docs/x.md", text + b"\nMore.\n", Settings()) is not first
    assert cache.get("x.md", "docs/x.md", text, Settings(blameless="error")) is not first
    assert len(cache) == 3
