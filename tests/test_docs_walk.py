"""The docs walk matches each folder's path once (docs_files.walk); it selects what matching every file's
own path against MkDocs' exclusions selects."""

from __future__ import annotations

import os
from pathlib import Path

from postmortem_kb.docs_files import exclusions, walk

PATTERNS = "drafts/\n/top-only.md\n*.tmp\n!keep.tmp\nnested/deep/\n"


def _per_file(root: Path, docs_dir: Path, patterns: str) -> list[Path]:
    """The walk as it was: a relative path and a match for every file."""
    spec, base, found = exclusions(patterns), docs_dir.resolve(), []
    for path in walk(root):  # no docs_dir: nothing excluded but dot folders
        try:
            src_uri = Path(os.path.abspath(path)).relative_to(base).as_posix()
        except ValueError:
            found.append(path)
            continue
        if not spec.match_file(src_uri):
            found.append(path)
    return found


def _tree(docs: Path) -> None:
    for name in [
        "a.md", ".hidden.md", "top-only.md", "x.tmp", "keep.tmp", "templates/t.md", "sub/templates/t.md",
        "sub/top-only.md", "drafts/d.md", "sub/drafts/d.md", "nested/deep/n.md", "nested/n.md", "sub/.dot/z.md",
    ]:  # fmt: skip
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text("x")
    (docs / "linked").symlink_to(docs / "nested", target_is_directory=True)


def test_walk_selects_what_per_file_matching_selects(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    _tree(docs)
    for root in (docs, docs / "sub", docs / "nested"):
        fast = list(walk(root, docs, PATTERNS))
        assert fast == _per_file(root, docs, PATTERNS)
    names = {p.relative_to(docs).as_posix() for p in walk(docs, docs, PATTERNS)}
    assert names == {"a.md", "keep.tmp", "nested/n.md", "sub/top-only.md", "sub/templates/t.md", "linked/n.md",
                     "linked/deep/n.md"}  # fmt: skip


def test_a_folder_outside_docs_dir_is_not_excluded(tmp_path: Path) -> None:
    docs, other = tmp_path / "docs", tmp_path / "other"
    _tree(docs)
    _tree(other)
    assert list(walk(other, docs, PATTERNS)) == _per_file(other, docs, PATTERNS) == list(walk(other))
