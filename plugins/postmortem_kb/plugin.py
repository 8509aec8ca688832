"""The `postmortems` MkDocs plugin: hooks only, each handing off to the layers below.

State lives on the plugin instance: MkDocs (>= 1.4) keeps a plugin that defines `on_startup`
across `mkdocs serve` rebuilds, so the content cache survives them and the command is known.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Literal, TypeVar

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from . import build_ahead, palette, preview
from .build_ahead import Ahead
from .cache_store import Store, open_store
from .clock import ClockError, today
from .config import PostmortemsConfig, to_settings
from .corpus import EntryCache, collect, read_regular
from .findings import Finding
from .history import History, HistoryReader, Pending
from .idle_gc import IdleCollector
from .named_services import Named, named_services
from .page_meta import make_safe
from .pages.render import Link, Renderer
from .pages.sanitize import clean
from .pages.tables import ROW_FILES
from .serve_delay import shorten_build_delay
from .serve_watcher import NOTHING_WATCHED, use_native_watcher
from .settings import Settings
from .site import SitePlan, export_uris, fill, generated_pages, head, service_uri, with_card
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
T = TypeVar("T")


class PostmortemsPlugin(BasePlugin[PostmortemsConfig]):  # type: ignore[no-untyped-call]
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.settings = Settings()
        self.command: Command = "build"
        self.cache = EntryCache()  # kept across serve rebuilds: only changed files are judged again
        self.plan_of: Callable[[], SitePlan] | None = None  # the site's plan, judged now or in a forked process
        self.postmortems: set[str] = set()  # src_uris of the postmortems
        self.named: Named | None = None  # the services named, when the postmortems are judged ahead
        self._reported = False  # whether the findings of postmortems judged ahead were logged
        self.files: Files | None = None
        self.history = HistoryReader()  # kept across `mkdocs serve` rebuilds: read again only when HEAD moves
        self.pending: Pending | None = None
        self.exports: dict[str, File] = {}
        self.row_files: dict[str, File] = {}
        self.feed: File | None = None
        self.store: Store | None = None  # the persistent cache, shared with `pmkb check`
        self._store_for: tuple[str, Settings] | None = None
        self.dirty = False
        self._renderer: tuple[tuple[Settings, list[str]], Renderer] | None = None  # templates compiled once
        self._inputs: dict[str, preview.Inputs] = {}  # site_dir -> what each page was made from, last rebuild
        self._kept: set[str] = set()  # generated pages this dirty rebuild does not make again
        self._last_exports: tuple[object, dict[str, str]] | None = None
        self.ahead: Ahead | None = None  # what a build's forked process makes while MkDocs works (build_ahead.py)
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
        self._close_ahead()
        postmortems = [
            f for f in files.documentation_pages() if self.settings.is_postmortem_name(os.path.basename(f.src_uri))
        ]
        root = os.path.dirname(config.config_file_path or ".")
        on_disk = [f for f in postmortems if f.abs_src_path and f.generated_by is None]
        jobs = [(f.src_uri, _display(f, root), Path(f.abs_src_path)) for f in on_disk if f.abs_src_path]
        # pages another plugin generated have no file to read: their content is judged directly
        contents = [(f.src_uri, _display(f, root), f.content_bytes) for f in postmortems if f not in on_disk]
        self.postmortems = {f.src_uri for f in postmortems}
        try:
            day = today()
        except ClockError as exc:
            raise PluginError(f"postmortems: {exc}") from None
        docs_dir = Path(config.docs_dir)
        renderer = self._renderer_for(config)
        # A build makes the site's parts ahead in a forked process (build_ahead.py); `mkdocs serve`
        # runs a server thread, where forking is unsafe, and makes everything in turn.
        ahead = self.command != "serve" and build_ahead.available()
        others = {
            f.src_uri: _markdown(f) for f in files.documentation_pages() if f.src_uri not in self.postmortems
        }  # the user's own pages, and pages of other plugins: which parts they ask for
        # Judged while MkDocs converts the Markdown when the pages can be known before (named_services.py):
        # not with hidden drafts (which pages are drafts is known only once they are judged), nor when a
        # page or the nav may point at a service page (MkDocs checks those before the pages are known).
        # Such a build neither reads nor fills the persistent cache: judging on the other core costs no
        # wall time, while reading 1,000 entries from the cache on the build's own core made a warm
        # build slower than one without it (benchmarks/README.md); `pmkb check` and serve keep it.
        links_to = f"{self.settings.pages.services}/"
        named = (
            named_services(jobs, contents, links_to.encode())
            if ahead
            and self.settings.drafts == "show"
            and not any(links_to in text for text in others.values())
            and links_to not in str(config.nav)
            else None
        )
        self.named = named
        self._reported = False
        if named is None:
            # Worker processes only for a build: `mkdocs serve` runs a server thread, where forking is unsafe.
            store = self._open_store(root)  # only here: a build that judges ahead leaves the cache alone
            corpus = collect(jobs, contents, self.settings, self.cache, parallel=ahead, store=store)
            # git works through the history in a child process while the build renders pages: started
            # after the postmortems are parsed, which keeps every core busy, rendering only one. A build
            # leaves it to the process that makes the pages ahead, which waits for it.
            self.pending = None if ahead else self.history.start(docs_dir)
            read_history = self._history_at(docs_dir) if self.pending is None else self.pending.result
            plan = SitePlan(self.settings, corpus, day, renderer, read_history=read_history)
            self._report(plan.findings())
            unreadable = {
                uri for uri, e in corpus.entries.items() if any(f.rule == "file-unreadable" for f in e.findings)
            }
            drafts = {i.src_uri for i in corpus.incidents if i.status == "Draft"}
            slugs = plan.services_shown()
            plan_of: Callable[[], SitePlan] = functools.partial(_same, plan)
        else:
            unreadable, drafts, slugs = named.unreadable, set(), sorted(named.services)
            self.pending = None
            settings, cache, read_history = self.settings, self.cache, self._history_at(docs_dir)

            @functools.cache
            def judged() -> SitePlan:  # in the forked process; here only if that one failed
                corpus = collect(jobs, contents, settings, cache, parallel=False)
                return SitePlan(settings, corpus, day, renderer, read_history=read_history)

            plan_of = judged
        self.plan_of = plan_of
        # MkDocs would stop the build with a traceback on unreadable files (or wait forever on a FIFO);
        # the finding logged says why each is left out, as `pmkb check` does.
        for file in postmortems:
            if (self.settings.drafts == "hide" and file.src_uri in drafts) or file.src_uri in unreadable:
                files.remove(file)
            elif file.inclusion is InclusionLevel.INCLUDED:
                # Out of the navigation: a nav listing 10,000 postmortems on every page makes builds quadratic.
                file.inclusion = InclusionLevel.NOT_IN_NAV
        generated = generated_pages(self.settings, slugs)
        for src_uri, (markdown, in_nav) in generated.items():
            inclusion = InclusionLevel.UNDEFINED if in_nav else InclusionLevel.NOT_IN_NAV
            _add(files, File.generated(config, src_uri, content=markdown, inclusion=inclusion))
        if self.command == "serve" and self.dirty:
            inputs = preview.page_inputs(self.plan_of(), generated)
            # what the previous rebuild made is only on disk if it wrote to the same folder
            before = self._inputs.get(config.site_dir, {})
            self._kept = _choose_rebuilt(files, self.postmortems, set(generated), inputs, before)
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
        self.exports = {uri: File.generated(config, uri, content=b"") for uri in export_uris(self.settings)}
        # The tables' rows files likewise: action items carry their close dates from the history.
        self.row_files = {uri: File.generated(config, uri, content=b"") for uri in ROW_FILES}
        for file in [*self.exports.values(), *self.row_files.values()]:
            _add(files, file)

        def feed() -> str:
            return plan_of().feed(_url_of(files), config.site_name, config.site_url)

        self.feed = File.generated(config, self.settings.pages.feed, content="" if ahead else feed())
        _add(files, self.feed)
        self.files = files
        if ahead:
            rows_url = self.row_files[ROW_FILES[0]].url
            sources = {**others, **{uri: text for uri, (text, _in_nav) in generated.items()}}
            history = self.history
            self.ahead = _start_ahead(plan_of, self.postmortems, files, sources, rows_url, feed, history, docs_dir)
        return files

    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation | None:
        if self._kept:
            _titles_for_nav(files, self._kept, config)
        return nav

    def on_env(self, env: Environment, /, *, config: MkDocsConfig, files: Files) -> Environment | None:
        if self.command == "serve":
            self._theme.prepare(env)  # an environment the theme did not make (another plugin's)
        plan_of = self.plan_of
        if plan_of is not None:
            if self.named is not None:  # judged ahead: its findings, and only the pages of services shown
                self._report_judged()
                shown = set(self._take(build_ahead.SERVICES, lambda: plan_of().services_shown()))
                for slug in self.named.services - shown:
                    named_only = files.get_file_from_path(service_uri(self.settings, slug))
                    if named_only is not None:
                        files.remove(named_only)
            for src_uri, text in self._take(
                build_ahead.EXPORTS, lambda: self._exports(plan_of(), _url_of(files))
            ).items():
                self.exports[src_uri].content_string = text
            # hrefs in the rows files are relative to their folder (the same for all of them)
            link = _linker_at(files, self.row_files[ROW_FILES[0]].url)
            for src_uri, text in self._take(build_ahead.ROWS, lambda: plan_of().row_files(link)).items():
                self.row_files[src_uri].content_string = text
            if self.ahead is not None and self.feed is not None:
                self.feed.content_string = self.ahead.take(
                    build_ahead.FEED, lambda: plan_of().feed(_url_of(files), config.site_name, config.site_url)
                )
        return env

    def _report(self, findings: list[Finding]) -> None:
        # Failing findings as warnings, so that --strict reports all of them and then fails exactly
        # when `pmkb check` does (verdict.py); advice at INFO, still shown in the build log.
        for f in findings:
            report = log.warning if fails(f, self.settings.fail_on) else log.info
            report(f.as_line())

    def _report_judged(self) -> None:
        """The findings of postmortems judged ahead, once: in on_env, or when the build fails before."""
        plan_of = self.plan_of
        if self.named is not None and not self._reported and plan_of is not None:
            self._reported = True
            self._report(self._take(build_ahead.FINDINGS, lambda: plan_of().findings()))

    def _history_at(self, docs_dir: Path) -> Callable[[], History]:
        """The history pass, started when first needed (by the process that makes the pages ahead)."""
        return lambda: self.history.start(docs_dir).result()

    def _take(self, key: build_ahead.Key, make: Callable[[], T]) -> T:
        return make() if self.ahead is None else self.ahead.take(key, make)

    def _close_ahead(self) -> None:
        if self.ahead is not None:
            self.ahead.close()
            if self.ahead.failure:
                log.debug(f"pages made ahead: stopped early ({self.ahead.failure}); the build made the rest")
            self.ahead = None

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
        if self.plan_of is not None and page.file.src_uri in self.postmortems:
            make_safe(page.meta)
        return markdown

    @event_priority(100)  # first: search and every other plugin see the cleaned body
    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        plan_of = self.plan_of
        if plan_of is None:
            return html
        uri, link = page.file.src_uri, _linker(files, page)
        if uri in self.postmortems:
            html = clean(html)  # a postmortem's body is untrusted: raw HTML is valid Markdown

        def part(name: str, arg: str) -> str:
            return self._take(build_ahead.part_key(uri, name, arg), lambda: plan_of().part(name, arg, link))

        return fill(html, part)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.pending is not None:
            log.debug(f"history pass: the build waited {self.pending.waited:.2f} s for it")
        self._close_ahead()
        self.history.release()
        self._between_rebuilds()

    def on_build_error(self, *, error: Exception) -> None:
        try:  # the findings say what is wrong with the postmortems, also when the build stopped early
            self._report_judged()
        except Exception as exc:  # MkDocs reports `error`; this must not hide it
            log.debug(f"findings not reported: {exc}")
        finally:
            self._close_ahead()
            self.history.release()
            self._between_rebuilds()

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Callable[[], None]) -> None:
        if self.config.enabled:
            shorten_build_delay(server)
            if self.config.watcher == "auto":
                why_not = use_native_watcher(server, config.watch or ())
                if why_not is None:
                    log.info("watching for edits with inotify (set `watcher: polling` if edits go unnoticed)")
                elif why_not != NOTHING_WATCHED:
                    log.info(f"MkDocs' polling watches for edits: {why_not}")

    def on_shutdown(self) -> None:
        self._idle.stop()

    def _between_rebuilds(self) -> None:
        if self.command == "serve":
            self._idle.after_build()

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        plan_of = self.plan_of
        if plan_of is None or self.files is None:
            return output
        uri, link = page.file.src_uri, _linker(self.files, page)
        if uri in self.postmortems:
            output = with_card(output, self._take(build_ahead.card_key(uri), lambda: plan_of().card(uri, link)))
        return head(self.settings, uri, output, link)


def _same(plan: SitePlan) -> SitePlan:
    return plan


def _start_ahead(
    plan_of: Callable[[], SitePlan],
    postmortems: set[str],
    files: Files,
    sources: dict[str, str],
    rows_url: str,
    feed: Callable[[], str],
    history: HistoryReader,
    docs_dir: Path,
) -> Ahead:
    """The forked process that makes the site's parts while MkDocs converts the Markdown."""
    # the pages' Markdown: which parts each asks for (a postmortem's body is cleaned of them)
    pages = [
        (f.src_uri, sources.get(f.src_uri, "")) for f in files.documentation_pages() if f.src_uri not in postmortems
    ]
    in_order = [f.src_uri for f in files.documentation_pages() if f.src_uri in postmortems]
    url_of = _url_of(files)
    tasks = build_ahead.site_tasks(
        plan_of,
        pages,
        in_order,
        lambda uri: _linker_at(files, url_of(uri) or ""),
        _linker_at(files, rows_url),
        url_of,
        feed,
    )

    def start_history() -> None:  # in the forked process, which is the one that waits for it
        history.start(docs_dir)

    return Ahead(tasks, before=start_history, after=history.release)


def _markdown(file: File) -> str:
    """A page's Markdown, to see which parts it asks for; "" when it cannot be read here (MkDocs
    reports that itself). The build fills whatever its HTML asks for anyway: this only decides
    what is made ahead."""
    try:
        if file.generated_by is not None or not file.abs_src_path:
            return str(file.content_string)
        return read_regular(Path(file.abs_src_path)).decode("utf-8", errors="replace")
    except (OSError, ValueError):
        return ""


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
