"""Rules that judge a postmortem against the rest of the knowledge base, not on its own."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..findings import Finding
from ..relations import Relation, is_repeat, is_similar
from ..settings import Settings
from .catalogue import RULES

if TYPE_CHECKING:  # corpus imports the per-file rules; importing it here at run time would be circular
    from ..corpus import Entry


def no_postmortems(folder: Path, settings: Settings) -> Finding:
    """A folder given to `pmkb check` that holds no postmortem: most likely a wrong path."""
    return Finding(
        str(folder), 1, 1, RULES["no-postmortems"].level, "no-postmortems",
        f"no postmortems here (files named like {settings.file_pattern!r})",
    )  # fmt: skip


def similar_incidents(entries: Iterable[Entry], relations: Sequence[Relation]) -> list[Finding]:
    """Review-time detection: a postmortem that resembles earlier incidents (a repeat or a similar
    incident) it does not list in `related` gets one warning naming the most recent of them, so
    author and reviewers see it while the pull request is open."""
    by_stem = {e.incident.stem: e for e in entries if e.incident is not None}
    unlisted: dict[str, dict[str, list[Relation]]] = {}  # later -> earlier -> relations
    for rel in relations:
        later = by_stem[rel.b].incident if rel.b in by_stem else None
        if (is_repeat(rel) or is_similar(rel)) and later is not None and rel.a not in later.related:
            unlisted.setdefault(rel.b, {}).setdefault(rel.a, []).append(rel)
    out = []
    for stem, earlier in unlisted.items():
        entry = by_stem[stem]
        latest = max(earlier, key=lambda s: (by_stem[s].incident.date, s))  # type: ignore[union-attr]
        date = by_stem[latest].incident.date.isoformat()  # type: ignore[union-attr]
        more = f" (and {len(earlier) - 1} more earlier incidents)" if len(earlier) > 1 else ""
        rels = earlier[latest]
        reasons = "; ".join(r.reason for r in rels)
        if any(is_repeat(r) for r in rels):  # the same organisation's failure recurring on a shared service
            message = (
                f"repeats the earlier incident {latest} ({date}): {reasons}{more}. "
                "Add it to `related` and check whether that incident's fixes covered this one"
            )
        else:  # a learning link across services, never counted as a repeat
            message = (
                f"resembles the earlier incident {latest} ({date}): {reasons}{more}. "
                "A similar incident, not a repeat: read its lessons, and add it to `related` to link the two"
            )
        out.append(
            Finding(
                entry.path, entry.anchor.line, entry.anchor.col, RULES["similar-incident"].level, "similar-incident",
                message,
            )
        )  # fmt: skip
    return sorted(out, key=Finding.sort_key)
