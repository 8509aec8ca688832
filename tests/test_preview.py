"""Which pages a dirty `mkdocs serve` rebuild remakes after an edit (preview.py), and that a real
dirty rebuild shows the edit in every page it reaches."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
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


def test_a_dirty_rebuild_shows_the_edit_on_every_page_it_reaches(tmp_path: Path) -> None:
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
