"""The `postmortems` MkDocs plugin: hooks only, each handing off to the layers below."""

from __future__ import annotations

import html
import os
from collections.abc import MutableMapping
from importlib import resources
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from .clock import today
from .config import PostmortemsConfig, to_settings
from .corpus import collect, relation_findings
from .history import HistoryReader
from .pages.html import Link
from .settings import Settings
from .site import SitePlan

log = get_plugin_logger(__name__)
ASSETS = {"assets/postmortem-kb/kb.css": "kb.css", "assets/postmortem-kb/kb.js": "kb.js"}
PLOTLY_URI = "assets/postmortem-kb/plotly.min.js"  # kb.js loads it from beside itself
PLOTLY_JS = str(resources.files("plotly").joinpath("package_data/plotly.min.js"))


class PostmortemsPlugin(BasePlugin[PostmortemsConfig]):  # type: ignore[no-untyped-call]
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.settings = Settings()
        self.plan: SitePlan | None = None
        self.files: Files | None = None
        self.history = HistoryReader()  # kept across `mkdocs serve` rebuilds: re-read only when HEAD moves

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return config
        docs_dir = os.path.relpath(config.docs_dir, os.path.dirname(config.config_file_path or "."))
        self.settings = to_settings(self.config, docs_dir)
        config.extra_css.append("assets/postmortem-kb/kb.css")
        config.extra_javascript.append("assets/postmortem-kb/kb.js")
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled:
            return files
        postmortems = [
            f for f in files.documentation_pages() if self.settings.is_postmortem_name(os.path.basename(f.src_uri))
        ]
        root = os.path.dirname(config.config_file_path or ".")
        on_disk = [f for f in postmortems if f.abs_src_path and f.generated_by is None]
        jobs = [(f.src_uri, _display(f, root), Path(f.abs_src_path)) for f in on_disk if f.abs_src_path]
        # pages another plugin generated have no file to read: their content is judged directly
        contents = ((f.src_uri, _display(f, root), f.content_bytes) for f in postmortems if f not in on_disk)
        corpus = collect(jobs, contents, self.settings)
        self.plan = SitePlan(self.settings, corpus, today(), history=self.history.read(Path(config.docs_dir)))
        # Every finding as a warning, so that --strict reports all of them and then fails.
        for f in [*corpus.findings, *relation_findings(corpus, self.settings, self.plan.all_relations)]:
            log.warning(f"{f.path}:{f.line}:{f.col}: {f.level} [{f.rule}] {f.message}")
        drafts = {i.src_uri for i in corpus.incidents if i.status == "Draft"}
        for file in postmortems:
            if self.settings.drafts == "hide" and file.src_uri in drafts:
                files.remove(file)
            elif file.inclusion is InclusionLevel.INCLUDED:
                # Out of the navigation: a nav listing 10,000 postmortems on every page makes builds quadratic.
                file.inclusion = InclusionLevel.NOT_IN_NAV
        for src_uri, (markdown, in_nav) in self.plan.generated_pages().items():
            inclusion = InclusionLevel.UNDEFINED if in_nav else InclusionLevel.NOT_IN_NAV
            _add(files, File.generated(config, src_uri, content=markdown, inclusion=inclusion))
        for src_uri, name in ASSETS.items():
            content = resources.files("postmortem_kb").joinpath(f"assets/{name}").read_bytes()
            _add(files, File.generated(config, src_uri, content=content))
        if self.settings.analytics:
            # plotly.js from the plotly package itself: the site never fetches it from a CDN
            _add(files, File.generated(config, PLOTLY_URI, abs_src_path=PLOTLY_JS))
        for src_uri, text in self.plan.exports().items():
            _add(files, File.generated(config, src_uri, content=text))
        self.files = files
        return files

    @event_priority(50)  # before mkdocs-material's tags plugin reads the tags
    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if self.plan is not None and page.file.src_uri in self.plan.corpus.entries:
            _make_safe(page.meta)
        return markdown

    def on_page_content(self, html_: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if self.plan is None:
            return html_
        return self.plan.fill(page.file.src_uri, html_, _linker(files, page))

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        if self.plan is None or self.files is None:
            return output
        return self.plan.decorate(page.file.src_uri, output, _linker(self.files, page))


def _linker(files: Files, page: Page) -> Link:
    base = page.file.url

    def link(src_uri: str) -> str:
        target = files.get_file_from_path(src_uri)
        return get_relative_url(target.url, base) if target is not None else "#"

    return link


def _make_safe(meta: MutableMapping[str, Any]) -> None:
    """mkdocs-material puts the title and tags into the page unescaped; hand it escaped text."""
    if isinstance(meta.get("title"), str):
        meta["title"] = html.escape(meta["title"])
    if isinstance(meta.get("tags"), list):
        meta["tags"] = [html.escape(str(tag)) for tag in meta["tags"]]


def _display(file: File, root: str) -> str:
    return os.path.relpath(file.abs_src_path, root) if file.abs_src_path else file.src_uri


def _add(files: Files, file: File) -> None:
    if files.get_file_from_path(file.src_uri) is not None:
        raise PluginError(
            f"postmortems: '{file.src_uri}' already exists in docs_dir; the plugin generates it. "
            "Move that file or change the page paths under plugins.postmortems.pages."
        )
    files.append(file)
