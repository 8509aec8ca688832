"""`pmkb check` as a library: paths -> postmortem files -> findings -> CheckResult."""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .cache_store import Store
from .corpus import Corpus, Entry, read_entries
from .docs_files import walk
from .evaluate import evaluate_bytes, evaluate_text
from .findings import Finding, fails
from .incremental import cross_file_findings
from .parsing import ParsedFile
from .relations import relations_for
from .rules.cross_file import no_postmortems, similar_incidents
from .rules.links import corpus_findings
from .settings import Settings

# Checked files up to which relations come from the stored index; beyond, comparing the whole
# corpus at once is cheaper than looking up each file's partners.
INDEXED_UP_TO = 20


@dataclass
class CheckResult:
    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    # Every postmortem loaded (checked ones and their context), for views such as --changed-since.
    corpus: Corpus | None = None

    def count(self, level: str) -> int:
        return sum(1 for f in self.findings if f.level == level)

    def exit_code(self, *, strict: bool) -> int:
        return 1 if fails(self.findings, strict=strict) else 0


def check_text(path: str, text: str, settings: Settings) -> tuple[ParsedFile | None, list[Finding]]:
    result = evaluate_text(path, text, settings)
    return result.doc, result.findings


def check_bytes(path: str, data: bytes, settings: Settings) -> tuple[ParsedFile | None, list[Finding]]:
    result = evaluate_bytes(path, data, settings)
    return result.doc, result.findings


def _entries(files: list[Path], settings: Settings, store: Store | None, *, verify: bool = False) -> list[Entry]:
    # pmkb check is single-threaded: it may fork workers for a large corpus
    return read_entries([(str(f), str(f), f) for f in files], settings, parallel=True, store=store, verify=verify)


def find_postmortems(root: Path, settings: Settings) -> list[Path]:
    """Postmortem files under a directory, by the configured file-name pattern, sorted; under
    docs_dir exactly those MkDocs builds (docs_files.walk)."""
    return list(_postmortems(root, settings))


def _postmortems(root: Path, settings: Settings) -> Iterator[Path]:
    docs_dir = Path(settings.docs_path) if settings.docs_path else None
    return (p for p in walk(root, docs_dir, settings.exclude_docs) if settings.is_postmortem_name(p.name))


def has_postmortems(root: Path, settings: Settings) -> bool:
    """Whether a directory holds any postmortem (stops at the first)."""
    return next(_postmortems(root, settings), None) is not None


def _walk(root: Path, settings: Settings, walked: dict[str, list[Path]]) -> list[Path]:
    """find_postmortems, once per folder in a run (the docs_dir is often both target and context)."""
    key = os.path.realpath(root)
    if key not in walked:
        walked[key] = find_postmortems(root, settings)
    return walked[key]


class _RealPaths:
    """One name per file, to tell a checked file from the same file met as context. Files found by
    walking a folder resolve through their folder's real path (one realpath a folder, not one a
    file: 10,000 of them cost more than the walk); files named on the command line fully."""

    def __init__(self) -> None:
        self._dirs: dict[str, str] = {}

    def of(self, path: Path, *, found_in_dir: bool) -> str:
        if not found_in_dir:
            return os.path.realpath(path)
        folder, name = os.path.split(path)
        if folder not in self._dirs:
            self._dirs[folder] = os.path.realpath(folder)
        return os.path.join(self._dirs[folder], name)


# Allocations between two young collections while a check runs (Python's default is 700).
GC_THRESHOLD = 100_000


@contextlib.contextmanager
def collecting_rarely() -> Iterator[None]:
    """Python's cyclic collector runs rarely while the corpus is read and compared: it otherwise
    walked the entries again and again as they accumulated, though they live until the end anyway
    (a cold check of 10,000: 0.4-0.5 s of the parent's 1.5-2 s CPU, `bench_check_phases.py`). Forked
    workers inherit the setting. Collections still happen, so memory stays bounded."""
    before = gc.get_threshold()
    gc.set_threshold(GC_THRESHOLD, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def check_paths(
    paths: Sequence[Path], settings: Settings, corpus_dir: Path | None = None, store: Store | None = None,
    *, whole_corpus: bool = False,
) -> CheckResult:  # fmt: skip
    """Directories are searched by file-name pattern; files named explicitly are always checked.

    Cross-file findings (an earlier incident this one resembles) compare each checked file
    with the others and, when given, every postmortem under `corpus_dir` (the docs_dir).
    With a persistent cache (`store`), files judged before are not judged again, and when only
    some of the knowledge base is checked its relations come from the stored index
    (`incremental`) unless `whole_corpus` asks for every entry (as `--changed-since` does).
    """
    with collecting_rarely():
        return _check_paths(paths, settings, corpus_dir, store, whole_corpus=whole_corpus)


def _check_paths(
    paths: Sequence[Path], settings: Settings, corpus_dir: Path | None, store: Store | None, *, whole_corpus: bool
) -> CheckResult:
    result = CheckResult()
    corpus = Corpus()
    seen: set[str] = set()
    checked_files: list[Path] = []
    walked: dict[str, list[Path]] = {}
    real = _RealPaths()
    targets: list[list[Path]] = []  # the file lists of the folders checked
    for target in paths:
        in_dir = target.is_dir()
        files = _walk(target, settings, walked) if in_dir else [target]
        if in_dir:
            targets.append(files)
        if in_dir and not files:
            result.findings.append(no_postmortems(target, settings))
        # A file named on the command line is always read: the cache may not trust its mtime.
        entries = _entries(files, settings, store, verify=not in_dir)
        for file, entry in zip(files, entries, strict=True):
            result.files += 1
            result.findings.extend(entry.findings)
            corpus.entries[entry.path] = entry
            seen.add(real.of(file, found_in_dir=in_dir))
            checked_files.append(file)
    checked = set(corpus.entries)
    # The rest of the knowledge base is context for cross-file findings, not reported on.
    others = _walk(corpus_dir, settings, walked) if corpus_dir and corpus_dir.is_dir() else []
    # The knowledge base is often itself the folder checked: then nothing of it is left to read.
    read_all = any(others is listed for listed in targets)
    if store is not None and corpus_dir is not None and others and not whole_corpus and len(seen) <= INDEXED_UP_TO:
        found = cross_file_findings(corpus, checked_files, others, corpus_dir, settings, store)
        if found is not None:
            if read_all:  # a whole pass of a small knowledge base: entries of older contents go
                store.write(keep_only=store.seen)
            result.findings.extend(found)
            result.findings.sort(key=Finding.sort_key)
            result.corpus = corpus
            return result
    rest = [] if read_all else others
    rest = [f for f in rest if real.of(f, found_in_dir=True) not in seen]
    for entry in _entries(rest, settings, store) if rest else ():
        corpus.entries[entry.path] = entry
    if store is not None and others:
        store.write(keep_only=store.seen)  # a whole pass: entries of older contents go
    relations = relations_for(corpus.incidents, settings)
    result.findings.extend(f for f in similar_incidents(corpus.entries.values(), relations) if f.path in checked)
    # without the knowledge base (no docs_dir), a stem missing from the files given proves nothing
    links = corpus_findings(corpus.entries.values(), whole=corpus_dir is not None)
    result.findings.extend(f for f in links if f.path in checked)
    result.findings.sort(key=Finding.sort_key)
    result.corpus = corpus
    return result
