"""How `mkdocs serve` notices an edit: the kernel's change notices where they can be trusted.

MkDocs' server polls every watched folder every 0.5 s: a stat of each file, so an idle session
costs 1.6% of a core watching 1,000 postmortems and 18% watching 10,000, and an edit waits
0.25 s on average before the rebuild starts. MkDocs polls because the kernel's notices miss
changes on virtual filesystems (Docker Desktop's shared folders, network mounts, WSL's Windows
drives) and do not follow symlinks (mkdocs/mkdocs#2477).

So the plugin hands the server watchdog's inotify observer only where both hold: Linux, every
watched path on a local disk filesystem (`LOCAL_FILESYSTEMS`, read from /proc/self/mountinfo),
neither a symlink nor holding one. An edit is then seen within milliseconds and an idle session
costs nothing. Anywhere else, with the plugin option `watcher: polling`, or when inotify cannot
start (its per-user limits), MkDocs' polling stays. The observer hears only changes: the build
opens and reads the postmortems, and MkDocs would rebuild on any event it is told about.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from watchdog.events import (
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers.api import BaseObserver, ObservedWatch
from watchdog.observers.polling import PollingObserver

# Block-device and in-memory filesystems whose notices cover every change made on this machine.
LOCAL_FILESYSTEMS = frozenset(
    {"ext2", "ext3", "ext4", "xfs", "btrfs", "bcachefs", "f2fs", "jfs", "reiserfs", "zfs", "tmpfs", "overlay"}
)
# What is a change: the build opening and reading files is not (watchdog reports opens on Linux).
CHANGES: tuple[type[FileSystemEvent], ...] = (
    FileCreatedEvent,
    FileModifiedEvent,
    FileDeletedEvent,
    FileMovedEvent,
    FileClosedEvent,
)
MOUNTINFO = "/proc/self/mountinfo"
NOTHING_WATCHED = "nothing is watched"  # `mkdocs serve --no-livereload`


def filesystem_of(path: str, mountinfo: str | None = None) -> str | None:
    """The type of the filesystem `path` lies on (Linux), from the longest mount point above it."""
    if mountinfo is None:
        try:
            mountinfo = Path(MOUNTINFO).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
    real = os.path.realpath(path)
    best, kind = "", None
    for line in mountinfo.splitlines():
        # "36 35 98:0 /root /mnt/point rw,noatime shared:1 - ext4 /dev/sda1 rw"; spaces in paths as \040
        fields, _dash, after = line.partition(" - ")
        parts, rest = fields.split(), after.split()
        if len(parts) < 5 or not rest:
            continue
        point = _unescape(parts[4])
        inside = real == point or real.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):  # a later mount over the same point hides the earlier
            best, kind = point, rest[0]
    return kind


def _unescape(field: str) -> str:
    return field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\")


def distrust(paths: Iterable[str], mountinfo: str | None = None) -> str | None:
    """Why the kernel's notices could miss a change under these paths; None when they cannot."""
    if not sys.platform.startswith("linux"):
        return f"not Linux ({sys.platform})"
    for path in paths:
        if os.path.islink(path):  # inotify would watch the link, not what it points to
            return f"{path} is a symlink"
        kind = filesystem_of(path, mountinfo)
        if kind not in LOCAL_FILESYSTEMS:
            return f"{path} is on {kind or 'an unknown filesystem'}"
        if os.path.isdir(path):
            link = _symlink_under(path)
            if link is not None:
                return f"{link} is a symlink"
    return None


def _symlink_under(folder: str) -> str | None:
    for root, dirs, files in os.walk(folder):
        for name in (*dirs, *files):
            full = os.path.join(root, name)
            if os.path.islink(full):
                return full
    return None


def _native_observer_class() -> Callable[[], BaseObserver] | None:
    try:
        from watchdog.observers.inotify import InotifyObserver
    except Exception:  # pragma: no cover - no inotify in this libc or on this platform
        return None

    class ChangesObserver(InotifyObserver):
        """inotify, reporting to MkDocs' handlers only the events that change a file."""

        def schedule(
            self,
            event_handler: FileSystemEventHandler,
            path: str | Path,
            *,
            recursive: bool = False,
            event_filter: list[type[FileSystemEvent]] | None = None,
            follow_symlink: bool = False,
        ) -> ObservedWatch:
            return super().schedule(
                event_handler,
                path,
                recursive=recursive,
                event_filter=event_filter or list(CHANGES),
                follow_symlink=follow_symlink,
            )

    return ChangesObserver


def use_native_watcher(server: object, more_paths: Iterable[str] = ()) -> str | None:
    """Give MkDocs' server (not started yet) an inotify observer for the paths it watches and
    `more_paths` (the `watch:` entries MkDocs adds after `on_serve`). None when it was given one;
    else why the server keeps its own polling.

    The paths and how often each was asked for are MkDocs' `_watched_paths` (a test pins it): the
    observer's own record names a watched file by its folder."""
    observer = getattr(server, "observer", None)
    counts = getattr(server, "_watched_paths", None)
    if not isinstance(observer, PollingObserver) or observer.is_alive() or not isinstance(counts, dict):
        return "the server has no polling observer to replace"
    if not counts:
        return NOTHING_WATCHED
    recursive = {emitter.watch.path: emitter.watch.is_recursive for emitter in observer.emitters}
    watched = [(path, int(count), recursive.get(path, True)) for path, count in counts.items()]
    paths = [path for path, _count, _recursive in watched] + [os.path.abspath(p) for p in more_paths]
    reason = distrust(paths)
    if reason is not None:
        return reason
    native = _native_observer_class()
    if native is None:
        return "watchdog has no inotify support here"
    try:  # inotify's per-user limits (instances, watches) show only when an observer starts
        probe = native()
        for path in paths:
            probe.schedule(FileSystemEventHandler(), path, recursive=os.path.isdir(path))
        probe.start()
        probe.stop()
        probe.join()
    except OSError as exc:
        return f"inotify did not start ({exc})"
    # Through MkDocs' own unwatch and watch, so that its handlers and its counts move along.
    for path, count, _recursive in watched:
        for _ in range(count):
            server.unwatch(path)  # type: ignore[attr-defined]
    server.observer = native()  # type: ignore[attr-defined]  # an attribute MkDocs' server starts and stops
    for path, count, is_recursive in watched:
        for _ in range(count):
            server.watch(path, recursive=is_recursive)  # type: ignore[attr-defined]
    return None
