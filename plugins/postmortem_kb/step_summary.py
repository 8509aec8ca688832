"""The GitHub job summary of `pmkb check --format github`: every finding, grouped by file.

GitHub shows at most 10 error and 10 warning annotations a step; the summary lists all of them,
on the run's page, as Markdown tables (appended to the file named by $GITHUB_STEP_SUMMARY).
"""

from __future__ import annotations

import html
from itertools import groupby

from .check import CheckResult
from .findings import Finding


def markdown(result: CheckResult, failed: bool) -> str:
    errors, warnings = result.count("error"), result.count("warning")
    verdict = "failed" if failed else "passed"
    lines = [
        f"## pmkb check {verdict}",
        "",
        f"{result.files} postmortem(s) checked: {errors} error(s), {warnings} warning(s).",
        "",
    ]
    findings = sorted(result.findings, key=Finding.sort_key)
    for path, group in groupby(findings, key=lambda f: f.path):
        lines += [f"### `{_cell(path)}`", "", "| Line | Level | Rule | Message |", "| ---: | --- | --- | --- |"]
        lines += [f"| {f.line}:{f.col} | {f.level} | `{f.rule}` | {_cell(f.message)} |" for f in group]
        lines.append("")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    """Safe in a table cell: HTML escaped (the summary renders HTML), `|` escaped, one line."""
    escaped = html.escape(text, quote=False).replace("|", "\\|")
    return "<br>".join(escaped.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
