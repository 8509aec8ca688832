"""Compile postmortem-kb's modules to bytecode before timing, as installing a package does.

`pip install` (and every distribution package) writes each module's `.pyc`, so `pmkb` starts
without compiling its sources. A source checkout writes them on first import, unless the
environment says not to (`PYTHONDONTWRITEBYTECODE`, set on some CI runners and development
machines): then every run compiled some 60 modules again, about 45 ms of a cold check's start
that no installed `pmkb` pays. MkDocs, PyYAML and the other dependencies come compiled from their
wheels either way.
"""

from __future__ import annotations

import compileall
import importlib.util
from pathlib import Path


def compile_package(plugins_dir: Path | None = None) -> None:
    """Write the `.pyc` files of this checkout's `postmortem_kb` and `postmortem_analytics`, or of
    the `postmortem_kb` under another checkout's `plugins_dir`."""
    if plugins_dir is not None:
        folders = [plugins_dir / "postmortem_kb"]
    else:
        folders = []
        for package in ("postmortem_kb", "postmortem_analytics"):
            spec = importlib.util.find_spec(package)
            assert spec is not None and spec.submodule_search_locations, f"{package} is not installed"
            folders.append(Path(next(iter(spec.submodule_search_locations))))
    for folder in folders:
        if not compileall.compile_dir(folder, quiet=1):
            raise SystemExit(f"could not compile {folder}")
