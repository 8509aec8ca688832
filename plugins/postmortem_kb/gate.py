"""`pmkb check --changed-since REF`: what a pull request causes, not what was there before it.

Reported: every finding of the postmortems the change adds or edits, and the cross-file findings
(similar-incident) it creates in postmortems it leaves alone: backfilling an older incident makes
a newer, unchanged one resemble it, and the pull request is where that should be seen.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from .check import CheckResult
from .corpus import Corpus
from .findings import Finding
from .relations import relations_for
from .rules.cross_file import similar_incidents
from .settings import Settings


def only_changed(
    result: CheckResult, changed: set[Path], checked: set[Path], settings: Settings, ref: str
) -> CheckResult:
    """`changed` and `checked` are resolved paths; `result` comes from checking the whole knowledge base."""
    kept = [f for f in result.findings if Path(f.path).resolve() in changed]
    if result.corpus is not None:
        kept += _caused_elsewhere(result.corpus, changed, settings, ref)
    kept.sort(key=Finding.sort_key)
    return CheckResult(kept, files=len(checked & changed), corpus=result.corpus)


def _caused_elsewhere(corpus: Corpus, changed: set[Path], settings: Settings, ref: str) -> list[Finding]:
    entries = corpus.entries.values()
    changed_stems = {e.incident.stem for e in entries if e.incident is not None and Path(e.path).resolve() in changed}
    if not changed_stems:
        return []
    relations = relations_for(corpus.incidents, settings)
    # Relations run from the earlier incident (a) to the later (b), and the finding sits on b: an
    # unchanged b with a changed a is a finding this change creates.
    caused = [r for r in relations if r.a in changed_stems]
    out = []
    for finding in similar_incidents(entries, caused):
        if Path(finding.path).resolve() not in changed:
            out.append(
                dataclasses.replace(finding, message=f"{finding.message} (an incident added or edited since {ref})")
            )
    return out
