"""Which files under docs_dir MkDocs builds, so `pmkb check` judges the same set.

MkDocs follows symlinked folders and leaves out what `exclude_docs` and `draft_docs` name
besides dot files and a top-level `templates/` (mkdocs.structure.files). When `pmkb check`
walked differently, a postmortem in a symlinked folder passed the check and failed the strict
build, and an invalid one in an excluded folder failed the check of a site that never shows it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from pathspec.gitignore import GitIgnoreSpec

# mkdocs.structure.files._default_exclude (MkDocs 1.6); tests compare the two.
DEFAULT_EXCLUDE = (".*", "/templates/")


def exclusions(patterns: str) -> GitIgnoreSpec:
    """MkDocs' default exclusions plus `exclude_docs`/`draft_docs` lines (gitignore syntax)."""
    return GitIgnoreSpec.from_lines([*DEFAULT_EXCLUDE, *patterns.splitlines()])


def walk(root: Path, docs_dir: Path | None = None, patterns: str = "") -> Iterator[Path]:
    """Files under `root` as MkDocs finds them, sorted, symlinked folders followed (a folder linked
    twice is listed twice, as MkDocs lists it; a link back to an ancestor is not followed).

    Paths inside `docs_dir` that MkDocs excludes are skipped. FIFOs, devices and dangling symlinks
    are listed, as MkDocs lists them: reading them is refused (corpus.read_regular), the check
    reports them and the build leaves them out with the same finding.
    """
    spec = exclusions(patterns)
    base = docs_dir.resolve() if docs_dir is not None else None
    for folder, dirs, files in os.walk(root, followlinks=True):
        if folder != str(root) and _loops(folder):
            dirs[:] = []
            continue
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        # the folder's path inside docs_dir, once a folder: per file, pathlib cost more than the walk
        prefix = _src_prefix(base, folder) if base is not None else None
        for name in sorted(files):
            if prefix is not None and spec.match_file(prefix + name):
                continue
            yield Path(folder, name)


def _loops(folder: str) -> bool:
    """True when `folder` is a link to itself or to one of its ancestors."""
    real, parent = os.path.realpath(folder), os.path.realpath(os.path.dirname(folder))
    return os.path.commonpath([real, parent]) == real


def _src_prefix(base: Path, folder: str) -> str | None:
    """The `src_uri` of files in `folder` up to their name ("" or "a/b/"), or None outside docs_dir
    (a folder named on the command line, not part of the site)."""
    try:
        inside = Path(os.path.abspath(folder)).relative_to(base).as_posix()
    except ValueError:
        return None
    return "" if inside == "." else inside + "/"
