"""Finding the knowledge base from anywhere inside it, as git and ruff find their configuration."""

from __future__ import annotations

import os
from pathlib import Path

CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml")  # the names `mkdocs` itself looks for


def find_config_file(start: Path) -> Path | None:
    """mkdocs.yml in `start` or the nearest folder above it, relative to `start` when below it."""
    start = start.resolve()
    for folder in (start, *start.parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file():
                return relative(candidate, start)
    return None


def relative(path: Path, start: Path | None = None) -> Path:
    """`path` as the user would type it from `start` (default: the current folder): `../postmortems/x.md`
    from a subfolder. Absolute only when no relative path exists (another drive on Windows)."""
    try:
        return Path(os.path.relpath(path, start or Path.cwd()))
    except ValueError:
        return path
