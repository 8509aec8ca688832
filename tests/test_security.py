"""Untrusted postmortems cannot run script on the published site, and the exports are safe to open.

A postmortem with a payload in every field, key, heading and table cell is built without
`--strict` (as `mkdocs serve` and a non-strict CI would), then every page of the site is
loaded in headless Chromium: no payload may run, no dialog may open and no `javascript:`
link may exist. The search index and the exports are checked as text.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .browser import CHROMIUM, FLAGS, server_for, serving
from .sites import Built, base, build, make_site, table_data
from .test_browser import playwright

HOSTILE = Path(__file__).parent / "hostile"
_HANDLER_IN_TAG = re.compile(r"<[a-z][^>]*\son\w+\s*=", re.IGNORECASE)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("hostile")
    postmortems = {p.name: p.read_text(encoding="utf-8") for p in sorted(HOSTILE.glob("*.m*"))}
    postmortems["2025-01-14-clean.md"] = base()  # a valid neighbour: related lists, repeats, tables
    make_site(root, postmortems)
    built = build(root, strict=False)
    assert built.returncode == 0, built.log
    return built


@pytest.fixture(scope="module")
def served(hostile_site: Built) -> Iterator[str]:
    with serving(server_for(hostile_site.site)) as url:
        yield url


def test_the_check_reports_the_payloads(hostile_site: Built) -> None:
    assert "[frontmatter-html]" in hostile_site.log
    assert "the key `<img src=x onerror=" in hostile_site.log  # keys are checked, not only values


def test_every_hostile_file_is_an_error_in_the_build_log(hostile_site: Built) -> None:
    """The non-strict build reports what `pmkb check` refuses (a strict build and the check fail)."""
    names = sorted(p.name for p in HOSTILE.glob("*.m*"))
    assert len(names) >= 10
    lines = hostile_site.log.splitlines()
    for name in names:
        assert any(f"docs/{name}:" in line and " error [" in line for line in lines), name
    for rule in ("yaml-tag", "frontmatter-missing", "theme-key", "yaml-too-large"):
        assert f"[{rule}]" in hostile_site.log, rule
    assert "Traceback" not in hostile_site.log


def test_no_payload_runs_on_any_page(hostile_site: Built, served: str) -> None:
    pages = sorted(p.relative_to(hostile_site.site).as_posix() for p in hostile_site.site.rglob("*.html"))
    assert "2025-03-01-hostile/index.html" in pages and "action-items/index.html" in pages
    assert len(pages) >= 15
    dialogs: list[str] = []
    problems: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()

        def on_dialog(dialog: Any) -> None:
            dialogs.append(f"{page.url}: {dialog.message}")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        for path in pages:
            page.goto(served + path)
            page.wait_for_load_state("load")
            # hover and click everything a payload could hide behind
            for handle in page.query_selector_all("article *")[:400]:
                if handle.is_visible():
                    handle.dispatch_event("mouseover")
            pwned = page.evaluate("window.__pwned")
            if pwned is not None:
                problems.append(f"{path}: payload {pwned!r} ran")
            scripted = page.evaluate(
                """() => [...document.querySelectorAll('[href],[src],[action],[data]')]
                    .map(e => e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('action')
                              || e.getAttribute('data') || '')
                    .filter(v => v.replace(/\\s/g, '').toLowerCase().startsWith('javascript:'))"""
            )
            if scripted:
                problems.append(f"{path}: javascript: URLs {scripted}")
            refresh = page.evaluate("document.querySelectorAll('meta[http-equiv]').length")
            if refresh:
                problems.append(f"{path}: a meta refresh")
        browser.close()
    assert problems == [] and dialogs == []


def test_markup_is_shown_as_text(hostile_site: Built) -> None:
    page = hostile_site.html("2025-03-01-hostile/index.html")
    card = page[page.index('class="pmkb-card"') :]
    assert "&lt;img src=x onerror=" in card  # the unknown roles key, as text
    assert "&lt;script&gt;window.__pwned=&#39;sme&#39;&lt;/script&gt;" in card
    # action-items/ draws its rows from a JSON file with kb.js: an http(s) ticket gets a link URL,
    # anything else none (the browser test above checks the drawn links)
    data = table_data(hostile_site.site / "action-items" / "index.html")
    links = {row[data["fields"].index("ticket_url")] for row in data["rows"]} - {""}
    assert links == {"https://tickets.example/ABC-1"}


def test_search_index_holds_no_markup_from_postmortems(hostile_site: Built) -> None:
    index = json.loads((hostile_site.site / "search" / "search_index.json").read_text())
    for doc in index["docs"]:
        for field in ("title", "text"):
            text = doc.get(field, "")
            # material shows result text as HTML: no element and no event-handler attribute may be in it
            # (handler text outside a tag, as in front matter MkDocs renders as a paragraph, is inert)
            assert "<script" not in text and not _HANDLER_IN_TAG.search(text), doc


def test_csv_exports_are_spreadsheet_safe(hostile_site: Built) -> None:
    for name in ("incidents.csv", "action-items.csv"):
        rows = list(csv.reader(io.StringIO((hostile_site.site / "exports" / name).read_text())))
        cells = [cell for row in rows[1:] for cell in row]
        risky = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
        assert risky == [], (name, risky)
    items = (hostile_site.site / "exports" / "action-items.csv").read_text()
    assert "'=HYPERLINK(" in items and "'+SUM(1,2)" in items and "'-2+3" in items
    data = json.loads((hostile_site.site / "exports" / "incidents.json").read_text())
    assert data["data"]  # JSON keeps the text as written; it is not a spreadsheet


def test_two_builds_with_the_same_date_are_identical(tmp_path: Path) -> None:
    sites = []
    for name in ("one", "two"):
        root = make_site(tmp_path / name, {"2025-01-14-clean.md": base()})
        shutil.copy(HOSTILE / "2025-03-01-hostile.md", root / "docs")
        built = build(root, strict=False)
        assert built.returncode == 0, built.log
        sites.append(built.site)
    files = sorted(p.relative_to(sites[0]) for p in sites[0].rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(sites[1]) for p in sites[1].rglob("*") if p.is_file())
    differ = [str(f) for f in files if (sites[0] / f).read_bytes() != (sites[1] / f).read_bytes()]
    assert differ == []
