"""A real browser: the built site's charts draw in headless Chromium, offline, after instant navigation."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from .browser import CHROMIUM, FLAGS, build_and_serve
from .conftest import REFERENCE_KB, ROOT

if not Path(CHROMIUM).exists() and not os.environ.get("CI"):
    pytest.skip("Debian's chromium is not installed (CI installs it)", allow_module_level=True)

playwright = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The reference knowledge base built for, and served at, a local address."""
    yield from build_and_serve(tmp_path_factory.mktemp("browser"), REFERENCE_KB, ROOT / "mkdocs.yml", "postmortems")


def _charts_drawn(page: object) -> None:
    page.wait_for_function(  # type: ignore[attr-defined]
        """() => {
            const boxes = [...document.querySelectorAll('[data-pmkb-chart]')];
            return boxes.length > 0 && boxes.every(b => b.querySelector('.main-svg'));
        }""",
        timeout=20_000,
    )


def _shows(page: object, title: str) -> None:
    """Instant navigation swaps the content after the URL changes: wait for the new page's title."""
    page.locator("article h1", has_text=title).wait_for(timeout=20_000)  # type: ignore[attr-defined]


def test_charts_draw_offline_and_after_instant_navigation(server: str) -> None:
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        errors: list[str] = []
        requests: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: requests.append(r.url))

        page.goto(server + "trends/")
        page.wait_for_load_state("networkidle")  # material reads the sitemap before it navigates instantly
        _charts_drawn(page)
        assert page.locator("[data-pmkb-chart]").count() == 8
        assert page.locator("[data-pmkb-chart] .js-plotly-plot").count() == 8

        # Instant navigation: away and back without a page load, charts drawn again.
        page.evaluate("window.__pmkbSamePage = true")
        page.locator("a.md-tabs__link", has_text="Incidents").click()
        _shows(page, "Incidents")
        page.locator("a.md-tabs__link", has_text="Trends").click()
        _shows(page, "Incident trends")
        _charts_drawn(page)
        assert page.evaluate("window.__pmkbSamePage") is True, "instant navigation should not reload the page"
        assert page.locator("[data-pmkb-chart] .js-plotly-plot").count() == 8

        # The home page's compact set.
        page.locator("a.md-tabs__link", has_text="Home").click()
        _shows(page, "Brightcart incident knowledge base")  # the new content, not only the new URL
        _charts_drawn(page)
        assert page.locator("[data-pmkb-chart]").count() == 2

        browser.close()
    assert errors == []
    outside = [url for url in requests if not url.startswith(server)]
    assert outside == [], outside


def test_incident_table_filters_in_the_browser(server: str) -> None:
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        page.goto(server + "incidents/")
        page.locator("form[data-pmkb-filters][data-pmkb-ready]").wait_for()  # kb.js has drawn the table
        rows = page.locator("[data-pmkb-rows] tbody tr")
        assert rows.count() == 15
        page.select_option('select[data-filter="severity"]', "SEV1")
        assert rows.count() == 3
        assert page.locator("[data-pmkb-count]").inner_text() == "3 incidents"
        page.select_option('select[data-filter="services"]', "payments-gateway")
        assert rows.count() == 2
        page.locator("th", has_text="Duration").click()  # sort ascending by duration
        assert [rows.nth(i).locator("td").nth(4).inner_text() for i in range(2)] == ["1 h 47 min", "2 h 19 min"]
        page.locator("th", has_text="Duration").click()  # and descending
        assert rows.first.locator("td").nth(4).inner_text() == "2 h 19 min"
        browser.close()
