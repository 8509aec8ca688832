"""`pmkb check` as a library: paths -> postmortem files -> findings -> CheckResult."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .findings import Finding, fails
from .model import FrontMatter
from .parsing import ParsedFile, ParseError, parse_text
from .parsing.source import decode
from .rules import RULES, judge
from .settings import Settings


@dataclass
class CheckResult:
    findings: list[Finding] = field(default_factory=list)
    files: int = 0

    def count(self, level: str) -> int:
        return sum(1 for f in self.findings if f.level == level)

    def exit_code(self, *, strict: bool) -> int:
        return 1 if fails(self.findings, strict=strict) else 0


@dataclass
class Evaluation:
    """One file judged: its parse (None when unparseable), findings and validated front matter."""

    doc: ParsedFile | None
    findings: list[Finding]
    model: FrontMatter | None = None


def evaluate_text(path: str, text: str, settings: Settings) -> Evaluation:
    """Parse and judge one postmortem's text; bad input gives findings, never an exception."""
    try:
        doc = parse_text(path, text)
    except ParseError as exc:
        return Evaluation(None, [_parse_finding(path, exc)])
    findings, model = judge(doc, settings)
    return Evaluation(doc, findings, model)


def evaluate_bytes(path: str, data: bytes, settings: Settings) -> Evaluation:
    try:
        text = decode(data)
    except ParseError as exc:
        return Evaluation(None, [_parse_finding(path, exc)])
    return evaluate_text(path, text, settings)


def check_text(path: str, text: str, settings: Settings) -> tuple[ParsedFile | None, list[Finding]]:
    result = evaluate_text(path, text, settings)
    return result.doc, result.findings


def check_bytes(path: str, data: bytes, settings: Settings) -> tuple[ParsedFile | None, list[Finding]]:
    result = evaluate_bytes(path, data, settings)
    return result.doc, result.findings


def check_file(path: Path, settings: Settings, display: str | None = None) -> list[Finding]:
    name = display or str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [Finding(name, 1, 1, "error", "file-unreadable", f"cannot read file: {exc.strerror}")]
    return check_bytes(name, data, settings)[1]


def find_postmortems(root: Path, settings: Settings) -> list[Path]:
    """Postmortem files under a directory, by the configured file-name pattern, sorted."""
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(Path(folder, f) for f in sorted(files) if settings.is_postmortem_name(f))
    return found


def check_paths(paths: Sequence[Path], settings: Settings) -> CheckResult:
    """Directories are searched by file-name pattern; files named explicitly are always checked."""
    result = CheckResult()
    for target in paths:
        files = find_postmortems(target, settings) if target.is_dir() else [target]
        if target.is_dir() and not files:
            result.findings.append(
                Finding(
                    str(target),
                    1,
                    1,
                    "error",
                    "no-postmortems",
                    f"no postmortems here (files named like {settings.file_pattern!r})",
                )
            )
        for file in files:
            result.files += 1
            result.findings.extend(check_file(file, settings))
    result.findings.sort(key=Finding.sort_key)
    return result


def _parse_finding(path: str, exc: ParseError) -> Finding:
    return Finding(path, exc.line, exc.col, RULES[exc.rule].level, exc.rule, exc.message)
