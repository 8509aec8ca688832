"""The relation index answers for a few incidents exactly what comparing the whole corpus gives."""

from __future__ import annotations

import dataclasses
import re

from postmortem_kb.corpus import load_entry
from postmortem_kb.records import Incident
from postmortem_kb.relation_index import Doc, RelationIndex
from postmortem_kb.relations import Relation, find_relations
from postmortem_kb.settings import Settings

from .conftest import REFERENCE_KB


def _incidents() -> list[Incident]:
    out = []
    for path in sorted(REFERENCE_KB.glob("20*.md")):
        text = re.sub(r"(?m)^related: .*\n", "", path.read_text(encoding="utf-8"))
        entry = load_entry(path.name, path.name, text.encode(), Settings())
        assert entry.incident is not None
        out.append(entry.incident)
    return out


def _key(r: Relation) -> tuple[str, str, str, str, float]:
    return (r.a, r.b, r.kind, r.reason, r.score)


def _compare(incidents: list[Incident], threshold: float = 0.18) -> int:
    ordered = sorted(incidents, key=lambda i: (i.date, i.stem), reverse=True)
    index = RelationIndex(Doc.of(i.src_uri, "", i) for i in incidents)
    by_path = {i.src_uri: i for i in incidents}
    full = find_relations(ordered, 90, threshold)
    for incident in incidents:
        names = {incident.stem}
        got = index.relations_of(names, 90, threshold, lambda paths: {p: by_path[p] for p in paths})
        want = [r for r in full if r.a in names or r.b in names]
        assert sorted(map(_key, got)) == sorted(map(_key, want)), incident.stem
    return len(full)


def test_relations_of_each_incident_equal_the_full_computation() -> None:
    incidents = _incidents()
    assert _compare(incidents) > 0
    assert _compare(incidents, threshold=0.05) > _compare(incidents)  # many text relations


def test_updates_keep_the_index_exact() -> None:
    incidents = _incidents()
    index = RelationIndex(Doc.of(i.src_uri, "", i) for i in incidents)
    # One incident rewritten to read like another, one removed, one renamed.
    changed = dataclasses.replace(incidents[3], rca_text=incidents[1].rca_text + " " + incidents[3].rca_text)
    renamed = dataclasses.replace(incidents[5], stem="2025-05-01-renamed", src_uri="2025-05-01-renamed.md")
    current = [changed if i is incidents[3] else i for i in incidents if i is not incidents[7]]
    current = [renamed if i is incidents[5] else i for i in current]
    index.put(Doc.of(changed.src_uri, "", changed))
    index.drop(incidents[7].src_uri)
    index.drop(incidents[5].src_uri)
    index.put(Doc.of(renamed.src_uri, "", renamed))
    fresh = RelationIndex(Doc.of(i.src_uri, "", i) for i in current)
    assert (index.n, index.df) == (fresh.n, fresh.df)
    restored = RelationIndex.restore([d.row() for d in index.docs.values()], index.counts())
    by_path = {i.src_uri: i for i in current}
    full = find_relations(sorted(current, key=lambda i: (i.date, i.stem), reverse=True), 90, 0.1)
    for incident in current:
        got = restored.relations_of({incident.stem}, 90, 0.1, lambda paths: {p: by_path[p] for p in paths})
        want = [r for r in full if incident.stem in (r.a, r.b)]
        assert sorted(map(_key, got)) == sorted(map(_key, want)), incident.stem


def test_frequencies_of_another_view_are_recounted() -> None:
    """Two runs updating different rows at once: the stored frequencies are one run's view."""
    incidents = _incidents()
    mine = RelationIndex(Doc.of(i.src_uri, "", i) for i in incidents)
    theirs = RelationIndex(Doc.of(i.src_uri, "", i) for i in incidents[1:])
    rows = [d.row() for d in mine.docs.values()]
    restored = RelationIndex.restore(rows, theirs.counts())
    assert (restored.n, restored.df) == (mine.n, mine.df)
    assert RelationIndex.restore(rows, "not json").df == mine.df


def test_failure_class_links_are_the_full_computations() -> None:
    """Two incidents rewritten to fail the same way in other words (an expired certificate): the index
    links them by their failure class, as the full computation does."""
    incidents = _incidents()
    cert = dataclasses.replace(incidents[2], rca_text="The TLS cert on the gateway lapsed and clients failed.")
    other = dataclasses.replace(incidents[6], rca_text="HTTPS broke because the certificate was not renewed in time.")
    current = [cert if i is incidents[2] else other if i is incidents[6] else i for i in incidents]
    full = find_relations(current, 90, 0.18)
    assert any("expired certificate" in r.reason for r in full if {r.a, r.b} == {cert.stem, other.stem})
    assert _compare(current) == len(full)
