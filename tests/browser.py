"""What the Chromium tests share: Debian's browser, its flags, and a quiet static file server."""

from __future__ import annotations

import functools
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .sites import build

CHROMIUM = "/usr/bin/chromium"  # Debian's package; browsers are never downloaded
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves a built site without a log line per request."""

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serving(httpd: ThreadingHTTPServer) -> Iterator[str]:
    """The server's address while it serves (in a thread), for the length of the block."""
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()


def server_for(site: Path) -> ThreadingHTTPServer:
    """A server bound to a free local port for a built site's folder (not serving yet)."""
    return ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site)))


def build_and_serve(root: Path, docs: Path, config: Path, docs_name: str, *, copy: bool = True) -> Iterator[str]:
    """A knowledge base built for, and served at, a local address (a fixture's body); `docs` is
    copied into `root` as `docs_name` unless it is there already (`copy=False`).

    mkdocs-material only navigates instantly to URLs of its sitemap, which are built from
    site_url with the browser's host but site_url's port: so site_url is this server's address,
    known once the server is bound and before the site is built.
    """
    httpd = server_for(root / "site")
    url = f"http://127.0.0.1:{httpd.server_address[1]}/"
    if copy:
        shutil.copytree(docs, root / docs_name)
    (root / "mkdocs.yml").write_text(re.sub(r"(?m)^site_url: .*$", f"site_url: {url}", config.read_text()))
    built = build(root)
    assert built.returncode == 0, built.log
    with serving(httpd) as served:
        yield served
