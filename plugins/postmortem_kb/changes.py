"""Which postmortems a pull request adds or modifies: `pmkb check --changed-since REF`."""

from __future__ import annotations

import subprocess
from pathlib import Path

# The fix for a base that is not in the clone, named in every such error: CI checkouts are shallow by default.
FETCH_HINT = "fetch the full history (actions/checkout with `fetch-depth: 0`, or `git fetch --unshallow`)"


class GitError(Exception):
    """git is missing, this is not a repository, or REF does not exist (exit code 2)."""


def _git(args: list[str], cwd: Path) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    if done.returncode != 0:
        # git's own message, on one line: the first line says what went wrong.
        lines = done.stderr.strip().splitlines()
        raise GitError(lines[0] if lines else f"git {' '.join(args)} failed")
    return done.stdout


def _is_shallow(cwd: Path) -> bool:
    return _git(["rev-parse", "--is-shallow-repository"], cwd).strip() == "true"


def changed_files(ref: str, cwd: Path) -> set[Path]:
    """Files added, modified or renamed since the merge base of REF and HEAD, including
    uncommitted and untracked ones, as absolute paths."""
    root = Path(_git(["rev-parse", "--show-toplevel"], cwd).strip())
    try:
        _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd)
    except GitError:
        where = "this shallow clone" if _is_shallow(cwd) else "this repository"
        raise GitError(f"{ref} is not in {where}; check the name, or {FETCH_HINT}") from None
    try:
        base = _git(["merge-base", ref, "HEAD"], cwd).strip()
    except GitError:
        if _is_shallow(cwd):
            # Only the tips were fetched: diffing against REF itself would blame this branch for main's changes.
            raise GitError(f"the history shared with {ref} is not in this shallow clone; {FETCH_HINT}") from None
        base = ref  # unrelated histories: compare with REF itself
    names = _git(["diff", "--name-only", "--diff-filter=AMR", "-z", base], cwd).split("\0")
    names += _git(["ls-files", "--others", "--exclude-standard", "-z"], cwd).split("\0")
    return {(root / name).resolve() for name in names if name}
