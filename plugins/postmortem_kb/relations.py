"""How incidents relate: listed by hand, same cause and service within a window, or similar
root-cause text. Groups of repeats, and repeats that happened after the fixes were done.

Two ideas are kept apart everywhere (`is_repeat` is the one definition):
- a **repeat** is the same organisation's failure recurring: a shared root-cause category on a
  shared service within the window (`cause`), or similar root-cause text on a shared service
  (`text`). Repeats form groups and are counted on trends/.
- a **similar incident** (`similar`) has similar root-cause text but no service in common: a
  learning link shown with its reason, never counted as a repeat.

Similar text is found with TF-IDF cosine over each postmortem's Root Cause Analysis prose,
after term normalisation (`terms.py`: "regular expression" and "regex", "db" and "database"
meet). It is explainable (the shared terms are shown), needs no model download, and suits short
technical text whose distinctive nouns ("certificate", "replica", "quota") carry the cause.
Candidate pairs come from an inverted index of each document's most distinctive terms, so
the cost stays near linear instead of comparing every pair.
"""

from __future__ import annotations

import datetime as dt
import math
import operator
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain, combinations, repeat
from typing import Literal

from .failure_classes import CLASSES, classify
from .records import ActionItemRecord, Incident
from .settings import Settings
from .terms import normalise

Kind = Literal["manual", "cause", "text", "similar"]
REPEAT_KINDS: frozenset[str] = frozenset({"cause", "text"})
# The day an action item closed, when the repository's history tells (process.fix_closed_by).
CloseDate = Callable[[Incident, ActionItemRecord], dt.date | None]
TOP_TERMS = 12  # distinctive terms per document used to find candidate pairs
CLASS_WEIGHT = 0.5  # added to the cosine of two texts sharing a failure class

# Common English plus words every postmortem uses: they say nothing about the cause.
STOPWORDS = frozenset(
    """
    a about above after again against all also an and any are as at be because been before being below between
    both but by can could did do does doing down during each few for from further had has have having he her
    here hers him his how i if in into is it its itself just me more most my no nor not now of off on once only
    or other our out over own same she should so some such than that the their them then there these they this
    those through to too under until up very was we were what when where which while who whom why will with
    would you your yes one two three four five first second third fourth fifth per via still even much many
    incident incidents outage customer customers minutes minute hours hour time why's whys happened cause caused
    root team teams our us we'd made make makes without within service services system systems issue issues
    error errors using used use set led due affected impact impacted working failed failure failures
    """.split()
)
_TOKEN = re.compile(r"[a-z][a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class Relation:
    a: str  # stems, a before b in time
    b: str
    kind: Kind
    reason: str
    score: float = 1.0


def is_repeat(rel: Relation) -> bool:
    """Whether a relation makes the later incident a repeat of the earlier one."""
    return rel.kind in REPEAT_KINDS


def is_similar(rel: Relation) -> bool:
    """Whether a relation is a learning link only: similar text, no service in common, never a repeat."""
    return rel.kind == "similar"


@dataclass
class RepeatGroup:
    incidents: list[Incident]  # oldest first
    reasons: list[str]
    # (earlier, later) stems: the later one started after every action item of the earlier was done
    after_fix_pairs: set[tuple[str, str]] = field(default_factory=set)

    @property
    def after_fix(self) -> set[str]:
        """Stems of the incidents that recurred after a fix."""
        return {later for _earlier, later in self.after_fix_pairs}

    def gaps_days(self) -> list[int]:
        return [(b.date - a.date).days for a, b in zip(self.incidents, self.incidents[1:], strict=False)]


def tokens(
    text: str, surface: dict[str, str] | None = None, terms: Mapping[str, Sequence[str]] | None = None
) -> list[str]:
    """Stemmed content words after term normalisation; `surface` collects a readable word for each stem."""
    words = [word for word in _TOKEN.findall(normalise(text, terms)) if word not in STOPWORDS]
    stems = list(map(_stem, words))
    if surface is not None:
        for stem, word in zip(stems, words, strict=True):
            surface.setdefault(stem, word)
    return stems


TermCounts = tuple[dict[str, int], dict[str, str]]
_TERM_COUNTS: dict[tuple[str, object], TermCounts] = {}  # `mkdocs serve` compares the same texts every rebuild
_TERM_COUNTS_LIMIT = 50_000


def term_counts(text: str, terms: Mapping[str, Sequence[str]] | None = None) -> TermCounts:
    """Stemmed term counts of a text in first-seen order, and the word first seen for each stem.
    Memoised; callers must not mutate them."""
    key = (text, _terms_key(terms))
    found = _TERM_COUNTS.get(key)
    if found is None:
        found = _count_terms(text, terms)
        remember_term_counts(text, terms, found)
    return found


def _count_terms(text: str, terms: Mapping[str, Sequence[str]] | None) -> TermCounts:
    """`Counter(tokens(text, surface, terms))` and that `surface`, in the same order: each distinct
    word is stemmed and looked up once (a text repeats its words; counting them is done in C). The
    counts are a plain dict: a worker process sends them to its parent, which unpickled a Counter
    through its Python constructor."""
    counts: dict[str, int] = {}
    surface: dict[str, str] = {}
    for word, n in Counter(_TOKEN.findall(normalise(text, terms))).items():  # in order of first use
        if word not in STOPWORDS:
            stem = _stem(word)
            counts[stem] = counts.get(stem, 0) + n
            surface.setdefault(stem, word)
    return counts, surface


def remember_term_counts(text: str, terms: Mapping[str, Sequence[str]] | None, counts: TermCounts) -> None:
    """Term counts made elsewhere (the worker process that judged the file), for `term_counts`."""
    if len(_TERM_COUNTS) >= _TERM_COUNTS_LIMIT:
        _TERM_COUNTS.clear()
    _TERM_COUNTS[(text, _terms_key(terms))] = counts


_CLASSES: dict[tuple[str, tuple[str, ...], object], frozenset[str]] = {}


def failure_classes_of(
    text: str, categories: Sequence[str], terms: Mapping[str, Sequence[str]] | None = None
) -> frozenset[str]:
    """`failure_classes.classify`, memoised like `term_counts`: a cold `pmkb check` classifies each
    text in the worker process that judged the file (`remember_failure_classes`), not serially in
    the parent afterwards, where it tripled the corpus comparison at 10,000 postmortems."""
    key = (text, tuple(categories), _terms_key(terms))
    found = _CLASSES.get(key)
    if found is None:
        found = classify(text, key[1], terms)
        remember_failure_classes(text, categories, terms, found)
    return found


def remember_failure_classes(
    text: str, categories: Sequence[str], terms: Mapping[str, Sequence[str]] | None, classes: frozenset[str]
) -> None:
    if len(_CLASSES) >= _TERM_COUNTS_LIMIT:
        _CLASSES.clear()
    _CLASSES[(text, tuple(categories), _terms_key(terms))] = classes


TextFacts = tuple[TermCounts, frozenset[str] | None]  # term counts; failure classes of a non-empty text


def text_facts(incident: Incident, terms: Mapping[str, Sequence[str]] | None) -> TextFacts:
    """What the corpus comparison needs of an incident's text, made where the file is judged. Not
    memoised here: a worker sees each text once, and its caller remembers them in the parent."""
    text = incident.rca_text
    return _count_terms(text, terms), classify(text, incident.root_causes, terms) if text else None


def remember_text_facts(incident: Incident, terms: Mapping[str, Sequence[str]] | None, facts: TextFacts) -> None:
    """Facts made in a worker process, for `term_counts` and `failure_classes_of` in this one."""
    counts, classes = facts
    remember_term_counts(incident.rca_text, terms, counts)
    if classes is not None:
        remember_failure_classes(incident.rca_text, incident.root_causes, terms, classes)


def _terms_key(terms: Mapping[str, Sequence[str]] | None) -> object:
    return tuple(sorted((k, tuple(v)) for k, v in terms.items())) if terms else None


@lru_cache(maxsize=100_000)
def _stem(word: str) -> str:
    """A light suffix stripper: "certificates"/"certificate", "throttled"/"throttle" meet."""
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""), ("e", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4 and not word.endswith("ss"):
            return word[: -len(suffix)] + keep
    return word


def _order(a: Incident, b: Incident) -> tuple[Incident, Incident]:
    return (a, b) if (a.timeline["started"], a.stem) <= (b.timeline["started"], b.stem) else (b, a)


def manual_relations(incidents: Sequence[Incident]) -> list[Relation]:
    by_stem = {i.stem: i for i in incidents}
    out = []
    for incident in incidents:
        for stem in incident.related:
            other = by_stem.get(stem)
            if other is not None and other.stem != incident.stem:
                first, second = _order(incident, other)
                out.append(Relation(first.stem, second.stem, "manual", "listed as related"))
    return out


def cause_relations(incidents: Sequence[Incident], window_days: int) -> list[Relation]:
    """Pairs sharing a root-cause category and a service, started within `window_days`."""
    buckets: dict[tuple[str, str], list[Incident]] = defaultdict(list)
    for incident in incidents:
        for cause in incident.root_causes:
            for service in incident.services:
                buckets[(cause, service)].append(incident)
    window = dt.timedelta(days=window_days)
    found: dict[tuple[str, str], tuple[str, str]] = {}
    for (cause, service), members in buckets.items():
        members.sort(key=lambda i: (i.timeline["started"], i.stem))
        for index, earlier in enumerate(members):
            for later in members[index + 1 :]:
                if later.timeline["started"] - earlier.timeline["started"] > window:
                    break
                found.setdefault((earlier.stem, later.stem), (cause, service))
    out = []
    by_stem = {i.stem: i for i in incidents}
    for (a, b), (cause, service) in found.items():
        days = (by_stem[b].date - by_stem[a].date).days
        out.append(Relation(a, b, "cause", f"same root cause {cause} on {service}, {days} days apart"))
    return out


def similar_texts(
    texts: Mapping[str, str],
    threshold: float,
    terms: Mapping[str, Sequence[str]] | None = None,
    categories: Mapping[str, Sequence[str]] | None = None,
) -> Iterable[tuple[str, str, float, list[str]]]:
    """Pairs of keys whose texts are similar, with what they share (readable, weightiest first).

    Similar means TF-IDF cosine >= threshold, or a shared failure class (`failure_classes.py`,
    read from the text and the key's root-cause `categories`): the class labels come first in the
    shared list and add CLASS_WEIGHT to the score, so the default threshold links them whatever
    the wording."""
    docs: dict[str, dict[str, int]] = {}
    surfaces: dict[str, dict[str, str]] = {}  # each text's stems -> the word first seen for each
    for key, text in texts.items():
        if text:
            docs[key], surfaces[key] = term_counts(text, terms)
    if len(docs) < 2:
        return
    df: Counter[str] = Counter(chain.from_iterable(docs.values()))
    n = len(docs)
    idf = {term: math.log((1 + n) / (1 + f)) + 1 for term, f in df.items()}
    # A document's vector is made when something reads it: many documents have no term rare
    # enough to index and no pair to score.
    vectors: dict[str, dict[str, float]] = {}

    def vector(key: str) -> dict[str, float]:
        found = vectors.get(key)
        if found is None:
            found = vectors[key] = tf_idf(docs[key], idf)
        return found

    # Terms found in very many documents are not distinctive; leaving them out of the index
    # keeps candidate lists short on large corpora.
    common = max(10, int(0.05 * n))
    # A term in one document only can never pair it with another: a document is indexed by its
    # weightiest terms that are in other documents but not in too many.
    indexable = {term for term, f in df.items() if 1 < f <= common}
    postings: dict[str, list[str]] = defaultdict(list)
    for key, counts in docs.items() if indexable else ():
        if indexable.isdisjoint(counts):
            continue
        shared = [t for t in counts if t in indexable]  # weighed only when more than TOP_TERMS
        if len(shared) > TOP_TERMS:
            shared = sorted(shared, key=vector(key).__getitem__, reverse=True)[:TOP_TERMS]
        for term in shared:
            postings[term].append(key)
    candidates: set[tuple[str, str]] = set()
    for keys in postings.values():
        candidates.update(combinations(sorted(keys), 2))
    classes = _distinctive_classes(texts, docs, categories or {}, terms, common)
    class_postings: dict[str, list[str]] = defaultdict(list)
    for key, labels in classes.items():
        for label in labels:
            class_postings[label].append(key)
    for keys in class_postings.values():
        candidates.update(combinations(sorted(keys), 2))
    surface: dict[str, str] | None = None  # made for the first pair found
    for x, y in sorted(candidates):
        cosine, shared = _cosine(vector(x), vector(y))
        score, both = with_classes(cosine, classes.get(x, frozenset()), classes.get(y, frozenset()))
        if score >= threshold:
            if surface is None:
                surface = _first_surfaces(surfaces.values())
            yield x, y, score, [*both, *(surface.get(t, t) for t in shared)]


def _first_surfaces(surfaces: Iterable[Mapping[str, str]]) -> dict[str, str]:
    """Each stem's readable word: the one first seen in the first text having the stem."""
    out: dict[str, str] = {}
    for own in surfaces:
        for stem, word in own.items():
            out.setdefault(stem, word)
    return out


def with_classes(cosine: float, x: frozenset[str], y: frozenset[str]) -> tuple[float, list[str]]:
    """A pair's score from its text cosine and the failure classes of each side, and the classes they share.

    A shared class adds CLASS_WEIGHT. When both sides name a class but none in common, it is taken off:
    each names a distinctive way of failing and not the same one, so the words they share ("payments
    API", "Kafka", "leader") tell where it failed, not how."""
    both = sorted(x & y)
    if both:
        return min(1.0, cosine + CLASS_WEIGHT), both
    if x and y:
        return max(0.0, cosine - CLASS_WEIGHT), both
    if x or y:
        return max(0.0, cosine - CLASS_WEIGHT / 2), both
    return cosine, both


def _distinctive_classes(
    texts: Mapping[str, str],
    docs: Mapping[str, object],
    categories: Mapping[str, Sequence[str]],
    terms: Mapping[str, Sequence[str]] | None,
    common: int,
) -> dict[str, frozenset[str]]:
    """Each document's failure classes, leaving out a class that very many documents share: like a
    common word it says little, and pairing all of them would cost quadratic time."""
    found = {key: failure_classes_of(texts[key], tuple(categories.get(key, ())), terms) for key in docs}
    count: Counter[str] = Counter(label for labels in found.values() for label in labels)
    return {key: frozenset(label for label in labels if count[label] <= common) for key, labels in found.items()}


def text_relations(
    incidents: Sequence[Incident], threshold: float, terms: Mapping[str, Sequence[str]] | None = None
) -> list[Relation]:
    """Pairs whose Root Cause Analysis prose is similar: a repeat ("text") on a shared service, else "similar"."""
    by_stem = {i.stem: i for i in incidents}
    texts = {i.stem: i.rca_text for i in incidents}
    categories = {i.stem: i.root_causes for i in incidents}
    out = []
    for x, y, score, shared in similar_texts(texts, threshold, terms, categories):
        first, second = _order(by_stem[x], by_stem[y])
        labels = [s for s in shared if s in CLASSES]
        what = describe(labels, [s for s in shared if s not in CLASSES][:4])
        out.append(prose_relation(first.stem, second.stem, first.services, second.services, what, score))
    return out


def prose_relation(
    first: str, second: str, first_services: Sequence[str], second_services: Sequence[str], what: str, score: float
) -> Relation:
    """Similar prose is a repeat ("text") on a shared service, else a "similar" incident elsewhere."""
    shared = sorted(set(first_services) & set(second_services))
    if shared:
        return Relation(first, second, "text", f"{what} on {', '.join(shared)}", score)
    return Relation(first, second, "similar", f"{what} on other services", score)


def describe(labels: Sequence[str], words: Sequence[str]) -> str:
    """Why two texts are similar: the failure classes they share, else their weightiest shared words."""
    if labels:
        return f"same failure class: {', '.join(labels)}" + (f"; shared words {', '.join(words)}" if words else "")
    return f"similar root-cause text ({', '.join(words)})"


def tf_idf(counts: Mapping[str, int], idf: Mapping[str, float]) -> dict[str, float]:
    """A document's TF-IDF vector of unit length, in its terms' order: each count times its term's
    idf, divided by the root of the sum of their squares. C-level maps do the arithmetic of the
    10,000 documents of a check (a test compares them bit for bit with the plain loops)."""
    weights = list(map(operator.mul, counts.values(), map(idf.__getitem__, counts)))
    norm = math.sqrt(sum(map(operator.mul, weights, weights))) or 1.0
    return dict(zip(counts, map(operator.truediv, weights, repeat(norm)), strict=True))


def _cosine(a: dict[str, float], b: dict[str, float]) -> tuple[float, list[str]]:
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    products = {t: v * large[t] for t, v in small.items() if t in large}
    shared = sorted(products, key=products.__getitem__, reverse=True)
    return sum(products.values()), shared


def find_relations(
    incidents: Sequence[Incident],
    window_days: int,
    threshold: float,
    terms: Mapping[str, Sequence[str]] | None = None,
) -> list[Relation]:
    """Every relation; `terms` adds rows to the normalisation table (the plugin's `terms` option)."""
    return [
        *manual_relations(incidents),
        *cause_relations(incidents, window_days),
        *text_relations(incidents, threshold, terms),
    ]


def recurred_after_fix(earlier: Incident, later: Incident, closed: CloseDate | None = None) -> bool:
    """The earlier incident's action items were all Done, and closed, before the later one started.

    The close date is the commit that marked the item Done when the repository's history has
    it (`closed`); otherwise the due date, the latest day the fix was planned to land.
    """
    items = earlier.action_items
    start = later.timeline["started"].date()

    def fixed_by(item: ActionItemRecord) -> dt.date | None:
        return (closed(earlier, item) if closed is not None else None) or item.due

    return bool(items) and all(i.status == "Done" and (d := fixed_by(i)) is not None and d <= start for i in items)


def repeat_groups(
    incidents: Sequence[Incident], relations: Iterable[Relation], closed: CloseDate | None = None
) -> list[RepeatGroup]:
    """Incidents joined by repeat relations (manual links and similar incidents are not repeats).
    `closed` gives real close dates for "recurred after a fix" when history has them."""
    by_stem = {i.stem: i for i in incidents}
    parent = {stem: stem for stem in by_stem}

    def root(stem: str) -> str:
        while parent[stem] != stem:
            parent[stem] = parent[parent[stem]]
            stem = parent[stem]
        return stem

    reasons: dict[tuple[str, str], list[str]] = defaultdict(list)
    for rel in relations:
        if not is_repeat(rel) or rel.a not in by_stem or rel.b not in by_stem:
            continue
        parent[root(rel.a)] = root(rel.b)
        reasons[(rel.a, rel.b)].append(rel.reason)
    members: dict[str, list[Incident]] = defaultdict(list)
    for stem, incident in by_stem.items():
        members[root(stem)].append(incident)
    groups = []
    for group in members.values():
        if len(group) < 2:
            continue
        group.sort(key=lambda i: (i.timeline["started"], i.stem))
        stems = {i.stem for i in group}
        why = sorted({r for (a, b), rs in reasons.items() if a in stems for r in rs})
        after = {
            (earlier.stem, later.stem)
            for index, later in enumerate(group)
            for earlier in group[:index]
            if (earlier.stem, later.stem) in reasons and recurred_after_fix(earlier, later, closed)
        }
        groups.append(RepeatGroup(group, why, after))
    groups.sort(key=lambda g: (-len(g.incidents), g.incidents[-1].date), reverse=False)
    return groups


def repeat_stems(groups: Iterable[RepeatGroup]) -> set[str]:
    """Incidents that repeat an earlier one: every member of a repeat group but its first."""
    return {i.stem for g in groups for i in g.incidents[1:]}


def relations_for(incidents: Sequence[Incident], settings: Settings) -> list[Relation]:
    """Every relation under the knowledge base's settings (window, threshold, added terms)."""
    return find_relations(incidents, settings.repeat_window_days, settings.similarity_threshold, settings.terms)
