"""What the plugin adds to a site, decided without MkDocs objects.

`SitePlan` maps generated page paths to their Markdown, and slots (placeholders in
those pages) to the HTML that fills them once the page's URL is known.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .corpus import Corpus
from .pages import handbook, incidents, services
from .pages.card import draft_banner, summary_card
from .pages.html import Link
from .records import Incident
from .settings import Settings

SLOT = '<div data-pmkb-slot="{name}"></div>'


@dataclass
class SitePlan:
    settings: Settings
    corpus: Corpus
    today: dt.date
    incidents: list[Incident] = field(default_factory=list)
    groups: dict[str, list[Incident]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        visible = self.corpus.incidents
        if self.settings.drafts == "hide":
            visible = [i for i in visible if i.status != "Draft"]
        self.incidents = visible
        self.groups = services.by_service(visible)

    def generated_pages(self) -> dict[str, tuple[str, bool]]:
        """src_uri -> (Markdown, whether it may appear in an automatic nav) of every page the plugin adds."""
        paths = self.settings.pages
        pages = {
            f"{paths.incidents}/index.md": (incidents.INCIDENTS_MARKDOWN, True),
            f"{paths.services}/index.md": (services.SERVICES_MARKDOWN, True),
        }
        for slug in self.groups:
            # one page a service: linked from services/, kept out of the nav like postmortems
            pages[f"{paths.services}/{slug}/index.md"] = (services.service_markdown(slug), False)
        for name, markdown in handbook.handbook_pages(self.settings).items():
            pages[f"{paths.handbook}/{name}"] = (markdown, True)
        return pages

    def fill(self, src_uri: str, html: str, link: Link) -> str:
        """Fill the slots of a generated page, or add the card to a postmortem page."""
        paths = self.settings.pages
        if src_uri == f"{paths.incidents}/index.md":
            return html.replace(
                SLOT.format(name="incidents"), incidents.incidents_table(self.incidents, self.settings, link)
            )
        if src_uri == f"{paths.services}/index.md":
            table = services.services_index(self.groups, self.settings, link, self.today)
            return html.replace(SLOT.format(name="services"), table)
        if src_uri.startswith(f"{paths.services}/") and src_uri.endswith("/index.md"):
            slug = src_uri[len(paths.services) + 1 : -len("/index.md")]
            if slug in self.groups:
                page = services.service_page(slug, self.groups[slug], self.settings, link, self.today)
                return html.replace(f'<div data-pmkb-slot="service" data-service="{slug}"></div>', page)
        entry = self.corpus.entries.get(src_uri)
        if entry is not None and entry.incident is not None:
            return _with_card(html, entry.incident, self.settings, link, self.today)
        return html


def _with_card(html: str, incident: Incident, settings: Settings, link: Link, today: dt.date) -> str:
    card = summary_card(incident, settings, link, today)
    if incident.status == "Draft":
        card = draft_banner() + card
    end_of_title = html.find("</h1>")
    if end_of_title < 0:
        return card + html
    cut = end_of_title + len("</h1>")
    return html[:cut] + card + html[cut:]
