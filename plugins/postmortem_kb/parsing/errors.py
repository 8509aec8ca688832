from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ParseError(Exception):
    """A file that cannot be parsed at all: reported as one located error finding."""

    rule: str
    message: str
    line: int = 1
    col: int = 1
