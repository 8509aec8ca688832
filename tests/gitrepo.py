"""Real git repositories with backdated commits, for the history tests."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

# The user's own git configuration must not change what the tests see.
GIT_ENV = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}


def git(cwd: Path, *args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, env={**GIT_ENV, **(env or {})}, capture_output=True, text=True, check=True
    )
    return done.stdout


class Repo:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        git(root, "init", "-q", "-b", "main")
        git(root, "config", "user.name", "Test Author")
        git(root, "config", "user.email", "author@example.com")
        git(root, "config", "commit.gpgsign", "false")

    def write(self, path: str, text: str) -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def commit(self, when: str, message: str, *, author_date: str | None = None) -> None:
        """Commit everything with committer date `when` (ISO 8601); the author date may differ."""
        git(self.root, "add", "-A")
        dates = {"GIT_AUTHOR_DATE": author_date or when, "GIT_COMMITTER_DATE": when}
        git(self.root, "commit", "-q", "--allow-empty", "-m", message, env=dates)

    def move(self, old: str, new: str) -> None:
        git(self.root, "mv", old, new)
