"""Rules: each module checks one concern of a parsed postmortem and yields findings.

`catalogue.RULES` lists every rule id with its level; `check_document` runs them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..findings import Finding, Position
from ..model import FrontMatter
from ..parsing import ParsedFile
from ..settings import Settings
from . import (
    action_items,
    action_quality,
    blameless,
    completeness,
    drafts,
    html,
    placeholders,
    root_cause,
    sections,
    timeline,
    types,
    unknown_keys,
)
from .catalogue import RULES
from .context import Context

Checker = Callable[[Context], Iterable[Finding]]

# placeholders runs first: it marks placeholder values so that type rules stay quiet on them.
CHECKERS: tuple[Checker, ...] = (
    placeholders.check,
    types.check,
    unknown_keys.check,
    root_cause.check,
    html.check,
    timeline.check,
    action_items.check,
    completeness.check,
    action_quality.check,
    sections.check,
    blameless.check,
)


def check_document(doc: ParsedFile, settings: Settings) -> list[Finding]:
    return judge(doc, settings)[0]


def judge(doc: ParsedFile, settings: Settings) -> tuple[list[Finding], FrontMatter | None]:
    """Findings, and the validated front matter when it fits the model (for records)."""
    ctx = Context(doc, settings)
    findings: list[Finding] = []
    for path, pos in doc.front_matter.positions.duplicates:
        findings.append(ctx.finding("duplicate-key", pos, f"key `{path[-1]}` is given twice; YAML keeps only the last"))
    for checker in CHECKERS:
        findings.extend(checker(ctx))
    return drafts.relax(ctx, findings), ctx.model


__all__ = ["CHECKERS", "RULES", "Context", "Position", "check_document", "judge"]
