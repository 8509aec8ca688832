"""What the Chromium tests share: Debian's browser, its flags, and a quiet static file server."""

from __future__ import annotations

from http.server import SimpleHTTPRequestHandler

CHROMIUM = "/usr/bin/chromium"  # Debian's package; browsers are never downloaded
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves a built site without a log line per request."""

    def log_message(self, format: str, *args: object) -> None:
        pass
