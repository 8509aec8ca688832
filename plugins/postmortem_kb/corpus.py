"""Every postmortem of a knowledge base, checked and turned into records (no MkDocs).

Results are cached by file content in an `EntryCache` its owner keeps: the MkDocs plugin
keeps one on its instance across `mkdocs serve` rebuilds (MkDocs keeps a plugin that defines
`on_startup`), so a rebuild re-checks only the files that changed.
"""

from __future__ import annotations

import errno
import gc
import multiprocessing as mp
import os
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from .cache_store import Store, digest
from .evaluate import evaluate_bytes
from .findings import Finding, Position
from .records import Incident, incident_from
from .relations import TextFacts, remember_text_facts, text_facts
from .settings import Settings


@dataclass(frozen=True)
class Entry:
    findings: tuple[Finding, ...]
    incident: Incident | None  # None when the front matter does not fit the model
    path: str = ""  # as findings name it
    anchor: Position = field(default_factory=Position)  # where file-level findings point


@dataclass
class Corpus:
    entries: dict[str, Entry] = field(default_factory=dict)  # by src_uri

    @property
    def findings(self) -> list[Finding]:
        return sorted((f for e in self.entries.values() for f in e.findings), key=Finding.sort_key)

    @property
    def incidents(self) -> list[Incident]:
        """Valid incidents, newest first."""
        found = [e.incident for e in self.entries.values() if e.incident is not None]
        return sorted(found, key=lambda i: (i.date, i.stem), reverse=True)


class EntryCache:
    """Entries by (settings, src_uri, path, content digest), in memory; cleared past `limit`."""

    def __init__(self, limit: int = 50_000) -> None:
        self.limit = limit
        self._entries: dict[tuple[int, str, str, str], Entry] = {}
        self._key_of: tuple[Settings, int] | None = None  # the last settings and their key

    def _settings_key(self, settings: Settings) -> int:
        # one repr per build, not two per file (about 10 microseconds each, 20 ms a rebuild of 1,000)
        if self._key_of is None or self._key_of[0] is not settings:
            self._key_of = (settings, hash(repr(settings)))
        return self._key_of[1]

    def get(self, src_uri: str, display_path: str, data: bytes, settings: Settings) -> Entry:
        found = self.find(src_uri, display_path, digest(data), settings)
        if found is None:
            found = load_entry(src_uri, display_path, data, settings)
            self.put(src_uri, display_path, digest(data), settings, found)
        return found

    def find(self, src_uri: str, display_path: str, content_digest: str, settings: Settings) -> Entry | None:
        return self._entries.get((self._settings_key(settings), src_uri, display_path, content_digest))

    def put(self, src_uri: str, display_path: str, content_digest: str, settings: Settings, entry: Entry) -> None:
        if len(self._entries) >= self.limit:
            self._entries.clear()
        self._entries[(self._settings_key(settings), src_uri, display_path, content_digest)] = entry

    def __len__(self) -> int:
        return len(self._entries)


def load_entry(src_uri: str, display_path: str, data: bytes, settings: Settings) -> Entry:
    result = evaluate_bytes(display_path, data, settings)
    incident = None
    if result.doc is not None and result.model is not None:
        incident = incident_from(result.doc, result.model, src_uri)
    return Entry(tuple(result.findings), incident, display_path, result.anchor)


Job = tuple[str, str, Path]  # (src_uri, display path, file)
PARALLEL_FROM = 400  # files; below this, starting worker processes costs more than it saves


def read_entries(
    jobs: Sequence[Job], settings: Settings, cache: EntryCache | None = None, *, parallel: bool = False,
    store: Store | None = None, verify: bool = False,
) -> list[Entry]:  # fmt: skip
    """Entries of many files, on every core when `parallel` and there are many: each file is judged
    on its own. Workers are forked, which only a single-threaded caller may ask for (`pmkb check`,
    `mkdocs build`; never `mkdocs serve`, which runs a server thread and has the cache instead).
    With a persistent `store`, files judged before are taken from it (`stored_entries`); `verify`
    reads every file to learn its content digest instead of trusting unchanged size and mtime."""
    if store is not None:
        from .stored_entries import read_stored

        return read_stored(jobs, settings, cache, store, parallel=parallel, verify=verify)
    pairs = parallel_map(_worker_entry, jobs, settings, parallel, lambda job: (_read_entry(job, settings, cache), None))
    for entry, facts in pairs:
        if facts is not None and entry.incident is not None:
            remember_text_facts(entry.incident, settings.terms, facts)
    return [entry for entry, _facts in pairs]


T = TypeVar("T")
R = TypeVar("R")


def parallel_map(
    worker: Callable[[T], R], items: Sequence[T], settings: Settings, parallel: bool, serial: Callable[[T], R]
) -> list[R]:
    """`worker` over `items` in forked processes that hold `settings` (see `read_entries`), or
    `serial` in this process when not `parallel` or too few items to repay starting workers."""
    return list(parallel_iter(worker, items, settings, parallel, serial))


def parallel_iter(
    worker: Callable[[T], R], items: Sequence[T], settings: Settings, parallel: bool, serial: Callable[[T], R]
) -> Iterator[R]:
    """`parallel_map`'s results in order, each as soon as it is ready: the caller's own work on a
    result overlaps the workers' on the next ones instead of waiting for all of them."""
    workers = min(os.cpu_count() or 1, 8)
    if not parallel or len(items) < PARALLEL_FROM or workers < 2 or "fork" not in mp.get_all_start_methods():
        yield from map(serial, items)
        return
    context = mp.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_set_settings, initargs=(settings,)) as pool:
        yield from pool.map(worker, items, chunksize=64)


def worker_settings() -> Settings:
    """The settings a forked worker was started with."""
    return _WORKER_SETTINGS


_WORKER_SETTINGS = Settings()  # set once in each forked worker, not sent with every file


def _set_settings(settings: Settings) -> None:
    global _WORKER_SETTINGS
    _WORKER_SETTINGS = settings
    # Everything a forked worker inherited (modules, compiled patterns, lexicons) lives as long as
    # it does: moved out of the collector's sight, full collections walk only the files' objects.
    gc.freeze()


def _worker_entry(job: Job) -> tuple[Entry, TextFacts | None]:
    """The entry and what the corpus comparison needs of its text, made here rather than serially
    in the parent afterwards."""
    entry = _read_entry(job, _WORKER_SETTINGS, None)
    return entry, text_facts(entry.incident, _WORKER_SETTINGS.terms) if entry.incident is not None else None


def _read_entry(job: Job, settings: Settings, cache: EntryCache | None) -> Entry:
    src_uri, name, path = job
    try:
        data = read_regular(path)
    except OSError as exc:
        finding = Finding(name, 1, 1, "error", "file-unreadable", f"cannot read file: {exc.strerror}")
        return Entry((finding,), None, name)
    return _entry(src_uri, name, data, settings, cache)


def read_regular(path: Path) -> bytes:
    """The file's bytes; a FIFO, socket or device is refused before it is opened (reading a FIFO
    waits for a writer forever)."""
    return read_regular_stat(path)[0]


def read_regular_stat(path: Path) -> tuple[bytes, os.stat_result]:
    """`read_regular`, and the file's status taken just before it was read."""
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise OSError(errno.EINVAL, "not a regular file")
    # os-level: pathlib's open and read cost as much again as the read itself (10,000 files a check)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        data = os.read(fd, st.st_size + 1)
        if len(data) <= st.st_size:  # a short read of a regular file is its end: no second read
            return data, st
        chunks = [data]
        while chunks[-1]:  # the file grew since the stat
            chunks.append(os.read(fd, 1 << 16))
        return b"".join(chunks), st
    finally:
        os.close(fd)


def _entry(src_uri: str, name: str, data: bytes, settings: Settings, cache: EntryCache | None) -> Entry:
    return cache.get(src_uri, name, data, settings) if cache is not None else load_entry(src_uri, name, data, settings)


def collect(
    jobs: Sequence[Job], contents: Iterable[tuple[str, str, bytes]], settings: Settings,
    cache: EntryCache | None = None, *, parallel: bool = False, store: Store | None = None,
) -> Corpus:  # fmt: skip
    """A corpus of files on disk (`jobs`, read in parallel when asked and many) and of in-memory
    contents (src_uri, display path, bytes)."""
    corpus = Corpus()
    for src_uri, display_path, data in contents:
        corpus.entries[src_uri] = _entry(src_uri, display_path, data, settings, cache)
    for (src_uri, _name, _path), entry in zip(
        jobs, read_entries(jobs, settings, cache, parallel=parallel, store=store), strict=True
    ):
        corpus.entries[src_uri] = entry
    return corpus
