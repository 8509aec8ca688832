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
    from a subfolder of the repository. Absolute when the two share nothing but the root (a path in
    another tree reads better as itself than as `../../tmp/...`) or when no relative path exists."""
    origin = (start or Path.cwd()).resolve()
    target = Path(os.path.abspath(path))
    try:
        common = Path(os.path.commonpath([origin, target]))
        if common == Path(common.anchor):
            return target
        return Path(os.path.relpath(target, origin))
    except ValueError:
        return target
