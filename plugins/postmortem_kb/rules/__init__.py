"""Rules: each module checks one concern of a parsed postmortem and yields findings.

`catalogue.RULES` lists every rule id with its level and module; `judge` runs the per-file
rules; `cross_file` holds the rules that compare a postmortem with the rest of the corpus.
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
    date_match,
    drafts,
    duplicate_keys,
    html,
    links,
    placeholders,
    root_cause,
    sections,
    theme_keys,
    timeline,
    types,
    unknown_keys,
)
from .catalogue import RULES
from .context import Context

Checker = Callable[[Context], Iterable[Finding]]

# The order is the order findings of equal position are listed in; no rule depends on another
# having run (shared facts are cached properties of the Context).
CHECKERS: tuple[Checker, ...] = (
    duplicate_keys.check,
    placeholders.check,
    types.check,
    unknown_keys.check,
    root_cause.check,
    html.check,
    timeline.check,
    date_match.check,
    action_items.check,
    completeness.check,
    action_quality.check,
    sections.check,
    blameless.check,
    theme_keys.check,
    links.check,
)


def judge(doc: ParsedFile, settings: Settings) -> tuple[list[Finding], FrontMatter | None]:
    """Findings, and the validated front matter when it fits the model (for records)."""
    ctx = Context(doc, settings)
    findings: list[Finding] = []
    for checker in CHECKERS:
        findings.extend(checker(ctx))
    return drafts.relax(ctx, findings), ctx.model


__all__ = ["CHECKERS", "RULES", "Context", "Position", "judge"]
