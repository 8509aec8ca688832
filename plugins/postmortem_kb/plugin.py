"""The `postmortems` MkDocs plugin: hooks only, each handing off to the layers below.

State lives on the plugin instance: MkDocs (>= 1.4) keeps a plugin that defines `on_startup`
across `mkdocs serve` rebuilds, so the content cache survives them and the command is known.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Literal

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from . import palette, preview
from .cache_store import Store, open_store
from .clock import ClockError, today
from .config import PostmortemsConfig, to_settings
from .corpus import EntryCache, collect
from .history import HistoryReader, Pending
from .idle_gc import IdleCollector
from .page_meta import make_safe
from .pages.render import Link, Renderer
from .pages.sanitize import clean
from .pages.tables import ROW_FILES
from .rules.cross_file import similar_incidents
from .rules.links import corpus_findings
from .serve_delay import shorten_build_delay
from .settings import Settings
from .site import SitePlan
from .template_cache import ThemeCache
from .verdict import fails

log = get_plugin_logger(__name__)
CSS_URI = "assets/postmortem-kb/kb.css"
JS_URI = "assets/postmortem-kb/kb.js"
PLOTLY_URI = "assets/postmortem-kb/plotly.min.js"  # kb.js loads it from beside itself
# plotly.js's basic partial bundle (npm: plotly.js-basic-dist-min: bar, pie, scatter), vendored with its
# licence: the trace types the charts use at a quarter of the full bundle's size; never fetched from a CDN.
PLOTLY_DIR = "assets/plotly"
PLOTLY_FILES = {PLOTLY_URI: "plotly-basic.min.js", "assets/postmortem-kb/plotly.LICENSE.txt": "LICENSE"}

Command = Literal["build", "gh-deploy", "serve"]


class PostmortemsPlugin(BasePlugin[PostmortemsConfig]):  # type: ignore[no-untyped-call]
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.settings = Settings()
        self.command: Command = "build"
        self.cache = EntryCache()  # kept across serve rebuilds: only changed files are judged again
        self.plan: SitePlan | None = None
        self.files: Files | None = None
        self.history = HistoryReader()  # kept across `mkdocs serve` rebuilds: read again only when HEAD moves
        self.pending: Pending | None = None
        self.exports: dict[str, File] = {}
        self.row_files: dict[str, File] = {}
        self.store: Store | None = None  # the persistent cache, shared with `pmkb check`
        self._store_for: tuple[str, Settings] | None = None
        self.dirty = False
        self._renderer: tuple[tuple[Settings, list[str]], Renderer] | None = None  # templates compiled once
        self._inputs: dict[str, preview.Inputs] = {}  # site_dir -> what each page was made from, last rebuild
        self._kept: set[str] = set()  # generated pages this dirty rebuild does not make again
        self._last_exports: tuple[object, dict[str, str]] | None = None
        self._theme = ThemeCache()  # serve: the theme's templates compiled, and its files listed, once
        self._idle = IdleCollector()  # serve: the cycle collector runs between rebuilds (idle_gc.py)

    def on_startup(self, *, command: Command, dirty: bool) -> None:
        self.command = command
        self.dirty = dirty

    @event_priority(100)  # first: material's search plugin makes theme environments in its on_config
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return config
        if self.command == "serve":
            self._theme.attach(config.theme)
        docs_dir = os.path.relpath(config.docs_dir, os.path.dirname(config.config_file_path or "."))
        self.settings = to_settings(self.config, docs_dir)
        config.extra_css.append(CSS_URI)
        config.extra_javascript.append(JS_URI)
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
        # Worker processes only for a build: `mkdocs serve` runs a server thread, where forking is unsafe.
        store = self._open_store(root)
        corpus = collect(jobs, contents, self.settings, self.cache, parallel=self.command != "serve", store=store)
        try:
            day = today()
        except ClockError as exc:
            raise PluginError(f"postmortems: {exc}") from None
        # git works through the history in a child process while the build renders pages: started
        # after the postmortems are parsed, which keeps every core busy, rendering only one.
        self.pending = self.history.start(Path(config.docs_dir))
        self.plan = SitePlan(self.settings, corpus, day, self._renderer_for(config), read_history=self.pending.result)
        # Failing findings as warnings, so that --strict reports all of them and then fails exactly
        # when `pmkb check` does (verdict.py); advice at INFO, still shown in the build log.
        cross = [
            *similar_incidents(corpus.entries.values(), self.plan.all_relations),
            *corpus_findings(corpus.entries.values()),
        ]
        for f in [*corpus.findings, *cross]:
            report = log.warning if fails(f, self.settings.fail_on) else log.info
            report(f.as_line())
        drafts = {i.src_uri for i in corpus.incidents if i.status == "Draft"}
        # MkDocs would stop the build with a traceback on these (or wait forever on a FIFO); the
        # finding logged above says why each is left out, as `pmkb check` does.
        unreadable = {uri for uri, e in corpus.entries.items() if any(f.rule == "file-unreadable" for f in e.findings)}
        for file in postmortems:
            if (self.settings.drafts == "hide" and file.src_uri in drafts) or file.src_uri in unreadable:
                files.remove(file)
            elif file.inclusion is InclusionLevel.INCLUDED:
                # Out of the navigation: a nav listing 10,000 postmortems on every page makes builds quadratic.
                file.inclusion = InclusionLevel.NOT_IN_NAV
        generated = self.plan.generated_pages()
        for src_uri, (markdown, in_nav) in generated.items():
            inclusion = InclusionLevel.UNDEFINED if in_nav else InclusionLevel.NOT_IN_NAV
            _add(files, File.generated(config, src_uri, content=markdown, inclusion=inclusion))
        if self.command == "serve" and self.dirty:
            inputs = preview.page_inputs(self.plan, generated)
            # what the previous rebuild made is only on disk if it wrote to the same folder
            before = self._inputs.get(config.site_dir, {})
            self._kept = _choose_rebuilt(files, set(self.plan.corpus.entries), set(generated), inputs, before)
            self._inputs = {config.site_dir: inputs}
        assets = resources.files("postmortem_kb").joinpath("assets")
        # One stylesheet: the palette's variables, then the rules that use them (a <link> less on every page).
        css = palette.stylesheet() + assets.joinpath("kb.css").read_text(encoding="utf-8")
        _add(files, File.generated(config, CSS_URI, content=css))
        _add(files, File.generated(config, JS_URI, content=assets.joinpath("kb.js").read_bytes()))
        if self.settings.analytics:
            for src_uri, name in PLOTLY_FILES.items():
                path = resources.files("postmortem_kb").joinpath(f"{PLOTLY_DIR}/{name}")
                _add(files, File.generated(config, src_uri, abs_src_path=str(path)))
        # The exports are written in on_env, before MkDocs copies them: they hold the history's
        # figures, and waiting for the history pass here would put it back on the build's path.
        self.exports = {uri: File.generated(config, uri, content=b"") for uri in self.plan.export_uris()}
        # The tables' rows files likewise: action items carry their close dates from the history.
        self.row_files = {uri: File.generated(config, uri, content=b"") for uri in ROW_FILES}
        for file in [*self.exports.values(), *self.row_files.values()]:
            _add(files, file)
        feed = self.plan.feed(_url_of(files), config.site_name, config.site_url)
        _add(files, File.generated(config, self.settings.pages.feed, content=feed))
        self.files = files
        return files

    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation | None:
        if self._kept:
            _titles_for_nav(files, self._kept, config)
        return nav

    def on_env(self, env: Environment, /, *, config: MkDocsConfig, files: Files) -> Environment | None:
        if self.command == "serve":
            self._theme.prepare(env)  # an environment the theme did not make (another plugin's)
        if self.plan is not None:
            for src_uri, text in self._exports(self.plan, _url_of(files)).items():
                self.exports[src_uri].content_string = text
            # hrefs in the rows files are relative to their folder (the same for all of them)
            link = _linker_at(files, self.row_files[ROW_FILES[0]].url)
            for src_uri, text in self.plan.row_files(link).items():
                self.row_files[src_uri].content_string = text
        return env

    def _exports(self, plan: SitePlan, url_of: Callable[[str], str | None]) -> dict[str, str]:
        """The data exports, made again in a serve rebuild only when what they show changed."""
        if self.command != "serve":
            return plan.exports(url_of)
        inputs = preview.corpus_inputs(plan)
        if self._last_exports is None or self._last_exports[0] != inputs:
            self._last_exports = (inputs, plan.exports(url_of))
        return self._last_exports[1]

    def _renderer_for(self, config: MkDocsConfig) -> Renderer:
        key = (self.settings, [str(d) for d in config.theme.dirs])
        if self._renderer is None or self._renderer[0] != key:
            # Jinja re-reads a template whose file changed, so keeping the environment is safe.
            self._renderer = (key, Renderer(self.settings, key[1]))
        return self._renderer[1]

    def _open_store(self, root: str) -> Store | None:
        """One connection for the plugin's life (all serve rebuilds), reopened when settings change."""
        if self._store_for != (root, self.settings):
            if self.store is not None:
                self.store.close()
            self.store = open_store(Path(root or "."), self.settings)
            self._store_for = (root, self.settings)
        return self.store

    @event_priority(50)  # before mkdocs-material's tags plugin reads the tags
    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if self.plan is not None and page.file.src_uri in self.plan.corpus.entries:
            make_safe(page.meta)
        return markdown

    @event_priority(100)  # first: search and every other plugin see the cleaned body
    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if self.plan is None:
            return html
        if page.file.src_uri in self.plan.corpus.entries:
            html = clean(html)  # a postmortem's body is untrusted: raw HTML is valid Markdown
        return self.plan.fill(html, _linker(files, page))

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.pending is not None:
            log.debug(f"history pass: the build waited {self.pending.waited:.2f} s for it")
        self.history.release()
        self._between_rebuilds()

    def on_build_error(self, *, error: Exception) -> None:
        self.history.release()
        self._between_rebuilds()

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Callable[[], None]) -> None:
        if self.config.enabled:
            shorten_build_delay(server)

    def on_shutdown(self) -> None:
        self._idle.stop()

    def _between_rebuilds(self) -> None:
        if self.command == "serve":
            self._idle.after_build()

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        if self.plan is None or self.files is None:
            return output
        link = _linker(self.files, page)
        return self.plan.head(page.file.src_uri, self.plan.decorate(page.file.src_uri, output, link), link)


def _choose_rebuilt(
    files: Files, postmortems: set[str], generated: set[str], inputs: preview.Inputs, before: preview.Inputs
) -> set[str]:
    """For a dirty serve rebuild (preview.py): postmortem pages whose card changed are rebuilt though
    their file did not change, generated pages made from unchanged inputs are kept, and every other
    page is rebuilt. MkDocs asks `File.is_modified()`; the answer is set on each File of this build.
    Returns the generated pages kept."""
    changed = preview.changed(inputs, before, postmortems | generated)
    kept = set()
    for file in files.documentation_pages():
        uri = file.src_uri
        if uri in generated:
            if uri not in changed:
                file.is_modified = _kept  # type: ignore[method-assign]
                kept.add(uri)
        elif uri not in postmortems or uri in changed:
            file.is_modified = _remade  # type: ignore[method-assign]
        else:
            # MkDocs asks twice per page (read, then write), each time comparing two mtimes: asked
            # once here (nothing writes the built page in between), 2,000 stat calls less on 1,000.
            file.is_modified = _remade if file.is_modified() else _kept  # type: ignore[method-assign]
    return kept


def _titles_for_nav(files: Files, kept: set[str], config: MkDocsConfig) -> None:
    """MkDocs takes a page's title from its source, which it does not read for a page it keeps: the
    navigation of every rebuilt page would name a kept page (a handbook page) "None". Its source is
    read for the title, without rendering it."""
    for uri in kept:
        file = files.get_file_from_path(uri)
        if file is not None and file.page is not None and file.page.markdown is None:
            file.page.read_source(config)


def _kept() -> bool:
    return False


def _remade() -> bool:
    return True


def _linker(files: Files, page: Page) -> Link:
    return _linker_at(files, page.file.url)


def _linker_at(files: Files, base: str) -> Link:
    def link(src_uri: str) -> str:
        target = files.get_file_from_path(src_uri)
        return get_relative_url(target.url, base) if target is not None else "#"

    return link


def _url_of(files: Files) -> Callable[[str], str | None]:
    def url(src_uri: str) -> str | None:
        target = files.get_file_from_path(src_uri)
        return target.url if target is not None else None

    return url


def _display(file: File, root: str) -> str:
    return os.path.relpath(file.abs_src_path, root) if file.abs_src_path else file.src_uri


def _add(files: Files, file: File) -> None:
    if files.get_file_from_path(file.src_uri) is not None:
        raise PluginError(
            f"postmortems: '{file.src_uri}' already exists in docs_dir; the plugin generates it. "
            "Move that file or change the page paths under plugins.postmortems.pages."
        )
    files.append(file)
