"""Walking front-matter values and naming their paths in messages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..parsing.front_matter import Path


def iter_strings(value: Any, path: Path = ()) -> Iterator[tuple[Path, str]]:
    """Every string value with its path; shared (aliased) containers are visited once."""
    yield from _strings(value, path, set())


def _strings(value: Any, path: Path, seen: set[int]) -> Iterator[tuple[Path, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, (dict, list)) and id(value) not in seen:
        seen.add(id(value))
        if isinstance(value, dict):
            for key, child in value.items():
                yield from _strings(child, (*path, str(key)), seen)
        else:
            for index, child in enumerate(value):
                yield from _strings(child, (*path, index), seen)


def dotted(path: Path) -> str:
    """('action_items', 0, 'owner') -> 'action_items[0].owner'."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out
