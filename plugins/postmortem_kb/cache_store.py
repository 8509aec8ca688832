"""The persistent cache `pmkb check` and the MkDocs plugin share: `.pmkb_cache/` beside mkdocs.yml.

Like ruff's and mypy's caches it is an optimisation only, never a source of truth:
- one SQLite file per key; the key is the tool's version, a fingerprint of its installed code
  and the settings, so another version or other settings never read it;
- a checked file is found by its content (BLAKE2 digest) and its path; a file's size, mtime and
  inode only say which digest it had when last read, as git's index does, and a file changed
  within two seconds of that reading is read again (the "racy clean" case);
- anything unexpected (not a database, another key or format, a row that does not decode)
  discards the file or the row, and the work is simply done again;
- every write is one SQLite transaction, atomic and serialised by SQLite's lock, so concurrent
  runs (the pre-commit hook while `mkdocs serve` runs) cannot leave it half-written; a new
  file is built under a temporary name and linked into place.

SQLite rather than one JSON file: a one-file re-check reads a few rows, not the whole cache.
`PMKB_NO_CACHE=1` (or `--no-cache`, or the plugin option `cache: false`) turns it off;
`PMKB_CACHE_DIR` moves it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

from .settings import Settings

CACHE_DIR_NAME = ".pmkb_cache"
MAGIC = "postmortem-kb cache"
FORMAT = 2  # 2: entries written by msgspec from the dataclasses
RACY_NS = 2_000_000_000  # files modified this close to their last reading are read again
_SCHEMA = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE stats (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, ino INTEGER,
                    digest TEXT, read_ns INTEGER);
CREATE TABLE entries (path TEXT, digest TEXT, entry TEXT, PRIMARY KEY (path, digest));
CREATE TABLE blobs (name TEXT PRIMARY KEY, data TEXT);
CREATE TABLE index_docs (corpus TEXT, path TEXT, digest TEXT, stem TEXT, date TEXT, started TEXT,
                         services TEXT, causes TEXT, related TEXT, has_text INTEGER, text TEXT,
                         PRIMARY KEY (corpus, path));
"""
_README = "# Created by postmortem-kb (pmkb check, mkdocs build): a cache, safe to delete.\n*\n"
_CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n# postmortem-kb cache (see https://bford.info/cachedir/)\n"
)


FileKey = tuple[int, int, int]  # size, mtime_ns, inode: what says a file is unchanged


def file_key(st: os.stat_result) -> FileKey:
    return st.st_size, st.st_mtime_ns, st.st_ino


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def cache_disabled() -> bool:
    return os.environ.get("PMKB_NO_CACHE", "").strip().lower() not in ("", "0", "false", "no")


def cache_folder(base: Path) -> Path:
    """Where the cache lives for a knowledge base whose mkdocs.yml is in `base`."""
    moved = os.environ.get("PMKB_CACHE_DIR")
    return Path(moved) if moved else base / CACHE_DIR_NAME


def open_store(base: Path, settings: Settings, *, no_cache: bool = False) -> Store | None:
    """The cache for a knowledge base whose mkdocs.yml is in `base`, unless turned off."""
    if no_cache or not settings.cache or cache_disabled():
        return None
    return Store.open(cache_folder(base), settings)


def cache_key(settings: Settings) -> str:
    """Tool version, its code and the settings: a change to any of them starts a new cache."""
    neutral = dataclasses.replace(settings, cache=True)
    parts = [MAGIC, str(FORMAT), _version(), _code_fingerprint(), repr(neutral)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _version() -> str:
    try:
        return metadata.version("postmortem-kb")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


def _code_fingerprint() -> str:
    """Name, size and mtime of every module of the package: an edited checkout (same version
    number, different code) must not reuse findings the old code produced."""
    root = Path(__file__).parent
    h = hashlib.sha256()
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            if name.endswith((".py", ".yaml", ".yml")):
                st = os.stat(os.path.join(folder, name))
                h.update(f"{folder}/{name}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


class Store:
    """One open cache file. Every method swallows SQLite errors: a cache that fails is a miss."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._stats: dict[str, tuple[int, int, int, str, int]] | None = None
        self._new_stats: dict[str, tuple[int, int, int, str, int]] = {}
        self.seen: set[tuple[str, str]] = set()  # (path, digest) of every entry given out this run
        # Found empty and not pruned since: every row in it was stored by this run and seen, so a
        # whole pass has nothing to drop (a cold check of 10,000 spent 0.04 s finding that out).
        self._fresh = False

    @classmethod
    def open(cls, folder: Path, settings: Settings) -> Store | None:
        """The cache for these settings, created when missing; None when it cannot be used."""
        key = cache_key(settings)
        path = folder / f"cache-{key[:20]}.sqlite3"
        for _attempt in range(2):
            try:
                if not path.exists():
                    _create(folder, path, key)
                conn = sqlite3.connect(path, timeout=10, isolation_level=None, check_same_thread=False)
                if _valid(conn, key):
                    # A cache need not survive a power cut (ruff and mypy do not flush theirs): no
                    # fsync per write. The rollback journal stays, so a killed run still leaves
                    # every transaction whole, and a file the OS left damaged is discarded as any is.
                    conn.execute("PRAGMA synchronous = OFF")
                    store = cls(conn)
                    store._fresh = store.is_empty()
                    return store
                conn.close()
            except (sqlite3.Error, OSError, ValueError):
                pass
            # Damaged, foreign or from another version: never trusted, replaced.
            with contextlib.suppress(OSError):
                path.unlink()
        return None

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._conn.close()

    # -- which digest a file on disk has --------------------------------------------------------

    def known_digest(self, path: str, st: os.stat_result) -> str | None:
        """The digest recorded for this file when its size, mtime and inode are unchanged."""
        if self._stats is None:
            self._stats = {}
            with contextlib.suppress(sqlite3.Error, ValueError):
                for row in self._conn.execute("SELECT path, size, mtime_ns, ino, digest, read_ns FROM stats"):
                    self._stats[row[0]] = tuple(row[1:])
        known = self._stats.get(path)
        if known is None:
            return None
        size, mtime_ns, ino, found, read_ns = known
        if (size, mtime_ns, ino) != (st.st_size, st.st_mtime_ns, st.st_ino) or st.st_mtime_ns + RACY_NS > read_ns:
            return None
        return found

    def record_digest(self, path: str, key: FileKey, found: str) -> None:
        """The digest of the file's content as read after its `file_key` was taken."""
        self._new_stats[path] = (*key, found, time.time_ns())

    # -- checked files ---------------------------------------------------------------------------

    def entries(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
        """Stored entries by (path, digest)."""
        wanted = list(keys)
        out: dict[tuple[str, str], str] = {}
        try:
            if len(wanted) > 200:  # one scan beats thousands of lookups
                want = set(wanted)
                for path, found, text in self._conn.execute("SELECT path, digest, entry FROM entries"):
                    if (path, found) in want:
                        out[(path, found)] = text
            else:
                for path, found in wanted:
                    row = self._conn.execute(
                        "SELECT entry FROM entries WHERE path = ? AND digest = ?", (path, found)
                    ).fetchone()
                    if row is not None:
                        out[(path, found)] = row[0]
        except (sqlite3.Error, ValueError):
            return {}
        return out

    def is_empty(self) -> bool:
        """No entry stored yet (a new cache): nothing to look up."""
        try:
            return self._conn.execute("SELECT 1 FROM entries LIMIT 1").fetchone() is None
        except sqlite3.Error:
            return False

    def blob(self, name: str) -> str | None:
        try:
            row = self._conn.execute("SELECT data FROM blobs WHERE name = ?", (name,)).fetchone()
        except sqlite3.Error:
            return None
        return None if row is None else str(row[0])

    def index_rows(self, corpus: str) -> list[tuple[Any, ...]] | None:
        """The relation index rows of a knowledge base (`relation_index.Doc.row`); None on failure."""
        try:
            cur = self._conn.execute("SELECT * FROM index_docs WHERE corpus = ?", (corpus,))
            return [row[1:] for row in cur]
        except sqlite3.Error:
            return None

    def write(
        self,
        entries: Iterable[tuple[str, str, str]] = (),
        blobs: Iterable[tuple[str, str]] = (),
        keep_only: Iterable[tuple[str, str]] | None = None,
        index: tuple[str, Iterable[tuple[Any, ...]], Iterable[str]] | None = None,
    ) -> None:
        """Store new entries (path, digest, text), blobs and the file digests seen, in one
        transaction. `keep_only`: after a whole-knowledge-base pass, the (path, digest) pairs
        still current; every other entry is dropped so the cache does not grow with each edit (nothing
        is, the first time, in a cache this run found empty).
        `index`: (corpus, rows to put, paths to drop) of the relation index."""
        new_entries, new_blobs = list(entries), list(blobs)
        if keep_only is not None and self._fresh:
            keep_only, self._fresh = None, False
        if not (new_entries or new_blobs or self._new_stats or keep_only is not None or index is not None):
            return
        try:
            with self._transaction() as conn:
                if index is not None:
                    corpus, rows, dropped = index
                    conn.executemany(
                        "DELETE FROM index_docs WHERE corpus = ? AND path = ?", [(corpus, p) for p in dropped]
                    )
                    conn.executemany(
                        "INSERT OR REPLACE INTO index_docs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [(corpus, *row) for row in rows],
                    )
                conn.executemany(
                    "INSERT OR REPLACE INTO stats VALUES (?, ?, ?, ?, ?, ?)",
                    [(p, *v) for p, v in self._new_stats.items()],
                )
                conn.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?)", new_entries)
                conn.executemany("INSERT OR REPLACE INTO blobs VALUES (?, ?)", new_blobs)
                if keep_only is not None:
                    conn.execute(
                        "CREATE TEMP TABLE IF NOT EXISTS keep (path TEXT, digest TEXT, PRIMARY KEY (path, digest))"
                    )
                    conn.execute("DELETE FROM keep")
                    conn.executemany("INSERT OR IGNORE INTO keep VALUES (?, ?)", list(keep_only))
                    conn.execute(
                        "DELETE FROM entries WHERE NOT EXISTS "
                        "(SELECT 1 FROM keep WHERE keep.path = entries.path AND keep.digest = entries.digest)"
                    )
                    conn.execute("DELETE FROM stats WHERE path NOT IN (SELECT path FROM keep)")
        except sqlite3.Error:
            return  # locked past the timeout or read-only: the next run does the work again
        if self._stats is not None:
            self._stats.update(self._new_stats)
        self._new_stats = {}

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")


def _create(folder: Path, path: Path, key: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in ((".gitignore", _README), ("CACHEDIR.TAG", _CACHEDIR_TAG)):
        if not (folder / name).exists():
            (folder / name).write_text(text, encoding="utf-8")
    temp = folder / f".tmp-{os.getpid()}-{time.monotonic_ns()}.sqlite3"
    try:
        conn = sqlite3.connect(temp, isolation_level=None)
        conn.executescript(_SCHEMA)
        conn.executemany("INSERT INTO meta VALUES (?, ?)", [("magic", MAGIC), ("format", str(FORMAT)), ("key", key)])
        conn.close()
        try:
            os.link(temp, path)  # atomic, and fails if another run created it first: use theirs
        except FileExistsError:
            pass
        except OSError:
            os.replace(temp, path)
    finally:
        with contextlib.suppress(OSError):
            temp.unlink()
    _prune(folder, path)


def _prune(folder: Path, current: Path) -> None:
    """Caches of other versions or settings unused for a day: never read, so removed."""
    day_ago = time.time() - 86_400
    for other in folder.glob("cache-*.sqlite3"):
        with contextlib.suppress(OSError):
            if other != current and other.stat().st_mtime < day_ago:
                other.unlink()


def _valid(conn: sqlite3.Connection, key: str) -> bool:
    meta = dict(conn.execute("SELECT name, value FROM meta").fetchall())
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return (
        meta.get("magic") == MAGIC
        and meta.get("format") == str(FORMAT)
        and meta.get("key") == key
        and {"meta", "stats", "entries", "blobs", "index_docs"} <= tables
    )
