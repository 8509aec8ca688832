"""What the plugin adds to a site, decided without MkDocs objects.

`SitePlan` maps generated page paths to their Markdown, and slots (placeholders in those
pages) to the HTML that fills them once the page's URL is known. Slots are rendered through
`SLOTS`, a registry of slot name -> renderer.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from markupsafe import Markup

from .analytics_api import EXPORT_URIS, SiteAnalytics, load_analytics
from .corpus import Corpus
from .feed import atom_feed
from .findings import Finding
from .history import History, unavailable
from .pages import action_items, handbook, incidents, repeats, services
from .pages.card import summary_card
from .pages.process import card_process, process_section
from .pages.render import Link, Renderer
from .pages.tables import ACTION_ITEM_ROWS, INCIDENT_ROWS, rows_json
from .process import as_of, fix_closed_by
from .records import Incident, shown
from .relations import Relation, RepeatGroup, is_repeat, is_similar, relations_for, repeat_groups, repeat_stems
from .rules.cross_file import similar_incidents
from .rules.links import corpus_findings
from .scaffold import SCHEMA_PATH
from .schema import front_matter_schema
from .settings import Settings

HOME_MARKER = "<!-- postmortems:charts -->"
NOT_READ = unavailable("history not read")
ACTION_ITEMS_CSV = "exports/action-items.csv"
INCIDENTS_JSON = "exports/incidents.json"
HOME_URI = "index.md"
HOME_PART = "#home"  # the home charts' part: not a slot name (those match [a-z-]+), so no slot can ask for it
_SLOT = re.compile(r'<div data-pmkb-slot="([a-z-]+)"(?: data-arg="([a-z0-9-]*)")?></div>')

TRENDS_MARKDOWN = """---
title: Trends
search:
  exclude: true
---

# Incident trends

<div data-pmkb-slot="trends"></div>
"""


@dataclass
class SitePlan:
    settings: Settings
    corpus: Corpus
    today: dt.date
    renderer: Renderer
    incidents: list[Incident] = field(default_factory=list)
    groups: dict[str, list[Incident]] = field(default_factory=dict)
    # Commit times (history.py). A callable, called on first use only: the plugin starts the
    # history pass early and this waits for it, so git runs while the build parses and renders.
    read_history: Callable[[], History] = lambda: NOT_READ

    def __post_init__(self) -> None:
        visible = shown(self.corpus.incidents, self.settings.drafts)
        self.incidents = visible
        self.groups = services.by_service(visible)

    @cached_property
    def all_relations(self) -> list[Relation]:
        """How every incident relates (manual links, repeats, similar incidents); computed once for
        both the similar-incident findings and the pages."""
        return relations_for(self.corpus.incidents, self.settings)

    @cached_property
    def relations(self) -> list[Relation]:
        """The relations between incidents the site shows (drafts may be hidden)."""
        shown = self._by_stem
        return [r for r in self.all_relations if r.a in shown and r.b in shown]

    @cached_property
    def history(self) -> History:
        return self.read_history()

    @cached_property
    def repeat_groups(self) -> list[RepeatGroup]:
        """With real close dates for "recurred after a fix" when history has them."""
        return repeat_groups(self.incidents, self.relations, fix_closed_by(self.history))

    @cached_property
    def _repeat_stems(self) -> set[str]:
        # Which incidents repeat does not depend on close dates: no need to wait for the history.
        return repeat_stems(repeat_groups(self.incidents, self.relations))

    @cached_property
    def _by_stem(self) -> dict[str, Incident]:
        return {i.stem: i for i in self.incidents}

    @cached_property
    def _relations_of(self) -> dict[str, list[Relation]]:
        out: dict[str, list[Relation]] = {}
        for rel in self.relations:
            out.setdefault(rel.a, []).append(rel)
            out.setdefault(rel.b, []).append(rel)
        return out

    @cached_property
    def _group_of(self) -> dict[str, RepeatGroup]:
        return {i.stem: g for g in self.repeat_groups for i in g.incidents}

    @cached_property
    def analytics(self) -> SiteAnalytics | None:
        """pandas and plotly load here, through the entry point, only with `analytics: true`."""
        if not self.settings.analytics:
            return None
        module = load_analytics()
        return module.SiteAnalytics(self.incidents, self.settings, self.today, self._repeat_stems, lambda: self.history)

    def generated_pages(self) -> dict[str, tuple[str, bool]]:
        """src_uri -> (Markdown, whether it may appear in an automatic nav) of every page the plugin adds."""
        return generated_pages(self.settings, self.groups)

    def export_uris(self) -> list[str]:
        return export_uris(self.settings)

    def findings(self) -> list[Finding]:
        """Every finding of the knowledge base: each file's, then those that compare files."""
        entries = self.corpus.entries.values()
        return [*self.corpus.findings, *similar_incidents(entries, self.all_relations), *corpus_findings(entries)]

    def services_shown(self) -> list[str]:
        """The services that get a page (generated_pages)."""
        return list(self.groups)

    def exports(self, url_of: Callable[[str], str | None]) -> dict[str, str]:
        """src_uri -> content of the data files published with the site; `url_of` gives a page's URL."""
        files = {SCHEMA_PATH: json.dumps(front_matter_schema(self.settings), indent=2) + "\n"}
        if self.analytics is not None:
            files.update(self.analytics.exports(url_of))
        return files

    def feed(self, url_of: Callable[[str], str | None], title: str, site_url: str | None) -> str:
        return atom_feed(self.incidents, url_of, title=title, site_url=site_url, feed_uri=self.settings.pages.feed)

    def fill(self, html: str, link: Link) -> str:
        """Fill the slots of a generated page (and the chart marker of any page) with their HTML."""
        return fill(html, lambda name, arg: self.part(name, arg, link))

    def part(self, name: str, arg: str, link: Link) -> str:
        """The HTML of one slot (or of the home page's charts, `HOME_PART`) on the page `link` is relative to."""
        if name == HOME_PART:
            return self.home(link)
        return SLOTS[name](self, arg, link) if name in SLOTS else ""

    def home(self, link: Link) -> str:
        a = self.analytics
        return self.renderer.render(
            "home",
            link,
            empty=a is None or a.empty,
            headline=self._headline(link),
            charts=[] if a is None else a.home_charts(),
            feed_uri=self.settings.pages.feed,
        )

    def head(self, src_uri: str, output: str, link: Link) -> str:
        return head(self.settings, src_uri, output, link)

    def _headline(self, link: Link) -> str:
        a = self.analytics
        if a is None or a.empty:
            return ""
        return self.renderer.render("headline", link, h=a.headline(), today=self.today)

    def trends(self, link: Link) -> str:
        a = self.analytics
        if a is None:
            return ""
        return self.renderer.render(
            "trends",
            link,
            empty=a.empty,
            headline=self._headline(link),
            sections=[] if a.empty else a.trend_sections(),
            quarters=[] if a.empty else a.quarter_rows(),
            major_label="/".join(self.settings.major_severities) or "Major",
            process=None if a.empty else process_section(self.incidents, self.history, self.settings, self._now),
            process_chart=None if a.empty else a.process_chart(),
        )

    @cached_property
    def _now(self) -> dt.datetime:
        return as_of(self.today)

    @cached_property
    def action_rows(self) -> list[action_items.Row]:
        """Every action item with its close date: for action-items/ and its rows file (waits for the history)."""
        return action_items.action_rows(self.incidents, self.today, self.history)

    def action_items_page(self, link: Link) -> str:
        csv_uri = ACTION_ITEMS_CSV if self.settings.analytics else None
        return action_items.action_items_html(
            self.incidents, self.action_rows, self.renderer, link, self.today, csv_uri=csv_uri, history=self.history
        )

    def row_files(self, link: Link) -> dict[str, str]:
        """src_uri -> text of the rows files kb.js draws the tables from (pages/tables.py); `link` gives
        hrefs relative to their folder."""
        # With analytics, the incidents' rows are those of exports/incidents.json (one copy in the site):
        # the rows file says only how to show them.
        incident_rows = (
            incidents.rows_from_export(self.incidents, self.renderer, link, INCIDENTS_JSON)
            if self.settings.analytics
            else incidents.incidents_rows(self.incidents, self.renderer, link)
        )
        rows = {
            INCIDENT_ROWS: incident_rows,
            ACTION_ITEM_ROWS: action_items.action_item_rows(self.action_rows, self.renderer, link),
        }
        return {uri: rows_json(data) for uri, data in rows.items()}

    def service(self, slug: str, link: Link) -> str:
        members = self.groups.get(slug)
        if members is None:
            return ""
        charts = self.analytics.service_charts(slug) if self.analytics is not None else None
        return services.service_page(
            slug, members, self.renderer, link, analytics=self.analytics is not None, charts=charts
        )

    def similar(self) -> Sequence[Relation]:
        return [r for r in self.relations if is_similar(r)]

    def decorate(self, src_uri: str, output: str, link: Link) -> str:
        """Put the summary card (and banners) under a postmortem's title in the finished page."""
        return with_card(output, self.card(src_uri, link))

    def card(self, src_uri: str, link: Link) -> str | None:
        """A postmortem's summary card as HTML; None for a page that is not a valid postmortem."""
        entry = self.corpus.entries.get(src_uri)
        if entry is None or entry.incident is None:
            return None
        incident = entry.incident
        relations = self._relations_of.get(incident.stem, [])
        group = self._group_of.get(incident.stem)
        process = card_process(incident, self.history, self.settings, self._now)
        # str(card): `str + Markup` would escape the whole page (Markup.__radd__ escapes the str).
        return str(summary_card(incident, self.renderer, link, self.today, relations, self._by_stem, group, process))


Slot = Callable[[SitePlan, str, Link], str]
Part = Callable[[str, str], str]  # (slot name, argument) -> the part's HTML on one page


def generated_pages(settings: Settings, slugs: Iterable[str]) -> dict[str, tuple[str, bool]]:
    """src_uri -> (Markdown, whether it may appear in an automatic nav) of every page the plugin
    adds, with a page for each of the services `slugs` (sorted)."""
    paths = settings.pages
    # Only incidents and trends join an automatic nav: material renders the whole nav into every page,
    # so each entry costs bytes on every postmortem. The other pages are linked from it;
    # list them in mkdocs.yml's nav to show them there.
    pages = {
        # incidents.md and trends.md, not incidents/index.md: in an automatic nav a folder
        # becomes a section, several times the markup of a link, repeated on every page
        f"{paths.incidents}.md": (incidents.incidents_markdown(settings), True),
        f"{paths.services}/index.md": (services.SERVICES_MARKDOWN, False),
        f"{paths.action_items}/index.md": (action_items.action_items_markdown(), False),
        f"{paths.repeat_causes}/index.md": (repeats.repeat_causes_markdown(settings), False),
    }
    if settings.analytics:
        pages[f"{paths.trends}.md"] = (TRENDS_MARKDOWN, True)
    for slug in slugs:
        pages[service_uri(settings, slug)] = (services.service_markdown(slug), False)
    for name, markdown in handbook.handbook_pages(settings).items():
        pages[f"{paths.handbook}/{name}"] = (markdown, False)
    return pages


def service_uri(settings: Settings, slug: str) -> str:
    return f"{settings.pages.services}/{slug}/index.md"


def export_uris(settings: Settings) -> list[str]:
    return [SCHEMA_PATH, *(EXPORT_URIS if settings.analytics else ())]


def fill(html: str, part: Part) -> str:
    """Fill the slots of a generated page (and the chart marker of any page) with their HTML,
    `part(name, arg)` (SitePlan.part, or the same made ahead: build_ahead.py)."""
    if HOME_MARKER in html:
        html = html.replace(HOME_MARKER, part(HOME_PART, ""))
    if "data-pmkb-slot" not in html:
        return html
    return _SLOT.sub(lambda m: part(m.group(1), m.group(2) or ""), html)


def with_card(output: str, card: str | None) -> str:
    """A finished postmortem page with its summary card (and banners) under its title.

    Done on the finished page, after search indexing: the card repeats front matter, and
    parsing it for the index on every page was most of the plugin's build time.
    """
    if card is None:
        return output
    # The first </h1> closes the page title: the page's own H1, or the one material adds.
    end_of_title = output.find("</h1>")
    if end_of_title < 0:
        return output
    cut = end_of_title + len("</h1>")
    return output[:cut] + card + output[cut:]


def head(settings: Settings, src_uri: str, output: str, link: Link) -> str:
    """The home page announces the feed in its <head>, where browsers and feed readers look."""
    if src_uri != HOME_URI or "</head>" not in output:
        return output
    tag = Markup('<link rel="alternate" type="application/atom+xml" title="Postmortems" href="{}">')
    return output.replace("</head>", str(tag.format(link(settings.pages.feed))) + "</head>", 1)


def expected_parts(markdown: str) -> list[tuple[str, str]]:
    """The parts (slot name, argument) a page's Markdown asks for: its raw slot elements and the
    home marker pass through Markdown unchanged, so its HTML will ask for the same ones."""
    parts = [(HOME_PART, "")] if HOME_MARKER in markdown else []
    return parts + [(m.group(1), m.group(2) or "") for m in _SLOT.finditer(markdown)]


SLOTS: dict[str, Slot] = {
    "trends": lambda plan, _arg, link: plan.trends(link),
    "incidents": lambda plan, _arg, link: incidents.incidents_table(plan.incidents, plan.renderer, link),
    "services": lambda plan, _arg, link: services.services_index(plan.groups, plan.renderer, link, plan.today),
    "service": lambda plan, slug, link: plan.service(slug, link),
    "action-items": lambda plan, _arg, link: plan.action_items_page(link),
    "repeat-causes": lambda plan, _arg, link: repeats.repeat_causes_html(
        plan.repeat_groups, plan.similar(), plan._by_stem, plan.renderer, link
    ),
}

__all__ = [
    "HOME_MARKER",
    "HOME_PART",
    "SLOTS",
    "SitePlan",
    "expected_parts",
    "fill",
    "generated_pages",
    "head",
    "is_repeat",
    "with_card",
]
