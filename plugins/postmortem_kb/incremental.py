"""Cross-file findings of a few checked postmortems against the stored relation index.

`pmkb check FILE` in a knowledge base of thousands: the rest of the corpus is context only.
Its files are not judged again: their digests come from the cache (size, mtime, inode), rows
of the relation index are updated for the files that changed, and the relations of the
checked files alone are computed (`relation_index`). The findings equal those of comparing
the whole corpus (`check.check_paths` without a cache); `tests/test_cache.py` runs both.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from .cache_store import Store
from .corpus import Corpus, Entry, Job
from .findings import Finding
from .records import Incident
from .relation_index import Doc, RelationIndex
from .rules.cross_file import similar_incidents
from .rules.links import corpus_findings
from .settings import Settings
from .stored_entries import file_digest, read_with_digests


def cross_file_findings(
    checked: Corpus, checked_files: Sequence[Path], context: Sequence[Path], corpus_dir: Path,
    settings: Settings, store: Store,
) -> list[Finding] | None:  # fmt: skip
    """Similar-incident, duplicate-stem and unknown-related findings on the checked files (entries
    of `checked`, by display path, in the order of `checked_files`); `context`: every postmortem of
    `corpus_dir`. None when the index cannot answer (two postmortems with one stem), and the caller
    compares the whole corpus instead."""
    key = os.path.realpath(corpus_dir)
    rows = store.index_rows(key)
    index = RelationIndex.restore(rows, store.blob(f"df:{key}")) if rows else RelationIndex()
    index.changed.clear()
    # A checked file inside the knowledge base is indexed under the knowledge base's name for it.
    checked_entries = {os.path.realpath(f): checked.entries[str(f)] for f in checked_files if str(f) in checked.entries}
    by_name: dict[str, Entry] = {}  # corpus name -> the checked entry
    current: set[str] = set()
    changed: list[Job] = []
    context_names: list[str] = []  # every context file, readable or not, but the checked ones
    in_key: dict[str, str] = {}  # a context folder -> its name under `key` (relpath a folder, not a file)
    for file in context:
        name = str(file)
        entry = None
        if checked_entries:
            folder, base = os.path.split(name)
            if folder not in in_key:
                # a file of the current folder has no folder part: from inside docs_dir, that is docs_dir
                in_key[folder] = os.path.normpath(os.path.join(key, os.path.relpath(folder or os.curdir, corpus_dir)))
            entry = checked_entries.pop(os.path.join(in_key[folder], base), None)
        if entry is None:
            context_names.append(name)
        try:
            found, _data = file_digest(store, name, file, verify=entry is not None)
        except OSError:
            continue  # unreadable: no incident, in no relation (pmkb check reports it when checked)
        current.add(name)
        doc = index.docs.get(name)
        if entry is not None:
            by_name[name] = entry
        if doc is not None and doc.digest == found:
            continue
        if entry is not None:
            index.put(_doc(name, found, entry, settings))
        else:
            changed.append((name, name, file))
    for path in [p for p in index.docs if p not in current]:
        index.drop(path)
    for entry, found in read_with_digests(changed, settings, None, store, parallel=True):
        index.put(_doc(entry.path, found, entry, settings))
    if index.changed:
        puts = [index.docs[p].row() for p in index.changed if p in index.docs]
        drops = [p for p in index.changed if p not in index.docs]
        store.write(blobs=[(f"df:{key}", index.counts())], index=(key, puts, drops))
    else:
        store.write()
    # Checked files outside the knowledge base join the in-memory index only.
    for number, entry in enumerate(checked_entries.values()):
        name = f"checked-{number}:{entry.path}"
        by_name[name] = entry
        index.put(_doc(name, "", entry, settings))
    if not index.unique_stems():
        return None
    loaded: dict[str, Entry] = {}

    def load(paths: list[str]) -> dict[str, Incident]:
        wanted = [p for p in paths if p not in loaded and p not in by_name]
        jobs = [(p, p, Path(p)) for p in wanted]
        for entry, _found in read_with_digests(jobs, settings, None, store, parallel=False):
            loaded[entry.path] = entry
        return {p: e.incident for p in paths if (e := by_name.get(p) or loaded.get(p)) and e.incident is not None}

    stems = {e.incident.stem for e in checked.entries.values() if e.incident is not None}
    relations = index.relations_of(stems, settings.repeat_window_days, settings.similarity_threshold, load)
    path_of = {d.stem: d.path for d in index.docs.values() if d.stem}
    load([path_of[s] for r in relations for s in (r.a, r.b) if s in path_of])
    # The checked entries last: for their stems they, not a context copy, carry the findings.
    entries = [*loaded.values(), *checked.entries.values()]
    names = set(checked.entries)
    findings = [f for f in similar_incidents(entries, relations) if f.path in names]
    # Stems shared with another file and `related` stems no postmortem has: every file's name
    # is all the rest of the knowledge base has to say.
    named = [Entry((), None, name) for name in context_names]
    findings += [f for f in corpus_findings([*named, *checked.entries.values()]) if f.path in names]
    return findings


def _doc(name: str, found: str, entry: Entry, settings: Settings) -> Doc:
    if entry.incident is None:
        return Doc.invalid(name, found)
    return Doc.of(name, found, entry.incident, settings.terms)
