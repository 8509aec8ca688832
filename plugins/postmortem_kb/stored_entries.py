"""Checked postmortems through the persistent cache (`cache_store`): judge only what is new.

A file's digest comes from the cache when its size, mtime and inode are unchanged, else from
reading it; its entry comes from the in-memory cache, then the persistent one, else it is
judged (in worker processes when many) and stored. Files are judged from the very bytes that
were hashed, so an entry is never stored under the digest of other content.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from . import entry_codec
from .cache_store import FileKey, Store, digest, file_key
from .corpus import (
    Entry,
    EntryCache,
    Job,
    _read_entry,
    load_entry,
    parallel_iter,
    read_regular,
    read_regular_stat,
    worker_settings,
)
from .relations import TextFacts, remember_text_facts, text_facts
from .settings import Settings

Item = tuple[Job, bytes | None]  # a file and its content, when already read
# New entries stored in one transaction: a cold check of 10,000 otherwise wrote them all at the
# end, 0.11 s with the cores idle, instead of in batches while the workers judge.
WRITE_EVERY = 1000


def read_stored(
    jobs: Sequence[Job], settings: Settings, cache: EntryCache | None, store: Store, *, parallel: bool,
    verify: bool = False,
) -> list[Entry]:  # fmt: skip
    pairs = read_with_digests(jobs, settings, cache, store, parallel=parallel, verify=verify)
    return [entry for entry, _digest in pairs]


def read_with_digests(
    jobs: Sequence[Job], settings: Settings, cache: EntryCache | None, store: Store, *, parallel: bool,
    verify: bool = False,
) -> list[tuple[Entry, str]]:  # fmt: skip
    """Entries with the digest of the content each was judged from ("" for unreadable files)."""
    out: list[Entry | None] = [None] * len(jobs)
    digests: list[str] = [""] * len(jobs)
    contents: dict[int, bytes | None] = {}  # None: a worker reads and hashes the file
    # An empty cache has nothing to look up: the workers stat, read and hash the files as they judge them.
    cold = store.is_empty()
    for index, job in enumerate(jobs):
        src_uri, name, path = job
        if cold:
            contents[index] = None
            continue
        try:
            found, data = file_digest(store, name, path, verify=verify)
            if data is not None:
                contents[index] = data
        except OSError:
            out[index] = _read_entry(job, settings, None)  # reports why it cannot be read
            continue
        digests[index] = found
        if cache is not None:
            out[index] = cache.find(src_uri, name, found, settings)
    wanted = [i for i, entry in enumerate(out) if entry is None and digests[i]]
    stored = store.entries((jobs[i][1], digests[i]) for i in wanted)
    for index in wanted:
        src_uri, name, _path = jobs[index]
        text = stored.get((name, digests[index]))
        if text is not None:
            out[index] = _decode(text, name, src_uri)
    misses: list[int] = []
    for index in (i for i, entry in enumerate(out) if entry is None):
        if index not in contents:
            try:
                data = contents[index] = read_regular(jobs[index][2])
            except OSError:
                out[index] = _read_entry(jobs[index], settings, None)
                continue
            digests[index] = digest(data)
        misses.append(index)
    items = [(jobs[i], contents[i]) for i in misses]
    judged = parallel_iter(_worker_judge, items, settings, parallel, lambda item: _judge(item, settings))
    new_rows = []
    for index, (maybe_entry, text, found, facts, key) in zip(misses, judged, strict=True):
        job = jobs[index]
        judged_entry = maybe_entry if maybe_entry is not None else _decode(text or "", job[1], job[0])
        if judged_entry is None:  # a worker's row that does not read back: judged here, not stored
            judged_entry, text, found, facts, key = _judge((job, contents[index]), settings, verify=True)
            assert judged_entry is not None  # judged here: always an entry
        out[index] = judged_entry
        if facts is not None and judged_entry.incident is not None:
            remember_text_facts(judged_entry.incident, settings.terms, facts)
        if key is not None and found:
            digests[index] = found
            store.record_digest(jobs[index][1], key, found)
        if text is not None and digests[index]:
            new_rows.append((jobs[index][1], digests[index], text))
            if len(new_rows) == WRITE_EVERY:  # stored while the workers judge the next files
                store.write(new_rows)
                new_rows = []
    if cache is not None:
        for index, job in enumerate(jobs):
            done_entry = out[index]
            if done_entry is not None and digests[index]:
                cache.put(job[0], job[1], digests[index], settings, done_entry)
    store.write(new_rows)
    for index, maybe in enumerate(out):
        if maybe is not None and digests[index]:
            store.seen.add((jobs[index][1], digests[index]))
    done = [(e, d) for e, d in zip(out, digests, strict=True) if e is not None]
    assert len(done) == len(jobs)  # every job got an entry: stored, judged or unreadable
    return done


def file_digest(store: Store, name: str, path: Path, *, verify: bool = False) -> tuple[str, bytes | None]:
    """The file's content digest, and its bytes when it had to be read. Raises OSError."""
    found = None if verify else store.known_digest(name, os.stat(path))
    if found is not None:
        return found, None
    data, st = read_regular_stat(path)
    found = digest(data)
    store.record_digest(name, file_key(st), found)
    return found, data


def _decode(text: str, name: str, src_uri: str) -> Entry | None:
    try:
        return entry_codec.loads(text, name, src_uri)
    except ValueError:
        return None  # a row this version cannot read: judged again and replaced


# (the entry, or None when a worker sends only its JSON; its JSON, None when it has none; the
# content digest; the term counts and failure classes of its Root Cause Analysis; the file's
# size, mtime and inode before it was read, when read here)
Judged = tuple[Entry | None, str | None, str, TextFacts | None, FileKey | None]


def _judge(item: Item, settings: Settings, *, verify: bool = True) -> Judged:
    """The entry, its JSON for the cache (None when it has no JSON form; `verify`: nor when the JSON
    does not read back), the content digest, the term counts and failure classes of its Root Cause
    Analysis (made here, in a worker, not serially afterwards), and, when the file was read here,
    its status before the read, for the cache's record of which content the file had."""
    job, data = item
    src_uri, name, path = job
    key = None
    if data is None:
        try:
            data, st = read_regular_stat(path)
        except OSError:
            return _read_entry(job, settings, None), None, "", None, None
        key = file_key(st)
    entry = load_entry(src_uri, name, data, settings)
    try:
        text = entry_codec.dumps(entry, verify=verify)
    except entry_codec.Unstorable:
        text = None
    facts = text_facts(entry.incident, settings.terms) if entry.incident is not None else None
    return entry, text, digest(data), facts, key


def _worker_judge(item: Item) -> Judged:
    """`_judge` in a worker process: an entry with a JSON form crosses to the parent as that JSON,
    which the parent reads back faster than it would unpickle the entry, and which the worker
    made for the cache anyway."""
    # The parent reads the JSON back (and judges the file itself if it cannot): not verified here.
    entry, text, found, facts, key = _judge(item, worker_settings(), verify=False)
    return (None if text is not None else entry), text, found, facts, key
