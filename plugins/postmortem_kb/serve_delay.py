"""How long `mkdocs serve` waits after a change before it rebuilds.

MkDocs' live-reload server waits until no further change arrives for `build_delay` (0.1 s), so
that a burst of changes (a `git checkout`, an editor's save in steps) makes one rebuild. Its
watcher polls the docs folder every 0.5 s and reports all the changes one poll finds together,
within milliseconds of each other: a shorter wait still gathers a burst and shows an edit sooner.
`build_delay` is an attribute of MkDocs' server, not an option: when a MkDocs without it serves,
nothing is changed (a test pins the attribute, so an upgrade that drops it is noticed).
"""

from __future__ import annotations

BUILD_DELAY = 0.02  # seconds


def shorten_build_delay(server: object) -> bool:
    """Lower the server's wait to BUILD_DELAY; False when it has no such number or waits less."""
    delay = getattr(server, "build_delay", None)
    if isinstance(delay, bool) or not isinstance(delay, (int, float)) or delay <= BUILD_DELAY:
        return False
    server.build_delay = BUILD_DELAY  # type: ignore[attr-defined]
    return True
