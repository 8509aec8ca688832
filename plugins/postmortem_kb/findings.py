"""The one record every check produces: a located finding with a stable rule id."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Position:
    """1-based line and column in the postmortem file as the author sees it."""

    line: int = 1
    col: int = 1


@dataclass(frozen=True, slots=True)
class Finding:
    path: str
    line: int
    col: int
    level: Level
    rule: str
    message: str

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.col, self.rule)

    def as_line(self) -> str:
        """`path:line:col: level [rule] message` on one line, whatever a key or value held."""
        return f"{visible(self.path)}:{self.line}:{self.col}: {self.level} [{self.rule}] {visible(self.message)}"

    def to_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "level": self.level,
            "rule": self.rule,
            "message": self.message,
        }


def fails(findings: list[Finding], *, strict: bool) -> bool:
    """Errors always fail; warnings fail only under --strict (mkdocs --strict likewise)."""
    return any(f.level == "error" or strict for f in findings)


def visible(text: str) -> str:
    """Control and format characters written as escapes (`\\n`, `\\x1b`, `\\u202e`): a key holding a
    newline forged extra finding lines in the output, and terminal or bidi controls hide text."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)
