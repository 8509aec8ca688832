"""Which postmortems a pull request adds or modifies: `pmkb check --changed-since REF`."""

from __future__ import annotations

import subprocess
from pathlib import Path


class GitError(Exception):
    """git is missing, this is not a repository, or REF does not exist (exit code 2)."""


def _git(args: list[str], cwd: Path) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    if done.returncode != 0:
        raise GitError(done.stderr.strip() or f"git {' '.join(args)} failed")
    return done.stdout


def changed_files(ref: str, cwd: Path) -> set[Path]:
    """Files added, modified or renamed since the merge base of REF and HEAD, including
    uncommitted and untracked ones, as absolute paths."""
    root = Path(_git(["rev-parse", "--show-toplevel"], cwd).strip())
    _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd)
    try:
        base = _git(["merge-base", ref, "HEAD"], cwd).strip()
    except GitError:
        base = ref  # unrelated histories: compare with REF itself
    names = _git(["diff", "--name-only", "--diff-filter=AMR", "-z", base], cwd).split("\0")
    names += _git(["ls-files", "--others", "--exclude-standard", "-z"], cwd).split("\0")
    return {(root / name).resolve() for name in names if name}
