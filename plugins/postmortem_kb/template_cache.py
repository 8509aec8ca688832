"""What a `mkdocs serve` session keeps of the theme between rebuilds: compiled templates and the
list of the theme's files.

MkDocs makes a new Jinja environment for every build, so each rebuild compiles the theme's
templates again (mkdocs-material's main, base, 404 and their partials: about a seventh of a dirty
rebuild of 1,000 postmortems), and material's search plugin makes three more environments in its
`on_config` to translate its labels, compiling the language partials each time. Jinja's bytecode
cache is the hook it offers for this: a bucket is keyed by the template's name and file and checked
against the checksum of its source, so a template edited during the session is compiled afresh.

Each build also lists every file of the theme (MkDocs copies the static ones): material ships
about 14,500, mostly icons, and walking them is a tenth of a dirty rebuild. The list is kept while
no folder of the theme changed: adding, removing or renaming a file changes its folder's mtime,
which is checked (material has 25 folders) before the list is reused.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

from jinja2 import BaseLoader, Environment, FileSystemLoader
from jinja2.bccache import Bucket, BytecodeCache


class MemoryBytecodeCache(BytecodeCache):
    """Bytecode in memory, for the life of one serve session (the plugin instance)."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)  # discarded by Jinja when the checksum differs

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()

    def clear(self) -> None:
        self._code.clear()

    def __len__(self) -> int:
        return len(self._code)


Folders = dict[str, int]  # folder -> st_mtime_ns (-1: missing)


@dataclass
class TemplateLists:
    """`FileSystemLoader.list_templates()` per search path, reused while none of its folders changed."""

    _lists: dict[tuple[tuple[str, ...], bool], tuple[Folders, list[str]]] = field(default_factory=dict)
    walks: int = 0  # how many times the folders were listed (for tests)

    def listing(self, loader: FileSystemLoader, list_templates: Callable[[], list[str]]) -> list[str]:
        key = (tuple(str(p) for p in loader.searchpath), loader.followlinks)
        kept = self._lists.get(key)
        if kept is not None and _unchanged(kept[0]):
            return list(kept[1])
        folders = _folders(key[0], loader.followlinks)
        names = list_templates()
        self.walks += 1
        self._lists[key] = (folders, names)
        return list(names)


@dataclass
class ThemeCache:
    """Attached to every Jinja environment MkDocs' theme makes during a serve session."""

    bytecode: MemoryBytecodeCache = field(default_factory=MemoryBytecodeCache)
    lists: TemplateLists = field(default_factory=TemplateLists)

    def attach(self, theme: object) -> bool:
        """Make `theme.get_env()` (MkDocs' public Theme method, called by the build and by
        material's search plugin) return environments that use this cache. False, and nothing
        changed, when the theme offers no such method (another MkDocs): the build is then as slow as
        without the cache, never different."""
        get_env = getattr(theme, "get_env", None)
        if not callable(get_env) or getattr(get_env, "uses_theme_cache", False):
            return False

        def cached_env() -> Environment:
            env = get_env()
            if not isinstance(env, Environment):
                raise TypeError(f"theme.get_env() returned {type(env).__name__}, not a Jinja Environment")
            self.prepare(env)
            return env

        cached_env.uses_theme_cache = True  # type: ignore[attr-defined]
        try:
            theme.get_env = cached_env  # type: ignore[attr-defined]
        except AttributeError:
            return False
        return True

    def prepare(self, env: Environment) -> None:
        if env.bytecode_cache is None:
            env.bytecode_cache = self.bytecode
        loader: BaseLoader | None = env.loader
        # Only Jinja's own file loader: its listing depends on nothing but its folders.
        if type(loader) is FileSystemLoader and not getattr(loader.list_templates, "uses_theme_cache", False):
            fs_loader, original = loader, loader.list_templates

            def listing() -> list[str]:
                return self.lists.listing(fs_loader, original)

            listing.uses_theme_cache = True  # type: ignore[attr-defined]
            loader.list_templates = listing  # type: ignore[method-assign]


def _folders(roots: tuple[str, ...], followlinks: bool) -> Folders:
    out: Folders = {}
    for root in roots:
        out[root] = _mtime(root)
        for dirpath, dirnames, _files in os.walk(root, followlinks=followlinks):
            for name in dirnames:
                path = os.path.join(dirpath, name)
                out[path] = _mtime(path)
    return out


def _unchanged(folders: Folders) -> bool:
    return all(_mtime(path) == mtime for path, mtime in folders.items())


def _mtime(path: str) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return -1
