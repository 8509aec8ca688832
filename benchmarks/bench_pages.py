"""How heavy the long pages of a built site are for a reader: headless Chromium at 390 px loads
action-items/ and incidents/, waits until kb.js has drawn the table, and reports the time, the
number of DOM elements and how long one exact-match filter takes.

    python benchmarks/bench_pages.py benchmarks/out/build-10000/site-plugin
"""

from __future__ import annotations

import argparse
import functools
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import sync_playwright

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
PAGES = {"action-items/": "owner", "incidents/": "severity"}  # page -> the filter to time


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("site", type=Path)
    args = parser.parse_args()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(args.site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        for path, choice in PAGES.items():
            page = browser.new_page(viewport={"width": 390, "height": 900})
            start = time.perf_counter()
            page.goto(url + path)
            page.locator("form[data-pmkb-filters][data-pmkb-ready]").wait_for(timeout=120_000)
            drawn = time.perf_counter() - start
            elements = page.evaluate("document.getElementsByTagName('*').length")
            rows = page.locator("[data-pmkb-count]").inner_text()
            start = time.perf_counter()
            page.select_option(f'select[data-filter="{choice}"]', index=1)
            filtered = time.perf_counter() - start
            size = (args.site / path / "index.html").stat().st_size / 1024
            print(
                f"{path:14} {size:8,.0f} KiB  drawn in {drawn:.2f} s  {elements} elements  {rows};"
                f" a filter {filtered:.2f} s"
            )
            page.close()
        browser.close()
    httpd.shutdown()


if __name__ == "__main__":
    main()
