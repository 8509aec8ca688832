"""Located messages of an import: `path:line:col: level [import-...] message`."""

from __future__ import annotations

from dataclasses import dataclass

from ..findings import Level


@dataclass(frozen=True, slots=True)
class Problem:
    line: int
    col: int
    level: Level
    rule: str  # always `import-...`: these are not `pmkb check` rules
    message: str

    def format(self, path: str) -> str:
        return f"{path}:{self.line}:{self.col}: {self.level} [{self.rule}] {self.message}"


class ImportFailed(Exception):
    """The document cannot be imported at all (not the template, empty, binary, no date)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def fail(rule: str, message: str, line: int = 1, col: int = 1) -> ImportFailed:
    return ImportFailed(Problem(line, col, "error", rule, message))


def warn(rule: str, message: str, line: int = 1, col: int = 1) -> Problem:
    return Problem(line, col, "warning", rule, message)
