"""`related` entries and file stems: a postmortem is named by its file stem, once in the corpus.

`related: [../x, https://..., itself, a-typo]` was accepted silently and rendered as dead or
self links; the same stem in two folders made a postmortem related to itself, a one-member
repeat group and two exports with one id.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from ..findings import Finding
from ..settings import stem_of
from .catalogue import RULES
from .context import Context

if TYPE_CHECKING:  # corpus imports the per-file rules
    from ..corpus import Entry

_NOT_A_STEM = re.compile(r"[/\\:]|\.md$|^\.")


def check(ctx: Context) -> Iterator[Finding]:
    """What one file can tell on its own: paths, URLs and itself."""
    related = ctx.meta.get("related")
    if not isinstance(related, list):
        return
    own = stem_of(ctx.doc.path.replace("\\", "/"))
    for index, value in enumerate(related):
        if not isinstance(value, str):
            continue
        if _NOT_A_STEM.search(value):
            why = "a path or URL; name the postmortem by its file stem, e.g. 2025-01-14-checkout-502s"
        elif value == own:
            why = "this postmortem itself"
        else:
            continue
        yield ctx.finding("unknown-related", ctx.value_pos("related", index), f"`related[{index}]` {value!r} is {why}")


def corpus_findings(entries: Iterable[Entry], *, whole: bool = True) -> list[Finding]:
    """Stems two files share, and (when `entries` is the whole knowledge base) stems listed in
    `related` that no postmortem has."""
    entries = list(entries)
    by_stem: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_stem[stem_of(entry.path.replace("\\", "/"))].append(entry)
    out = []
    for stem, same in by_stem.items():
        for entry in same if len(same) > 1 else ():
            others = ", ".join(e.path for e in same if e is not entry)
            message = f"the file stem {stem!r} is also used by {others}; `related`, repeat groups and exports "
            out.append(_finding(entry, "duplicate-stem", message + "name postmortems by stem: rename one"))
    for entry in entries:
        incident = entry.incident
        if incident is None or not whole:
            continue
        for value in incident.related:
            if value not in by_stem and not _NOT_A_STEM.search(value) and value != incident.stem:
                out.append(_finding(entry, "unknown-related", f"`related` names {value!r}, which no postmortem is"))
    return sorted(out, key=Finding.sort_key)


def _finding(entry: Entry, rule: str, message: str) -> Finding:
    return Finding(entry.path, entry.anchor.line, entry.anchor.col, RULES[rule].level, rule, message)
