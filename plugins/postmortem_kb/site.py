"""What the plugin adds to a site, decided without MkDocs objects.

`SitePlan` maps generated page paths to their Markdown, and slots (placeholders in
those pages) to the HTML that fills them once the page's URL is known.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from .corpus import Corpus
from .history import History
from .pages import action_items, handbook, incidents, repeats, services
from .pages import process as process_page
from .pages.card import draft_banner, summary_card
from .pages.html import Link
from .pages.trends_markdown import HOME_MARKER, TRENDS_MARKDOWN
from .process import as_of, fix_closed_by
from .records import SMALL_SAMPLE, Incident
from .relations import Relation, RepeatGroup, find_relations, repeat_groups
from .scaffold import SCHEMA_PATH
from .schema import front_matter_schema
from .settings import Settings

if TYPE_CHECKING:
    import pandas as pd

SLOT = '<div data-pmkb-slot="{name}"></div>'
CHARTED_SERVICES = 100


@dataclass
class SitePlan:
    settings: Settings
    corpus: Corpus
    today: dt.date
    incidents: list[Incident] = field(default_factory=list)
    groups: dict[str, list[Incident]] = field(default_factory=dict)
    history: History = field(default_factory=History)  # commit times (history.py); unavailable by default

    @cached_property
    def all_relations(self) -> list[Relation]:
        """How every incident relates (manual links, same cause and service, similar text);
        computed once for both the similar-incident findings and the pages."""
        s = self.settings
        return find_relations(self.corpus.incidents, s.repeat_window_days, s.similarity_threshold)

    @cached_property
    def relations(self) -> list[Relation]:
        """The relations between incidents the site shows (drafts may be hidden)."""
        shown = self._by_stem
        return [r for r in self.all_relations if r.a in shown and r.b in shown]

    @cached_property
    def repeat_groups(self) -> list[RepeatGroup]:
        return repeat_groups(self.incidents, self.relations, fix_closed_by(self.history))

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

    def __post_init__(self) -> None:
        visible = self.corpus.incidents
        if self.settings.drafts == "hide":
            visible = [i for i in visible if i.status != "Draft"]
        self.incidents = visible
        self.groups = services.by_service(visible)

    def generated_pages(self) -> dict[str, tuple[str, bool]]:
        """src_uri -> (Markdown, whether it may appear in an automatic nav) of every page the plugin adds."""
        paths = self.settings.pages
        # Only incidents/ and trends/ join an automatic nav: material renders the whole nav into every page,
        # so each entry costs bytes on every postmortem. The other pages are linked from it;
        # list them in mkdocs.yml's nav to show them there.
        pages = {
            # incidents.md and trends.md, not incidents/index.md: in an automatic nav a folder
            # becomes a section, several times the markup of a link, repeated on every page
            f"{paths.incidents}.md": (incidents.incidents_markdown(self.settings), True),
            f"{paths.services}/index.md": (services.SERVICES_MARKDOWN, False),
            f"{paths.action_items}/index.md": (action_items.action_items_markdown(), False),
            f"{paths.repeat_causes}/index.md": (repeats.repeat_causes_markdown(self.settings), False),
        }
        if self.settings.analytics:
            pages[f"{paths.trends}.md"] = (TRENDS_MARKDOWN, True)
        for slug in self.groups:
            pages[f"{paths.services}/{slug}/index.md"] = (services.service_markdown(slug), False)
        for name, markdown in handbook.handbook_pages(self.settings).items():
            pages[f"{paths.handbook}/{name}"] = (markdown, False)
        return pages

    @cached_property
    def frames(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        # pandas and plotly are imported here, not at module level: with `analytics: false`
        # a build never pays their import time and memory.
        from postmortem_analytics.frames import action_items_frame, incidents_frame

        return incidents_frame(self.incidents, self.history), action_items_frame(
            self.incidents, self.today, self.history
        )

    def exports(self) -> dict[str, str]:
        """src_uri -> content of the data files published with the site."""
        files = {SCHEMA_PATH: json.dumps(front_matter_schema(self.settings), indent=2) + "\n"}
        if self.settings.analytics:
            from postmortem_analytics import exports

            frame, items = self.frames
            files["exports/incidents.json"] = exports.incidents_json(frame)
            files["exports/incidents.csv"] = exports.incidents_csv(frame)
            files["exports/action-items.csv"] = exports.action_items_csv(items)
        return files

    def fill(self, src_uri: str, html: str, link: Link) -> str:
        """Fill the slots of a generated page (and the chart marker of any page) with their HTML."""
        paths = self.settings.pages
        if HOME_MARKER in html:
            html = html.replace(HOME_MARKER, self._charts("home"))
        if src_uri == f"{paths.trends}.md":
            return html.replace(SLOT.format(name="trends"), self._charts("trends") + self._process())
        if src_uri == f"{paths.incidents}.md":
            table = incidents.incidents_table(self.incidents, self.settings, link)
            return html.replace(SLOT.format(name="incidents"), table)
        if src_uri == f"{paths.services}/index.md":
            table = services.services_index(self.groups, self.settings, link, self.today)
            return html.replace(SLOT.format(name="services"), table)
        if src_uri == f"{paths.action_items}/index.md":
            page = action_items.action_items_html(self.incidents, self.settings, link, self.today)
            page += process_page.closing_section(self.incidents, self.history, link)
            return html.replace(SLOT.format(name="action-items"), page)
        if src_uri == f"{paths.repeat_causes}/index.md":
            page = repeats.repeat_causes_html(self.repeat_groups, self.settings, link)
            return html.replace(SLOT.format(name="repeat-causes"), page)
        if src_uri.startswith(f"{paths.services}/") and src_uri.endswith("/index.md"):
            slug = src_uri[len(paths.services) + 1 : -len("/index.md")]
            if slug in self.groups:
                charts = self._charts("service", slug)
                page = services.service_page(slug, self.groups[slug], self.settings, link, self.today, charts)
                return html.replace(f'<div data-pmkb-slot="service" data-service="{slug}"></div>', page)
        return html

    @cached_property
    def _charted_services(self) -> dict[str, list[int]]:
        """Row numbers of each service's incidents, for the services that get charts: those with
        at least SMALL_SAMPLE incidents, the busiest CHARTED_SERVICES of them. A plotly figure
        costs milliseconds to build, and a chart of three incidents says little."""
        frame, _items = self.frames
        rows: dict[str, list[int]] = {}
        for index, names in zip(frame.index, frame["services"], strict=True):
            for name in names:
                rows.setdefault(name, []).append(index)
        busiest = sorted((s for s, r in rows.items() if len(r) >= SMALL_SAMPLE), key=lambda s: -len(rows[s]))
        return {s: rows[s] for s in busiest[:CHARTED_SERVICES]}

    def _charts(self, where: str, slug: str = "") -> str:
        if not self.settings.analytics:
            return ""
        from .pages import trends

        frame, items = self.frames
        if where == "trends":
            return trends.trends_html(frame, items, self.settings, self.today)
        if where == "home":
            return trends.home_charts_html(frame, items, self.settings, self.today)
        rows = self._charted_services.get(slug)
        if rows is None:
            return '<p class="pmkb-note">Charts are drawn for services with at least five incidents.</p>'
        return trends.service_charts_html(frame.loc[rows], self.settings)

    def _process(self) -> str:
        from postmortem_analytics.process import time_to_postmortem

        from .pages.figures import figure_html

        frame, _items = self.frames
        has_times = frame["hours_to_draft"].notna().any() if not frame.empty else False
        chart = (
            figure_html(time_to_postmortem(frame, self.settings.severity_names), "time-to-postmortem")
            if has_times
            else ""
        )
        return process_page.trends_section(self.incidents, self.history, self.settings, as_of(self.today), chart)

    def decorate(self, src_uri: str, output: str, link: Link) -> str:
        """Put the summary card (and a draft banner) under a postmortem's title in the finished page.

        Done on the finished page, after search indexing: the card repeats front matter, and
        parsing it for the index on every page was most of the plugin's build time.
        """
        entry = self.corpus.entries.get(src_uri)
        if entry is None or entry.incident is None:
            return output
        incident = entry.incident
        related = repeats.related_html(incident, self._relations_of.get(incident.stem, []), self._by_stem, link)
        process = process_page.card_line(incident, self.history, self.settings, as_of(self.today))
        card = summary_card(incident, self.settings, link, self.today, related, process)
        card = repeats.recurred_banner(incident, self._group_of.get(incident.stem), link) + card
        if incident.status == "Draft":
            card = draft_banner() + card
        # The first </h1> closes the page title: the page's own H1, or the one material adds.
        end_of_title = output.find("</h1>")
        if end_of_title < 0:
            return output
        cut = end_of_title + len("</h1>")
        return output[:cut] + card + output[cut:]
