"""The site's corpus-wide parts made ahead, in a forked process, while MkDocs converts the Markdown.

A plain `mkdocs build` keeps one core busy. Once the postmortems are judged, everything the plugin
adds that depends on the whole knowledge base (the generated pages' tables and charts, the feed,
the exports and rows files, a summary card for every postmortem) is made by one forked process on
the other core, in the order the build asks for it: parts of pages at `on_page_content`, the data
files at `on_env`, the cards at `on_post_page`. The build takes each result when it first needs it
and only then waits.

The forked process holds a copy of the plan and of the site's files, so it makes exactly what the
build process would; anything it did not make (a part a page asks for that its Markdown did not
show, or everything after it failed or died) the build makes itself, the same way. Only
`mkdocs build` forks: `mkdocs serve` runs a server thread, where forking is unsafe.
"""

from __future__ import annotations

import multiprocessing as mp
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from typing import TypeVar

from .pages.render import Link
from .site import SitePlan, expected_parts

Key = tuple[str, ...]
Task = tuple[Key, Callable[[], object]]
T = TypeVar("T")
_FAILED = ("failed",)  # sent instead of a result when making one raised; the build makes the rest itself


class Ahead:
    """Results of `tasks`, made in a forked process in their order; `take` waits for one."""

    def __init__(self, tasks: Sequence[Task], before: Callable[[], None], after: Callable[[], None]) -> None:
        """`before` and `after` run in the forked process around the tasks (`after` also when it is
        stopped): what it starts for itself, such as the history pass, it stops."""
        context = mp.get_context("fork")
        receive, send = context.Pipe(duplex=False)
        self._keys = {key for key, _make in tasks}
        self._results: dict[Key, object] = {}
        self._done = False
        self.failure = ""  # why the forked process stopped early ("" when it made everything)
        self._ready = threading.Condition()
        self._process = context.Process(target=_make_all, args=(tasks, send, before, after), daemon=True)
        self._process.start()
        send.close()  # the child's end: the reader sees EOF when the child is gone
        # A thread takes results off the pipe as they come, so the child never waits for the build
        # to ask (a pipe holds 64 KiB; one page's part is more).
        self._reader = threading.Thread(target=self._read, args=(receive,), daemon=True)
        self._reader.start()

    def take(self, key: Key, make: Callable[[], T]) -> T:
        """The result made ahead for `key` (each is taken once), else `make()` here."""
        if key in self._keys:
            with self._ready:
                self._ready.wait_for(lambda: key in self._results or self._done)
                if key in self._results:
                    self._keys.discard(key)
                    return self._results.pop(key)  # type: ignore[return-value]  # made by `make`'s twin
        return make()

    def close(self) -> None:
        """Stop the forked process if it still works (a failed build) and wait for it."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._reader.join()

    def _read(self, receive: Connection) -> None:
        try:
            while True:
                key, value = receive.recv()
                with self._ready:
                    if key == _FAILED:
                        self.failure = str(value)
                        break
                    self._results[key] = value
                    self._ready.notify_all()
        except Exception:  # EOF: the process ended (or was stopped mid-message); the build makes the rest
            pass
        finally:
            receive.close()
            with self._ready:
                self._done = True
                self._ready.notify_all()


def _make_all(tasks: Sequence[Task], send: Connection, before: Callable[[], None], after: Callable[[], None]) -> None:
    # Terminated by the build (it failed): unwind, so that `finally` blocks stop what this started.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(1))
    try:
        before()
        for key, make in tasks:
            send.send((key, make()))
    except Exception as exc:  # the build makes the rest itself and meets the same error there
        send.send((_FAILED, f"{type(exc).__name__}: {exc}"))
    finally:
        send.close()
        after()


def site_tasks(
    plan: Callable[[], SitePlan],
    pages: Sequence[tuple[str, str]],
    postmortems: Sequence[str],
    link_from: Callable[[str], Link],
    rows_link: Link,
    url_of: Callable[[str], str | None],
    feed: Callable[[], str],
) -> list[Task]:
    """What to make ahead, in the order the build asks for it: the parts of `pages` ((src_uri, Markdown)
    in build order), the findings, the services shown, the data files, then the cards of `postmortems`
    (src_uris in build order). `plan()` is the site's plan (judging the postmortems when first called);
    `link_from(src_uri)` makes links relative to that page, `url_of(src_uri)` gives its URL."""
    tasks: list[Task] = []
    for uri, markdown in pages:
        link = link_from(uri)
        tasks += [(part_key(uri, name, arg), _part(plan, name, arg, link)) for name, arg in expected_parts(markdown)]
    tasks += [
        (FINDINGS, lambda: plan().findings()),
        (SERVICES, lambda: plan().services_shown()),
        (FEED, feed),
        (EXPORTS, lambda: plan().exports(url_of)),
        (ROWS, lambda: plan().row_files(rows_link)),
    ]
    tasks += [(card_key(uri), _card(plan, uri, link_from(uri))) for uri in postmortems]
    return tasks


def _part(plan: Callable[[], SitePlan], name: str, arg: str, link: Link) -> Callable[[], str]:
    return lambda: plan().part(name, arg, link)


def _card(plan: Callable[[], SitePlan], uri: str, link: Link) -> Callable[[], str | None]:
    return lambda: plan().card(uri, link)


def available() -> bool:
    """Whether this platform can fork (not Windows)."""
    return "fork" in mp.get_all_start_methods()


def part_key(src_uri: str, name: str, arg: str) -> Key:
    return ("part", src_uri, name, arg)


def card_key(src_uri: str) -> Key:
    return ("card", src_uri)


FINDINGS: Key = ("findings",)
SERVICES: Key = ("services",)
FEED: Key = ("feed",)
EXPORTS: Key = ("exports",)
ROWS: Key = ("rows",)
