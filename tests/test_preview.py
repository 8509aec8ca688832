"""Which pages a dirty `mkdocs serve` rebuild remakes after an edit (preview.py), and that a real
dirty rebuild shows the edit in every page it reaches."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from postmortem_kb import preview
from postmortem_kb.corpus import Corpus, load_entry
from postmortem_kb.pages.render import Renderer
from postmortem_kb.settings import Settings
from postmortem_kb.site import SitePlan

from .conftest import REFERENCE_KB, ROOT
from .sites import table_data

CERT = "2025-02-03-card-payments-down-after-mtls-certificate-expiry.md"
WEBHOOK = "2025-04-22-webhook-failures-after-intermediate-certificate-expiry.md"
SEARCH = "2025-02-21-slow-search-during-reindex.md"


def _plan(texts: dict[str, str]) -> tuple[SitePlan, dict[str, tuple[str, bool]]]:
    settings = Settings(analytics=False)
    corpus = Corpus()
    for name, text in texts.items():
        corpus.entries[name] = load_entry(name, name, text.encode(), settings)
    plan = SitePlan(settings, corpus, dt.date(2026, 11, 27), Renderer(settings))
    return plan, plan.generated_pages()


def _texts() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(REFERENCE_KB.glob("20*.md"))}


def _remade(old: str, new: str) -> tuple[set[str], SitePlan, preview.Inputs]:
    """The pages a dirty rebuild remakes after CERT's text `old` became `new` (once), the plan after
    the edit and its page inputs."""
    texts = _texts()
    before_plan, before_pages = _plan(texts)
    before = preview.page_inputs(before_plan, before_pages)
    texts[CERT] = texts[CERT].replace(old, new, 1)
    after_plan, after_pages = _plan(texts)
    after = preview.page_inputs(after_plan, after_pages)
    return preview.changed(after, before, set(after_plan.corpus.entries) | set(after_pages)), after_plan, after


def test_an_edit_remakes_its_page_and_the_cards_that_name_it_and_nothing_else() -> None:
    changed, after_plan, after = _remade("title: ", "title: Edited ")
    # The edited page, the webhook incident whose card lists it as related, and the service page
    # of its service; not the unrelated search incident, other services or the handbook.
    assert {CERT, WEBHOOK} <= changed
    assert SEARCH not in changed
    services = {s for s in changed if s.startswith("services/") and s != "services/index.md"}
    cert_services = after_plan.corpus.entries[CERT].incident.services  # type: ignore[union-attr]
    assert services == {f"services/{slug}/index.md" for slug in cert_services}
    assert not any(s.startswith("handbook/") for s in changed)
    assert preview.changed(after, after, after) == set()


def test_an_edit_to_prose_outside_the_root_cause_analysis_remakes_only_its_page() -> None:
    changed, _plan_after, _inputs = _remade("## What Went Well\n", "## What Went Well\n\nA new first sentence.\n")
    assert changed == set()
    # (the edited page itself is rebuilt by MkDocs: its file is newer than its built page)


def test_a_dirty_rebuild_shows_the_edit_on_every_page_it_reaches(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """mkdocs serve's rebuild, in process: one plugin instance, `dirty=True`, the same site folder."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.config.defaults import MkDocsConfig

    shutil.copytree(REFERENCE_KB, tmp_path / "postmortems")
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    site = tmp_path / "site"
    past = time.time() - 600
    for path in (tmp_path / "postmortems").iterdir():
        os.utime(path, (past, past))

    def config() -> MkDocsConfig:
        # not strict: MkDocs warns that a dirty build may leave its navigation stale
        return load_config(config_file=str(tmp_path / "mkdocs.yml"), site_dir=str(site), strict=False)

    first = config()
    first.plugins.on_startup(command="serve", dirty=True)
    request.addfinalizer(first.plugins.on_shutdown)  # as `mkdocs serve` ends: nothing left frozen (idle_gc.py)
    build(first, dirty=True)
    webhook_page = site / WEBHOOK.removesuffix(".md") / "index.html"
    search_page = site / SEARCH.removesuffix(".md") / "index.html"
    search_built = search_page.stat().st_mtime_ns
    cert = tmp_path / "postmortems" / CERT
    cert.write_text(re.sub(r"(?m)^title: ", "title: Zebra-edited ", cert.read_text(encoding="utf-8"), count=1))
    build(config(), dirty=True)
    assert "Zebra-edited" in (site / CERT.removesuffix(".md") / "index.html").read_text(encoding="utf-8")
    assert "Zebra-edited" in webhook_page.read_text(encoding="utf-8")  # its card names the edited incident
    shown = table_data(site / "incidents" / "index.html")  # the incidents table's rows, wherever they are kept
    assert any(title.startswith("Zebra-edited") for title, _href in shown["incidents"])
    assert search_page.stat().st_mtime_ns == search_built  # unrelated: kept


def test_a_serve_rebuild_reuses_compiled_templates_and_compiles_an_edited_one_afresh(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """MkDocs makes a new Jinja environment for every rebuild; the plugin's bytecode cache spares
    compiling the theme again, but never serves a template's old code after its source changed."""
    from jinja2 import DictLoader, Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from postmortem_kb.plugin import PostmortemsPlugin

    compiled: list[str | None] = []
    compile_ = Environment.compile

    def counting(self: Environment, source: str, name: str | None = None, *args: Any, **kwargs: Any) -> Any:
        compiled.append(name)
        return compile_(self, source, name, *args, **kwargs)

    monkeypatch.setattr(Environment, "compile", counting)
    sources = {"main.html": "<p>{{ n }} incidents</p>"}
    plugin = PostmortemsPlugin()

    def rebuild() -> str:
        env = plugin.on_env(Environment(loader=DictLoader(sources)), config=MkDocsConfig(), files=Files([]))
        assert env is not None
        return env.get_template("main.html").render(n=3)

    plugin.on_startup(command="serve", dirty=True)
    assert rebuild() == "<p>3 incidents</p>"
    assert rebuild() == "<p>3 incidents</p>"
    assert compiled == ["main.html"]  # the second rebuild's new environment did not compile it
    sources["main.html"] = "<p>{{ n }} postmortems</p>"
    assert rebuild() == "<p>3 postmortems</p>"
    assert compiled == ["main.html", "main.html"]

    build = PostmortemsPlugin()  # a one-off build keeps nothing between environments
    build.on_startup(command="build", dirty=False)
    env = build.on_env(Environment(loader=DictLoader(sources)), config=MkDocsConfig(), files=Files([]))
    assert env is not None and env.bytecode_cache is None


def _clean_build(root: Path, site: Path) -> None:
    """The reference: a one-off `mkdocs build` of the same folder, in its own process (the serve
    session's plugin instance is kept by MkDocs for the whole test process) and without the cache."""
    env = {**os.environ, "PMKB_NO_CACHE": "1", "NO_MKDOCS_2_WARNING": "1"}
    cmd = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(root / "mkdocs.yml"), "-d", str(site)]
    done = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]


# Left out of the comparison, as the README says: in a dirty rebuild the search index and
# mkdocs-material's tags (its tags page and tags.json) hold only the pages rebuilt.
NOT_COMPARED = {"search/search_index.json", "tags.json", "tags/index.html"}


def _differences(served: Path, clean: Path) -> list[str]:
    """Files of the clean build that the served folder lacks or holds with other content."""
    out = []
    for path in sorted(p for p in clean.rglob("*") if p.is_file()):
        rel = path.relative_to(clean).as_posix()
        if rel in NOT_COMPARED:
            continue
        mine = served / rel
        if not mine.is_file() or mine.read_bytes() != path.read_bytes():
            out.append(rel)
    return out


def test_after_each_kind_of_edit_a_dirty_rebuild_serves_what_a_clean_build_makes(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """A serve session (one plugin instance, `--dirty`, one site folder) through an edit of a title, a
    severity and `related`, then a deletion, a rename and a new postmortem: after each rebuild every
    file a clean build makes is served with the same bytes."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    docs = tmp_path / "postmortems"
    shutil.copytree(REFERENCE_KB, docs)
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    served = tmp_path / "served"
    past = time.time() - 600
    for path in docs.iterdir():
        os.utime(path, (past, past))

    def rebuild() -> None:
        config = load_config(config_file=str(tmp_path / "mkdocs.yml"), site_dir=str(served), strict=False)
        config.plugins.on_startup(command="serve", dirty=True)
        request.addfinalizer(config.plugins.on_shutdown)  # as `mkdocs serve` ends (idle_gc.py)
        build(config, dirty=True)

    def check(step: str) -> None:
        clean = tmp_path / f"clean-{step}"
        _clean_build(tmp_path, clean)
        assert _differences(served, clean) == [], step

    rebuild()
    cert = docs / CERT
    text = re.sub(r"(?m)^title: ", "title: Zebra-edited ", cert.read_text(encoding="utf-8"), count=1)
    text = re.sub(r"(?m)^severity: SEV\d", "severity: SEV3", text, count=1)
    text = text.replace("\ndetection:", f"\nrelated: [{SEARCH.removesuffix('.md')}]\ndetection:", 1)
    assert "Zebra-edited" in text and "severity: SEV3" in text and f"related: [{SEARCH[:-3]}]" in text
    cert.write_text(text, encoding="utf-8")
    rebuild()
    check("edit")

    (docs / WEBHOOK).unlink()
    renamed = SEARCH.replace("slow-search", "search-slowed")
    (docs / SEARCH).rename(docs / renamed)
    # a new postmortem: a copy of another with its own title
    source = sorted(docs.glob("2025-0[5-6]-*.md"))[0]
    new = docs / "2026-11-20-zebra-new-incident.md"
    new.write_text(re.sub(r"(?m)^title: .*$", "title: Zebra new incident", source.read_text(encoding="utf-8")))
    rebuild()
    check("delete-rename-add")


def test_the_theme_listing_is_reused_until_a_folder_of_the_theme_changes(tmp_path: Path) -> None:
    """The list of the theme's files, kept across serve rebuilds, equals Jinja's own listing after
    a file is added, removed or renamed, and the folders are listed again only then."""
    from jinja2 import Environment, FileSystemLoader
    from postmortem_kb.template_cache import ThemeCache

    theme = tmp_path / "theme"
    (theme / "partials").mkdir(parents=True)
    (theme / "main.html").write_text("main")
    (theme / "partials" / "nav.html").write_text("nav")
    cache = ThemeCache()

    def listed() -> list[str]:
        env = Environment(loader=FileSystemLoader([str(theme)]))
        cache.prepare(env)
        return env.list_templates()

    def truth() -> list[str]:
        return Environment(loader=FileSystemLoader([str(theme)])).list_templates()

    assert listed() == truth() == ["main.html", "partials/nav.html"]
    assert listed() == truth()
    assert cache.lists.walks == 1
    for change in (
        lambda: (theme / "partials" / "toc.html").write_text("toc"),  # added in a subfolder
        lambda: (theme / "main.html").unlink(),  # removed at the top
        lambda: (theme / "partials" / "nav.html").rename(theme / "partials" / "navigation.html"),
        lambda: (theme / "icons" / "brand").mkdir(parents=True),  # an empty folder: no template
        lambda: (theme / "icons" / "brand" / "logo.svg").write_text("<svg/>"),  # in a new folder
    ):
        walks = cache.lists.walks
        change()
        assert listed() == truth()
        assert cache.lists.walks == walks + 1
    assert "icons/brand/logo.svg" in listed()


def test_every_environment_the_theme_makes_in_serve_shares_the_compiled_templates() -> None:
    """MkDocs' real material theme: environments from `theme.get_env()` (the build's, and the three
    material's search plugin makes to translate its labels) reuse compiled templates and the listing,
    which equals the theme's own."""
    from mkdocs.theme import Theme
    from postmortem_kb.template_cache import ThemeCache

    theme = Theme(name="material")
    truth = theme.get_env().list_templates()
    cache = ThemeCache()
    assert cache.attach(theme) and not cache.attach(theme)  # once per theme object
    first = theme.get_env()
    assert first.bytecode_cache is cache.bytecode
    assert first.list_templates() == truth
    first.get_template("partials/language.html")
    compiled = len(cache.bytecode)
    assert compiled > 0
    second = theme.get_env()
    second.get_template("partials/language.html")
    assert second.list_templates() == truth
    assert len(cache.bytecode) == compiled and cache.lists.walks == 1
    assert not ThemeCache().attach(object())  # no get_env: nothing to attach to


def test_in_serve_the_cycle_collector_runs_between_rebuilds_and_nothing_stays_frozen() -> None:
    import gc
    import weakref

    from postmortem_kb.idle_gc import IdleCollector

    class Node:
        other: object = None

    kept = Node()
    kept.other = kept  # a cycle, alive during the first pass: frozen with the rest
    ref = weakref.ref(kept)
    collector = IdleCollector(delay=0.0)
    try:
        collector.after_build()
        deadline = time.monotonic() + 10
        while collector.passes == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert collector.passes == 1
        assert gc.get_freeze_count() > 0  # what the next rebuild keeps is out of the collector's way
        del kept  # garbage now, like the previous rebuild's pages
        assert ref() is not None
        collector.collect()  # unfreezes first, so the frozen cycle is collected
        assert ref() is None
    finally:
        collector.stop()
    assert gc.get_freeze_count() == 0


def test_in_serve_the_wait_for_more_changes_is_shortened_on_mkdocs_own_server(tmp_path: Path) -> None:
    """`build_delay` is an attribute of MkDocs' LiveReloadServer, not an option: this fails when a
    MkDocs upgrade drops or renames it (the plugin would then change nothing, silently)."""
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from postmortem_kb.plugin import PostmortemsPlugin
    from postmortem_kb.serve_delay import BUILD_DELAY, shorten_build_delay

    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    try:
        assert isinstance(server.build_delay, float) and server.build_delay > BUILD_DELAY
        plugin = PostmortemsPlugin()
        plugin.load_config({})
        plugin.on_serve(server, config=MkDocsConfig(), builder=lambda: None)
        assert server.build_delay == BUILD_DELAY
        assert not shorten_build_delay(server)  # already short
        assert not shorten_build_delay(object())  # another server: left alone
    finally:
        server.server_close()


def test_make_serve_runs_the_dirty_preview_without_strict_when_mkdocs_yml_sets_it() -> None:
    """MkDocs warns on every dirty build; with `strict: true` in mkdocs.yml (this repository's)
    `mkdocs serve --dirty` aborts after its first build unless `--no-strict` is given."""
    recipe = (ROOT / "Makefile").read_text(encoding="utf-8").split("\nserve:", 1)[1].split("\n\n", 1)[0]
    command = next(line.split() for line in recipe.splitlines() if "mkdocs serve" in line)
    assert "--dirty" in command
    if re.search(r"(?m)^strict:\s*true\s*$", (ROOT / "mkdocs.yml").read_text(encoding="utf-8")):
        assert "--no-strict" in command
