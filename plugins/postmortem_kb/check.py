"""`pmkb check` as a library: paths -> postmortem files -> findings -> CheckResult."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .corpus import Corpus, Entry, read_entries
from .docs_files import walk
from .evaluate import evaluate_bytes, evaluate_text
from .findings import Finding, fails
from .parsing import ParsedFile
from .relations import relations_for
from .rules.cross_file import no_postmortems, similar_incidents
from .rules.links import corpus_findings
from .settings import Settings


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


def _entries(files: list[Path], settings: Settings) -> list[Entry]:
    # pmkb check is single-threaded: it may fork workers for a large corpus
    return read_entries([(str(f), str(f), f) for f in files], settings, parallel=True)


def find_postmortems(root: Path, settings: Settings) -> list[Path]:
    """Postmortem files under a directory, by the configured file-name pattern, sorted; under
    docs_dir exactly those MkDocs builds (docs_files.walk)."""
    docs_dir = Path(settings.docs_path) if settings.docs_path else None
    return [p for p in walk(root, docs_dir, settings.exclude_docs) if settings.is_postmortem_name(p.name)]


def check_paths(paths: Sequence[Path], settings: Settings, corpus_dir: Path | None = None) -> CheckResult:
    """Directories are searched by file-name pattern; files named explicitly are always checked.

    Cross-file findings (an earlier incident this one resembles) compare each checked file
    with the others and, when given, every postmortem under `corpus_dir` (the docs_dir).
    """
    result = CheckResult()
    corpus = Corpus()
    seen: set[Path] = set()
    for target in paths:
        files = find_postmortems(target, settings) if target.is_dir() else [target]
        if target.is_dir() and not files:
            result.findings.append(no_postmortems(target, settings))
        for file, entry in zip(files, _entries(files, settings), strict=True):
            result.files += 1
            result.findings.extend(entry.findings)
            corpus.entries[entry.path] = entry
            seen.add(file.resolve())
    checked = set(corpus.entries)
    # The rest of the knowledge base is context for cross-file findings, not reported on.
    others = find_postmortems(corpus_dir, settings) if corpus_dir and corpus_dir.is_dir() else []
    for entry in _entries([f for f in others if f.resolve() not in seen], settings):
        corpus.entries[entry.path] = entry
    relations = relations_for(corpus.incidents, settings)
    result.findings.extend(f for f in similar_incidents(corpus.entries.values(), relations) if f.path in checked)
    # without the knowledge base (no docs_dir), a stem missing from the files given proves nothing
    links = corpus_findings(corpus.entries.values(), whole=corpus_dir is not None)
    result.findings.extend(f for f in links if f.path in checked)
    result.findings.sort(key=Finding.sort_key)
    result.corpus = corpus
    return result
