"""Walking front-matter values and naming their paths in messages."""

from __future__ import annotations

from ..parsing.front_matter import Path


def dotted(path: Path) -> str:
    """('action_items', 0, 'owner') -> 'action_items[0].owner'."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out
