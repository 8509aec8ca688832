"""Every postmortem of a knowledge base, checked and turned into records (no MkDocs).

Results are cached by file content: `mkdocs serve` rebuilds re-check only the files
that changed. The cache is module-level because MkDocs makes new plugin instances
when it reloads the config on a rebuild.
"""

from __future__ import annotations

import hashlib
import multiprocessing as mp
import os
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .evaluate import evaluate_bytes
from .findings import Finding, Position
from .records import Incident, incident_from
from .relations import Relation, find_relations
from .rules import RULES
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


_CACHE: dict[tuple[int, str, str], Entry] = {}
_CACHE_LIMIT = 50_000


def load_entry(src_uri: str, display_path: str, data: bytes, settings: Settings) -> Entry:
    key = (hash(repr(settings)), display_path, hashlib.sha1(data).hexdigest())
    entry = _CACHE.get(key)
    if entry is None:
        entry = _evaluate(src_uri, display_path, data, settings)
        if len(_CACHE) >= _CACHE_LIMIT:
            _CACHE.clear()
        _CACHE[key] = entry
    return entry


def _evaluate(src_uri: str, display_path: str, data: bytes, settings: Settings) -> Entry:
    result = evaluate_bytes(display_path, data, settings)
    incident = None
    if result.doc is not None and result.model is not None:
        incident = incident_from(result.doc, result.model, src_uri)
    return Entry(tuple(result.findings), incident, display_path, result.anchor)


Job = tuple[str, str, Path]  # (src_uri, display path, file)
PARALLEL_FROM = 400  # files; below this, starting worker processes costs more than it saves


def read_entries(jobs: Sequence[Job], settings: Settings) -> list[Entry]:
    """Entries of many files, on every core when there are many: each file is judged on its own.

    Workers are forked, which is only safe in a single-threaded process: `mkdocs serve` runs
    a server thread and stays serial (there the content cache makes rebuilds cheap anyway).
    """
    workers = min(os.cpu_count() or 1, 8)
    forkable = "fork" in mp.get_all_start_methods() and threading.active_count() == 1
    if len(jobs) < PARALLEL_FROM or workers < 2 or not forkable:
        return [_read_entry(job, settings) for job in jobs]
    context = mp.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_set_settings, initargs=(settings,)) as pool:
        return list(pool.map(_worker_entry, jobs, chunksize=64))


_WORKER_SETTINGS = Settings()  # set once in each worker, not sent with every file


def _set_settings(settings: Settings) -> None:
    global _WORKER_SETTINGS
    _WORKER_SETTINGS = settings


def _worker_entry(job: Job) -> Entry:
    return _read_entry(job, _WORKER_SETTINGS)


def _read_entry(job: Job, settings: Settings) -> Entry:
    src_uri, name, path = job
    try:
        data = path.read_bytes()
    except OSError as exc:
        finding = Finding(name, 1, 1, "error", "file-unreadable", f"cannot read file: {exc.strerror}")
        return Entry((finding,), None, name)
    return load_entry(src_uri, name, data, settings)


def build_corpus(files: Iterable[tuple[str, str, bytes]], settings: Settings) -> Corpus:
    """`files` yields (src_uri, display path, content)."""
    corpus = Corpus()
    for src_uri, display_path, data in files:
        corpus.entries[src_uri] = load_entry(src_uri, display_path, data, settings)
    return corpus


def relation_findings(corpus: Corpus, settings: Settings, relations: Sequence[Relation] | None = None) -> list[Finding]:
    """Review-time detection: a postmortem that resembles earlier incidents it does not list in
    `related` gets one warning naming the most recent of them, so author and reviewers see it."""
    entries = {e.incident.stem: e for e in corpus.entries.values() if e.incident is not None}
    unlisted: dict[str, dict[str, list[str]]] = {}  # later -> earlier -> reasons
    if relations is None:
        relations = find_relations(corpus.incidents, settings.repeat_window_days, settings.similarity_threshold)
    for rel in relations:
        later = entries[rel.b].incident
        if rel.kind != "manual" and later is not None and rel.a not in later.related:
            unlisted.setdefault(rel.b, {}).setdefault(rel.a, []).append(rel.reason)
    out = []
    for stem, earlier in unlisted.items():
        entry = entries[stem]
        latest = max(earlier, key=lambda s: (entries[s].incident.date, s))  # type: ignore[union-attr]
        date = entries[latest].incident.date.isoformat()  # type: ignore[union-attr]
        more = f" (and {len(earlier) - 1} more earlier incidents)" if len(earlier) > 1 else ""
        out.append(
            Finding(
                entry.path, entry.anchor.line, entry.anchor.col, RULES["similar-incident"].level, "similar-incident",
                f"resembles the earlier incident {latest} ({date}): {'; '.join(earlier[latest])}{more}. "
                "If it is a repeat, add it to `related` and check whether that incident's fixes covered this one",
            )
        )  # fmt: skip
    return sorted(out, key=Finding.sort_key)


def collect(jobs: Sequence[Job], contents: Iterable[tuple[str, str, bytes]], settings: Settings) -> Corpus:
    """A corpus of files on disk (`jobs`, read in parallel when many) and of in-memory contents."""
    corpus = build_corpus(contents, settings)
    for (src_uri, _name, _path), entry in zip(jobs, read_entries(jobs, settings), strict=True):
        corpus.entries[src_uri] = entry
    return corpus
