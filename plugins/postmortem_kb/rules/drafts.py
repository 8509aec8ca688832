"""The Draft policy: a postmortem with `status: Draft` may be committed and reviewed while incomplete.

For a Draft, findings about what is not written yet (placeholders, missing or empty sections, what a
major incident must state) are warnings instead of errors; Reviewed and Published postmortems must
be complete. Applied here, in the rule layer, so the pre-commit hook, the pull-request check and
the site build judge a Draft alike. Broken content (bad YAML, wrong types, timeline order ...) stays
an error: a Draft is unfinished, not malformed.
"""

from __future__ import annotations

import dataclasses

from ..findings import Finding
from .context import Context

# Rules about completeness: what a finished postmortem has and a Draft may still lack.
RELAXED_FOR_DRAFTS: frozenset[str] = frozenset(
    {
        "placeholder",
        "section-missing",
        "section-empty",
        "action-items-required",
        "incident-commander-required",
        "customer-impact-required",
        "action-item-incomplete",
    }
)
NOTE = " (allowed while `status: Draft`; required before Reviewed)"


def is_draft(ctx: Context) -> bool:
    return ctx.meta.get("status") == "Draft"


def relax(ctx: Context, findings: list[Finding]) -> list[Finding]:
    if not is_draft(ctx):
        return findings
    return [
        dataclasses.replace(f, level="warning", message=f.message + NOTE)
        if f.level == "error" and f.rule in RELAXED_FOR_DRAFTS
        else f
        for f in findings
    ]
