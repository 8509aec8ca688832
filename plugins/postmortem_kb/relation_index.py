"""How a few incidents relate to the rest of the knowledge base, from a stored index (no MkDocs).

`pmkb check FILE` needs only FILE's similar-incident findings. They depend on the rest of the
corpus through: incidents in the same (cause, service) bucket, related lists, how many documents
hold each term (the TF-IDF weights) and which documents share FILE's distinctive terms. The
index keeps, per postmortem, its stem, date, start, services, causes, related stems and term
counts, plus the document frequencies; a changed file updates its own row only.

`relations_of` gives exactly the relations `relations.find_relations` gives that involve the
asked incidents (`tests/test_relation_index.py` compares them). Terms come from
`relations.tokens`, so a change to normalisation there applies here too; the formulas (idf,
unit vectors, top terms, the "common term" cut, cosine) are those of `relations.text_relations`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .records import Incident
from .relations import (
    TOP_TERMS,
    Relation,
    _cosine,
    cause_relations,
    describe,
    failure_classes_of,
    manual_relations,
    prose_relation,
    term_counts,
    tf_idf,
    with_classes,
)

Row = tuple[str, str, str, str, str, str, str, str, int, str]  # as stored: see Doc.row


@dataclass
class Doc:
    path: str
    digest: str  # of the content the row was made from
    stem: str
    date: str
    started: str
    services: tuple[str, ...]
    causes: tuple[str, ...]
    related: tuple[str, ...]
    has_text: bool  # a Root Cause Analysis with prose: counted in the TF-IDF corpus
    text: str  # JSON [[[term, count], ...], {term: word}, [failure class, ...]], decoded only when needed
    # Decoded once: a one-file check asks every document holding a class's label for its classes.
    _classes: frozenset[str] | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def of(cls, path: str, digest: str, incident: Incident, terms: Mapping[str, Sequence[str]] | None = None) -> Doc:
        counts, surface = term_counts(incident.rca_text, terms)
        classes = sorted(failure_classes_of(incident.rca_text, incident.root_causes, terms))
        return cls(
            path, digest, incident.stem, incident.date.isoformat(), incident.timeline["started"].isoformat(),
            incident.services, incident.root_causes, incident.related, bool(incident.rca_text),
            json.dumps([list(counts.items()), surface, classes], separators=(",", ":")),
        )  # fmt: skip

    @classmethod
    def invalid(cls, path: str, digest: str) -> Doc:
        """A file that is no incident (front matter that does not validate): in no relation."""
        return cls(path, digest, "", "", "", (), (), (), False, "[[],{},[]]")

    def row(self) -> Row:
        return (
            self.path, self.digest, self.stem, self.date, self.started, "\n".join(self.services),
            "\n".join(self.causes), "\n".join(self.related), int(self.has_text), self.text,
        )  # fmt: skip

    @classmethod
    def from_row(cls, row: Row) -> Doc:
        path, digest, stem, date, started, services, causes, related, has_text, text = row
        return cls(path, digest, stem, date, started, _split(services), _split(causes), _split(related),
                   bool(has_text), text)  # fmt: skip

    def terms(self) -> tuple[dict[str, int], dict[str, str]]:
        pairs, surface, _classes = json.loads(self.text)
        return dict(pairs), surface

    def classes(self) -> frozenset[str]:
        """The failure classes of its root-cause text (labels hold spaces, so never equal a term)."""
        if self._classes is None:
            self._classes = frozenset(json.loads(self.text)[2])
        return self._classes

    def order(self) -> tuple[dt.datetime, str]:
        return dt.datetime.fromisoformat(self.started), self.stem


def _rows_key(docs: Iterable[Doc]) -> str:
    return hashlib.sha256("\n".join(sorted(f"{d.path}\0{d.digest}" for d in docs)).encode()).hexdigest()


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split("\n")) if text else ()


class RelationIndex:
    """Documents by path, with document frequencies kept up to date as rows come and go."""

    def __init__(self, docs: Iterable[Doc] = ()) -> None:
        self.docs: dict[str, Doc] = {}
        self.df: Counter[str] = Counter()
        self.n = 0  # documents with Root Cause Analysis prose
        self.changed: set[str] = set()  # paths put or dropped since restored: rows to write
        for doc in docs:
            self.put(doc)

    @classmethod
    def restore(cls, rows: Iterable[Row], counts: str | None) -> RelationIndex:
        """From stored rows and the document frequencies stored with them. The frequencies name
        the rows they were counted from: two runs updating different rows at once each store
        frequencies of their own view, and then the rows are recounted instead of trusted."""
        docs = [Doc.from_row(r) for r in rows]
        try:
            n, df, key = json.loads(counts or "null") or (0, {}, "")
        except (ValueError, TypeError):
            n, df, key = 0, {}, ""
        if key != _rows_key(docs):
            return cls(docs)
        index = cls()
        index.docs = {d.path: d for d in docs}
        index.n, index.df = int(n), Counter(df)
        return index

    def counts(self) -> str:
        """The document frequencies and the rows they count, as stored beside the rows."""
        return json.dumps([self.n, self.df, _rows_key(self.docs.values())], separators=(",", ":"))

    def put(self, doc: Doc) -> None:
        self.drop(doc.path)
        self.docs[doc.path] = doc
        self._count(doc, 1)
        self.changed.add(doc.path)

    def drop(self, path: str) -> None:
        old = self.docs.pop(path, None)
        if old is not None:
            self._count(old, -1)
            self.changed.add(path)

    def _count(self, doc: Doc, sign: int) -> None:
        if not doc.has_text:
            return
        self.n += sign
        for term in doc.terms()[0]:
            self.df[term] += sign
            if not self.df[term]:
                del self.df[term]

    def unique_stems(self) -> bool:
        """Relations name incidents by stem; two files with one stem need the full computation."""
        stems = [d.stem for d in self.docs.values() if d.stem]
        return len(set(stems)) == len(stems)

    def relations_of(
        self, stems: set[str], window_days: int, threshold: float, load: Callable[[list[str]], dict[str, Incident]]
    ) -> list[Relation]:
        """Every relation involving one of `stems`. `load` gives the incidents of some paths."""
        by_stem = {d.stem: d for d in self.docs.values() if d.stem}
        targets = [by_stem[s] for s in stems if s in by_stem]
        if not targets:
            return []
        text = self._text_relations(targets, by_stem, threshold)
        # Cause and manual relations run on incidents: the targets, their bucket mates and
        # whoever lists them or is listed by them. Kept in corpus order (newest first), so
        # that the reason chosen for a pair sharing two buckets is the full computation's.
        buckets = {(c, s) for d in targets for c in d.causes for s in d.services}
        names = set(stems)
        near = [
            d for d in by_stem.values()
            if d.stem in names or names & set(d.related) or any(d.stem in t.related for t in targets)
            or any((c, s) in buckets for c in d.causes for s in d.services)
        ]  # fmt: skip
        near.sort(key=lambda d: (d.date, d.stem), reverse=True)
        loaded = load([d.path for d in near])
        incidents = [loaded[d.path] for d in near if d.path in loaded]
        found = [*manual_relations(incidents), *cause_relations(incidents, window_days), *text]
        return [r for r in found if r.a in names or r.b in names]

    def _surface(self, term: str, by_stem: dict[str, Doc]) -> str:
        """The readable word for a term: as the first document in corpus order (newest first) that
        has it wrote it, as `relations.similar_texts` picks it."""
        quoted = f'"{term}"'
        having = [d for d in by_stem.values() if d.has_text and quoted in d.text and term in d.terms()[0]]
        if not having:
            return term
        return max(having, key=lambda d: (d.date, d.stem)).terms()[1].get(term, term)

    def _text_relations(self, targets: list[Doc], by_stem: dict[str, Doc], threshold: float) -> list[Relation]:
        n = self.n
        if n < 2:
            return []
        common = max(10, int(0.05 * n))
        vectors: dict[str, dict[str, float]] = {}
        tops: dict[str, list[str]] = {}

        def vector(doc: Doc) -> dict[str, float]:
            if doc.stem not in vectors:
                counts = doc.terms()[0]
                idf = {t: math.log((1 + n) / (1 + self.df[t])) + 1 for t in counts}
                vectors[doc.stem] = tf_idf(counts, idf)
                # as relations.similar_texts: the weightiest terms that another document has too
                shared = [t for t in vectors[doc.stem] if 1 < self.df[t] <= common]
                tops[doc.stem] = sorted(shared, key=vectors[doc.stem].__getitem__, reverse=True)[:TOP_TERMS]
            return vectors[doc.stem]

        candidates: set[tuple[str, str]] = set()
        for target in (t for t in targets if t.has_text):
            vector(target)
            for term in tops[target.stem]:
                if self.df[term] > common:
                    continue
                quoted = f'"{term}"'
                for other in by_stem.values():
                    if other.stem == target.stem or not other.has_text or quoted not in other.text:
                        continue
                    if term in vector(other) and term in tops[other.stem]:
                        candidates.add((min(target.stem, other.stem), max(target.stem, other.stem)))
        # as relations.similar_texts: documents sharing a failure class that few documents have
        having: dict[str, list[Doc]] = {}  # failure class -> the documents with text that have it
        classes: dict[str, frozenset[str]] = {}

        def distinctive(doc: Doc) -> frozenset[str]:
            """As relations.similar_texts: the doc's classes that few documents have (they pair
            documents; a pair naming different ones scores lower)."""
            if doc.stem not in classes:
                own = doc.classes()
                for label in own - having.keys():
                    quoted = f'"{label}"'
                    # Terms and their words hold no space: a label with one, written as is, is in a
                    # document's text only as one of its classes, and the text need not be decoded.
                    exact = " " in label and json.dumps(label) == quoted
                    having[label] = [
                        d for d in by_stem.values()
                        if d.has_text and quoted in d.text and (exact or label in d.classes())
                    ]  # fmt: skip
                classes[doc.stem] = frozenset(label for label in own if len(having[label]) <= common)
            return classes[doc.stem]

        for target in (t for t in targets if t.has_text):
            for label in distinctive(target):
                for other in having[label]:
                    if other.stem != target.stem:
                        vector(other)
                        candidates.add((min(target.stem, other.stem), max(target.stem, other.stem)))

        out = []
        for x, y in candidates:
            cosine, shared = _cosine(vectors[x], vectors[y])
            score, labels = with_classes(cosine, distinctive(by_stem[x]), distinctive(by_stem[y]))
            if score < threshold:
                continue
            first, second = sorted((by_stem[x], by_stem[y]), key=Doc.order)
            what = describe(labels, [self._surface(t, by_stem) for t in shared[:4]])
            out.append(prose_relation(first.stem, second.stem, first.services, second.services, what, score))
        return out
