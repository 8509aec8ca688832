"""Every postmortem of a knowledge base, checked and turned into records (no MkDocs).

Results are cached by file content: `mkdocs serve` rebuilds re-check only the files
that changed. The cache is module-level because MkDocs makes new plugin instances
when it reloads the config on a rebuild.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from .check import evaluate_bytes
from .findings import Finding
from .records import Incident, incident_from
from .settings import Settings


@dataclass(frozen=True)
class Entry:
    findings: tuple[Finding, ...]
    incident: Incident | None  # None when the front matter does not fit the model


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
    if result.doc is None or result.model is None:
        return Entry(tuple(result.findings), None)
    return Entry(tuple(result.findings), incident_from(result.doc, result.model, src_uri))


def build_corpus(files: Iterable[tuple[str, str, bytes]], settings: Settings) -> Corpus:
    """`files` yields (src_uri, display path, content)."""
    corpus = Corpus()
    for src_uri, display_path, data in files:
        corpus.entries[src_uri] = load_entry(src_uri, display_path, data, settings)
    return corpus
