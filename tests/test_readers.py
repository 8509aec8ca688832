"""Readers on a laptop and a phone: every page of the reference knowledge base and of the knowledge
base of real public incidents, in headless Chromium at 1280 and 390 px wide.

On every page: no sideways overflow, no chart label outside its chart, no console error and no
request outside the site. Then the action-items table, the incidents filters and the feed.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .browser import CHROMIUM, FLAGS, build_and_serve
from .conftest import REFERENCE_KB, ROOT, TESTS
from .sites import MKDOCS_YML, table_data

WIDTHS = (1280, 390)
REAL_KB = TESTS / "fixtures" / "real-kb"

if not Path(CHROMIUM).exists() and not os.environ.get("CI"):
    pytest.skip("Debian's chromium is not installed (CI installs it)", allow_module_level=True)

playwright = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def reference_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("readers-ref")
    yield from build_and_serve(root, REFERENCE_KB, ROOT / "mkdocs.yml", "postmortems")


@pytest.fixture(scope="module")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from build_and_serve(
        tmp_path_factory.mktemp("readers-real"), REAL_KB / "docs", REAL_KB / "mkdocs.yml", "docs"
    )


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
            const outside = r.left < frame.left - 1 || r.right > frame.right + 1
                || r.top < frame.top - 1 || r.bottom > frame.bottom + 1;
            if (outside)
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
            _watch(page, width, url, problems)
            for address in pages:
                page.goto(address)
                page.wait_for_load_state("load")
                # charts and tables are drawn after the page loads (plotly.js and the rows files are fetched)
                for drawn in ("[data-pmkb-chart]", "[data-pmkb-rows]"):
                    count = page.locator(drawn).count()
                    if count:
                        page.wait_for_function(
                            "([s, n]) => document.querySelectorAll(s + '[data-pmkb-drawn]').length === n",
                            arg=[drawn, count],
                            timeout=20_000,
                        )
                problems += [f"{width}px {address}: {x}" for x in page.evaluate(LAYOUT_PROBLEMS)]
            page.close()
        browser.close()
    return len(pages), problems


def _watch(page: Any, width: int, url: str, problems: list[str]) -> None:
    """Console errors, uncaught exceptions and requests outside the site, as problems."""
    page.on("console", lambda m: problems.append(f"{width}px {page.url}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"{width}px {page.url}: {e}"))
    page.on("request", lambda r: None if r.url.startswith(url) else problems.append(f"outside request {r.url}"))


def test_every_page_of_the_reference_kb_reads_well_at_both_widths(reference_site: str) -> None:
    seen, problems = _walk(reference_site)
    assert seen >= 35  # postmortems, generated pages and handbook
    assert problems == []


def test_every_page_of_the_real_incidents_kb_reads_well_at_both_widths(real_site: str) -> None:
    seen, problems = _walk(real_site)
    assert seen >= 25
    assert problems == []


@pytest.fixture(scope="module")
def many_items(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """60 generated postmortems (over a hundred action items; owners @team-1 and @team-10 ...)."""
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    generate = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = generate  # its dataclasses look their module up
    spec.loader.exec_module(generate)
    root = tmp_path_factory.mktemp("many-items")
    generate.generate(60, root / "docs")
    (root / "docs" / "index.md").write_text("# Home\n")
    config = root / "mkdocs.in.yml"
    config.write_text(MKDOCS_YML.format(options="      analytics: false\n      drafts: show") + "site_url: http://x/\n")
    served = build_and_serve(root, root / "docs", config, "docs", copy=False)
    yield next(served), root
    next(served, None)


def test_action_items_one_table_exact_filters_sorting_and_pages(many_items: tuple[str, Path]) -> None:
    url, root = many_items
    written = sum(p.read_text().count("\n  - id: ") for p in (root / "docs").glob("2*.md"))
    html = (root / "site" / "action-items" / "index.html").read_text()
    data = table_data(root / "site" / "action-items" / "index.html")
    field = {name: i for i, name in enumerate(data["fields"])}
    rows = data["rows"]
    assert len(rows) == written > 100  # every item once, in one table
    assert html.count("<table") == 3  # the overdue summary by priority and by owner, then the items
    team1 = [r for r in rows if r[field["owner"]] == "@team-1"]
    assert team1 and any(r[field["owner"]] == "@team-10" for r in rows)  # a prefix of another owner
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 390, "height": 900})
        page.goto(url + "action-items/")
        page.locator("form[data-pmkb-filters][data-pmkb-ready]").wait_for()
        body = page.locator("[data-pmkb-rows] tbody tr")
        count = page.locator("[data-pmkb-count]")
        assert body.count() == 100 and count.inner_text() == f"{len(rows)} action items"
        assert page.locator(".pmkb-pager span").inner_text() == f"1–100 of {len(rows)}"
        page.locator(".pmkb-pager button", has_text="Next").click()
        assert body.count() == len(rows) - 100
        # exact: @team-1 never shows @team-10's items
        page.select_option('select[data-filter="owner"]', "@team-1")
        assert count.inner_text() == f"{len(team1)} action items"
        assert {body.nth(i).locator("td").nth(1).inner_text() for i in range(body.count())} == {"@team-1"}
        page.select_option('select[data-filter="owner"]', "")
        page.select_option('select[data-filter="state"]', "Overdue")
        overdue = [r for r in rows if r[field["overdue"]]]
        assert count.inner_text() == f"{len(overdue)} action items" and overdue
        service = rows[0][field["services"]][0]
        page.select_option('select[data-filter="services"]', service)
        both = [r for r in overdue if service in r[field["services"]]]
        assert count.inner_text() == f"{len(both)} action items"
        page.select_option('select[data-filter="state"]', "")
        page.select_option('select[data-filter="services"]', "")
        quarter = rows[-1][field["quarter"]]
        page.select_option('select[data-filter="quarter"]', quarter)
        assert count.inner_text() == f"{sum(r[field['quarter']] == quarter for r in rows)} action items"
        page.select_option('select[data-filter="quarter"]', "")
        page.locator("[data-pmkb-rows] th", has_text="Due").click()
        dues = [body.nth(i).locator("td").nth(3).inner_text()[:10] for i in range(5)]
        assert dues == sorted(r[field["due"]] for r in rows)[:5]
        page.locator("[data-pmkb-rows] th", has_text="Due").click()
        assert body.first.locator("td").nth(3).inner_text()[:10] == max(r[field["due"]] for r in rows)
        incident_col = [c["key"] for c in data["columns"]].index("incident")
        link = body.first.locator("td").nth(incident_col).locator("a")
        target = link.evaluate("a => new URL(a.href).pathname")  # resolved against the rows file
        assert (root / "site" / target.lstrip("/") / "index.html").exists()
        browser.close()


def test_incidents_text_and_root_cause_filters(reference_site: str) -> None:
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        page.goto(reference_site + "incidents/")
        page.locator("form[data-pmkb-filters][data-pmkb-ready]").wait_for()
        visible = page.locator("[data-pmkb-rows] tbody tr")
        assert visible.count() == 15
        page.select_option('select[data-filter="cause"]', "dependency-failure")  # one of two causes of the DNS outage
        assert visible.count() == 2
        assert page.locator("[data-pmkb-count]").inner_text() == "2 incidents"
        page.select_option('select[data-filter="cause"]', "")
        page.fill("input[data-filter-text]", "Certificate")
        titles = [visible.nth(i).locator("td").nth(1).inner_text() for i in range(visible.count())]
        assert len(titles) == 2 and all("certificate" in t.lower() for t in titles)
        page.select_option('select[data-filter="severity"]', "SEV1")
        assert visible.count() == 1
        browser.close()


def test_charts_redraw_on_resize_and_on_the_dark_scheme(reference_site: str) -> None:
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(reference_site + "trends/")
        page.wait_for_function("document.querySelectorAll('[data-pmkb-chart][data-pmkb-drawn]').length === 8")
        widths = (
            "() => [...document.querySelectorAll('[data-pmkb-chart] .main-svg')]"
            ".map(s => s.getBoundingClientRect().width)"
        )
        wide = page.evaluate(widths)
        page.set_viewport_size({"width": 390, "height": 900})
        page.wait_for_function(f"() => ({widths})().every(w => w <= 390)", timeout=10_000)
        page.wait_for_timeout(500)  # plotly settles its margins after the resize
        assert max(wide) > 390 and page.evaluate(LAYOUT_PROBLEMS) == []
        median = (
            "() => [...document.querySelectorAll('[data-pmkb-chart=\"mttr-breakdown\"] .scatterlayer path.js-line')]"
            ".map(p => p.style.stroke)"
        )
        assert page.evaluate(median) == ["rgb(33, 33, 33)"]  # palette.ACCENT["median"] on the light scheme
        page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")
        page.wait_for_function(f"() => ({median})()[0] === 'rgb(238, 238, 238)'", timeout=10_000)  # DARK_CHART
        browser.close()
