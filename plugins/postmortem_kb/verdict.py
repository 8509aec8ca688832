"""One verdict: which findings fail a knowledge base, for `pmkb check` and `mkdocs build --strict` alike.

Policy (the `fail_on` plugin option): with `fail_on: error` (the default) errors fail and warnings
are advice; with `fail_on: warning` warnings fail too. The build logs failing findings as MkDocs
warnings, so that `--strict` fails exactly when `pmkb check` does, and advice at INFO level.
"""

from __future__ import annotations

from collections.abc import Iterable

from .findings import Finding
from .settings import FailOn


def fails(finding: Finding, fail_on: FailOn) -> bool:
    return finding.level == "error" or fail_on == "warning"


def any_fails(findings: Iterable[Finding], fail_on: FailOn) -> bool:
    return any(fails(f, fail_on) for f in findings)


def effective_fail_on(fail_on: FailOn, *, strict: bool) -> FailOn:
    """`pmkb check --strict` makes warnings fail whatever mkdocs.yml says."""
    return "warning" if strict else fail_on
