"""Readers on a laptop and a phone: every page of the reference knowledge base and of the knowledge
base of real public incidents, in headless Chromium at 1280 and 390 px wide.

On every page: no sideways overflow, no chart label outside its chart, no console error and no
request outside the site. Then the action-items table, the incidents filters and the feed.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from .conftest import REFERENCE_KB, ROOT, TESTS
from .sites import build

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
WIDTHS = (1280, 390)
REAL_KB = TESTS / "fixtures" / "real-kb"

if not Path(CHROMIUM).exists() and not os.environ.get("CI"):
    pytest.skip("Debian's chromium is not installed (CI installs it)", allow_module_level=True)

playwright = pytest.importorskip("playwright.sync_api")


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def _serve(root: Path, docs: Path, config: Path, docs_name: str) -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root / "site")))
    url = f"http://127.0.0.1:{httpd.server_address[1]}/"
    shutil.copytree(docs, root / docs_name)
    text = re.sub(r"(?m)^site_url: .*$", f"site_url: {url}", config.read_text())
    (root / "mkdocs.yml").write_text(text)
    built = build(root)
    assert built.returncode == 0, built.log
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield url
    httpd.shutdown()


@pytest.fixture(scope="module")
def reference_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from _serve(tmp_path_factory.mktemp("readers-ref"), REFERENCE_KB, ROOT / "mkdocs.yml", "postmortems")


@pytest.fixture(scope="module")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from _serve(tmp_path_factory.mktemp("readers-real"), REAL_KB / "docs", REAL_KB / "mkdocs.yml", "docs")


def _pages(url: str) -> list[str]:
    """Every page of the site, from its sitemap (the 404 page aside)."""
    from urllib.request import urlopen

    with urlopen(url + "sitemap.xml") as response:  # the local test server
        sitemap = response.read().decode()
    port = url.rstrip("/").rsplit(":", 1)[1]
    return [re.sub(r"^http://[^/]+/", url, loc) for loc in re.findall(r"<loc>([^<]+)</loc>", sitemap) if port in loc]


# Chart labels (SVG text) whose box leaves its chart's box; and how far the page overflows sideways.
LAYOUT_PROBLEMS = """() => {
    const problems = [];
    const overflow = document.documentElement.scrollWidth - window.innerWidth;
    if (overflow > 0) problems.push(`overflows sideways by ${overflow} px`);
    for (const box of document.querySelectorAll('[data-pmkb-chart]')) {
        const frame = box.getBoundingClientRect();
        for (const text of box.querySelectorAll('svg text')) {
            const label = text.textContent.trim();
            const r = text.getBoundingClientRect();
            if (!label || r.width === 0) continue;
            if (r.left < frame.left - 1 || r.right > frame.right + 1 || r.top < frame.top - 1 || r.bottom > frame.bottom + 1)
                problems.push(`${box.dataset.pmkbChart}: label "${label}" clipped`);
        }
    }
    return problems;
}"""


def _walk(url: str) -> tuple[int, list[str]]:
    """Visit every page at each width; return the pages seen and every problem found."""
    pages = _pages(url)
    problems: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        for width in WIDTHS:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.on("console", lambda m, w=width: problems.append(f"{w}px {page.url}: {m.text}") if m.type == "error" else None)
            page.on("pageerror", lambda e, w=width: problems.append(f"{w}px {page.url}: {e}"))
            page.on("request", lambda r: None if r.url.startswith(url) else problems.append(f"outside request {r.url}"))
            for address in pages:
                page.goto(address)
                page.wait_for_load_state("load")
                charts = page.locator("[data-pmkb-chart]").count()
                if charts:
                    page.wait_for_function(
                        "n => document.querySelectorAll('[data-pmkb-chart][data-pmkb-drawn]').length === n",
                        arg=charts,
                        timeout=20_000,
                    )
                problems += [f"{width}px {address}: {x}" for x in page.evaluate(LAYOUT_PROBLEMS)]
            page.close()
        browser.close()
    return len(pages), problems


def test_every_page_of_the_reference_kb_reads_well_at_both_widths(reference_site: str) -> None:
    seen, problems = _walk(reference_site)
    assert seen >= 35  # postmortems, generated pages and handbook
    assert problems == []


def test_every_page_of_the_real_incidents_kb_reads_well_at_both_widths(real_site: str) -> None:
    seen, problems = _walk(real_site)
    assert seen >= 25
    assert problems == []
