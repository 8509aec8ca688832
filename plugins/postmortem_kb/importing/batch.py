"""Import files and folders into a docs folder, one outcome a file, never overwriting."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .. import scaffold
from ..settings import Settings
from .convert import Conversion, convert_text
from .problems import ImportFailed, Problem
from .writer import render, target

State = Literal["written", "unchanged", "exists", "failed"]


@dataclass
class Outcome:
    source: Path
    state: State
    target: Path | None = None
    conversion: Conversion | None = None
    problems: list[Problem] = field(default_factory=list)

    def report(self) -> list[str]:
        """Located problems, then one summary line (none for a file that failed: its error says it)."""
        lines = [p.format(str(self.source)) for p in self.problems]
        if self.state == "written" and self.conversion is not None:
            needs = ", ".join(self.conversion.needs) or "nothing"
            lines.append(
                f"{self.source}: imported -> {self.target}; derived {', '.join(self.conversion.derived)}; "
                f"needs a person: {needs}"
            )
        elif self.state == "unchanged":
            lines.append(f"{self.source}: skipped, {self.target} exists with this same import")
        elif self.state == "exists":
            lines.append(f"{self.source}: skipped, {self.target} exists and differs; not overwritten")
        return lines


def source_files(paths: Iterable[Path]) -> list[Path]:
    """Files as given; folders give their `.md` files, recursively, in a stable order."""
    out: list[Path] = []
    for path in paths:
        out.extend(sorted(p for p in path.rglob("*.md") if p.is_file()) if path.is_dir() else [path])
    return out


def import_paths(paths: Iterable[Path], out_dir: Path, settings: Settings) -> list[Outcome]:
    return [import_file(path, out_dir, settings) for path in source_files(paths)]


def import_file(path: Path, out_dir: Path, settings: Settings) -> Outcome:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return Outcome(path, "failed", problems=[Problem(1, 1, "error", "import-unreadable", str(exc.strerror))])
    try:
        conv = convert_text(data, settings)
    except ImportFailed as exc:
        return Outcome(path, "failed", problems=[exc.problem])
    where, text = target(out_dir, conv), render(conv)
    outcome = Outcome(path, "written", where, conv, list(conv.problems))
    try:
        scaffold.write_new(where, text)
    except FileExistsError:
        outcome.state = "unchanged" if _same(where, text) else "exists"
    except OSError as exc:
        outcome.state = "failed"
        outcome.problems.append(Problem(1, 1, "error", "import-write", f"cannot write {where}: {exc.strerror}"))
    return outcome


def _same(path: Path, text: str) -> bool:
    try:
        return path.read_text(encoding="utf-8") == text
    except (OSError, UnicodeDecodeError):
        return False
