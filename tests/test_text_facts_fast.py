"""The text facts of relations (term counts, failure classes) are those of the plain code they replaced.

Term normalisation matches its variants through one trie-shaped pattern instead of a longest-first
list of alternatives, and failure-class cues read each distinct word of a sentence once, setting
plain words aside in bulk and finding the places of words that read past themselves with
`str.find`, instead of visiting every word in turn. The plain code is kept here as the reference
and patched back in; root-cause texts of the reference knowledge base, the real-incident fixture,
the evaluation pairs and generated postmortems, and texts salted with variants, odd characters
and words at the very end, are read both ways, cold and warm.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import cast

import pytest
import yaml
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from postmortem_kb import failure_classes, relations, terms
from postmortem_kb.evaluate import evaluate_bytes
from postmortem_kb.records import Incident, incident_from
from postmortem_kb.relations import TextFacts, text_facts
from postmortem_kb.settings import Settings

from .conftest import TESTS
from .test_fast_paths import _ODD, _generated

ROOT = TESTS.parent
EXTRA: dict[str, list[str]] = {"kubernetes": ["kube cluster", "k8s"], "latency": ["slow", "slowness", "p99"]}


def _reference_normalised(text: str, extra: tuple[tuple[str, tuple[str, ...]], ...]) -> str:
    """Before the trie: every variant an alternative, longest first, and its key made for each match."""
    table = {**terms.TERMS, **{canonical.lower(): tuple(variants) for canonical, variants in extra}}
    table = {canonical: variants for canonical, variants in table.items() if variants}
    lookup = {terms._key(v): canonical for canonical, variants in table.items() for v in variants}
    alternatives = sorted(lookup, key=len, reverse=True)
    body = "|".join(re.escape(v).replace(r"\ ", r"[\s-]+") for v in alternatives)
    pattern = re.compile(rf"(?<![\w.-])(?P<term>{body})(?:e?s)?(?![\w-])")
    return pattern.sub(lambda m: lookup[terms._key(m.group("term"))], text.lower())


def _reference_cues(text: str) -> frozenset[str]:
    """Before reading distinct words: every word in turn, with the text after it when it may read on."""
    found: set[str] = set()
    for word in re.finditer(r"[a-z0-9]+", text):
        cues, longer = failure_classes._word_cues(text[word.start() : word.end() + 1])
        found.update(cues)
        if longer:
            found.update(failure_classes._cues_at(text[word.start() : word.start() + failure_classes._REACH]))
    return frozenset(found)


def _records(tmp_path: Path) -> list[tuple[str, Sequence[str]]]:
    """(root-cause text, root-cause categories) of every source, and salted variants of them."""
    settings = Settings()
    found: list[tuple[str, Sequence[str]]] = []
    paths = [*sorted((ROOT / "postmortems").rglob("*.md")), *sorted((TESTS / "fixtures" / "real-kb").rglob("*.md"))]
    paths += _generated(tmp_path / "docs", 30)
    for path in paths:
        judged = evaluate_bytes(str(path), path.read_bytes(), settings)
        if judged.doc is not None and judged.model is not None:
            record = incident_from(judged.doc, judged.model, "x.md")
            found.append((record.rca_text, tuple(record.root_causes)))
    for part in ("dev", "test", "handwritten", "test4"):
        data = yaml.safe_load((TESTS / "evaluation" / f"pairs.{part}.yaml").read_text(encoding="utf-8"))
        for pair in data["pairs"]:
            for side in (pair["a"], pair["b"]):
                found.append((side["root_cause"], (side["root_cause_category"],)))
    assert len(found) > 200
    salted: list[tuple[str, Sequence[str]]] = []
    for index, (text, categories) in enumerate(found[:120]):
        odd = _ODD[index % len(_ODD)]
        salted.append((text.replace(" ", odd, 3), categories))
        salted.append((text.upper().replace(". ", ".\n\n"), categories))
    for word in ("at", "all", "as", "did", "data", "loss", "time", "rate", "i", "100", "2"):
        for end in ("", ".", " ", "_", "\u00e9", "-"):
            salted.append((f"the cat sat at the {word}{end}", ()))
            salted.append((f"{word}{end}", ()))
    salted += [
        ("Out-of-memory, out  of memory, OOM-killed pods; the TLS  certificates and TLS-certificate lapsed.", ()),
        ("Crash-loops and crashloopbackoffs; regexes, regexps, a regular-expression; x.509 and x509 certs.", ()),
        ("k8s kube cluster kubernetes; db dbs rdbms; rm -rf; the settings file; certs. cert- tls_ ssl.x", ()),
        ("all of the data was lost at once; rate-limit hit; timed out; i/o error; 100% cpu; 2^31 overflow", ()),
        ("Rate limits hit all regions at once", ("capacity", "third-party")),
        # no sentence names a cue: the classes come from the categories alone
        ("It happened again. Why? 1. 2.", ("certificate-expiry",)),
        ("Nothing more is known.", ("ddos", "dns")),
    ]
    return found + salted


def _reference_count_terms(text: str, extra: Mapping[str, Sequence[str]] | None) -> relations.TermCounts:
    """Before counting distinct words: every word stemmed and counted as it comes."""
    surface: dict[str, str] = {}
    return Counter(relations.tokens(text, surface, extra)), surface


def _reference_classify(
    text: str, categories: Sequence[str] = (), extra: Mapping[str, Sequence[str]] | None = None
) -> frozenset[str]:
    """Before sentences without cues were passed over: every sentence read alone and with the one before."""
    if not text:
        return frozenset()
    context = failure_classes._context(" ".join(categories), extra)
    found: set[str] = set()
    previous: frozenset[str] = frozenset()
    for sentence in failure_classes._sentences(terms.normalise(text, extra)):
        cues = failure_classes._cues(sentence)
        found.update(failure_classes._labels(context | cues))
        specific = cues - failure_classes._SENTENCE_ONLY_GROUPS
        if previous:
            found.update(failure_classes._labels(context | previous | specific))
        previous = specific
    return frozenset(found)


def _facts(
    records: list[tuple[str, Sequence[str]]], extra: Mapping[str, Sequence[str]] | None
) -> list[tuple[object, object, frozenset[str] | None]]:
    made: list[tuple[object, object, frozenset[str] | None]] = []
    for text, categories in records:
        facts: TextFacts = text_facts(cast(Incident, _Incident(text, list(categories))), extra)
        (counts, surface), classes = facts
        made.append((list(counts.items()), list(surface.items()), classes))
    return made


class _Incident:
    """What `text_facts` reads of an incident."""

    def __init__(self, rca_text: str, root_causes: list[str]) -> None:
        self.rca_text = rca_text
        self.root_causes = root_causes


@pytest.mark.parametrize("extra", [None, EXTRA], ids=["default terms", "extra terms"])
def test_text_facts_equal_those_of_the_reference_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: dict[str, list[str]] | None
) -> None:
    records = _records(tmp_path)
    terms._normalised.cache_clear()
    failure_classes._PLAIN.clear()
    cold = _facts(records, extra)
    warm = _facts(records, extra)  # plain words known, normalised texts cached
    with monkeypatch.context() as patch:
        patch.setattr(terms, "_normalised", _reference_normalised)
        patch.setattr(failure_classes, "_cues", _reference_cues)
        patch.setattr(relations, "_count_terms", _reference_count_terms)
        patch.setattr(relations, "classify", _reference_classify)
        reference = _facts(records, extra)
    for (text, _categories), one, two, other in zip(records, cold, warm, reference, strict=True):
        assert one == other, text
        assert two == other, text
    # the comparison means something only if the texts are rewritten and name classes
    assert sum(bool(classes) for _counts, _surface, classes in reference) > 100
    key = tuple(sorted((k, tuple(v)) for k, v in (extra or {}).items()))
    rewritten = sum(_reference_normalised(text, key) != text.lower() for text, _categories in records)
    assert rewritten > 100


def test_cues_of_every_sentence_equal_those_of_the_reference_code(tmp_path: Path) -> None:
    sentences = [
        sentence
        for text, _categories in _records(tmp_path)
        for sentence in failure_classes._SENTENCE.split(terms.normalise(text))
    ]
    failure_classes._PLAIN.clear()
    for _ in ("cold", "warm"):
        for sentence in sentences:
            assert failure_classes._cues(sentence) == _reference_cues(sentence), sentence
    assert sum(bool(_reference_cues(s)) for s in sentences) > 500


@hypothesis_settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(".!?;:a \n\t\u00a0\u2028\x1c")), max_size=40))
def test_sentences_split_as_the_sentence_pattern(text: str) -> None:
    assert failure_classes._sentences(text) == failure_classes._SENTENCE.split(text)


def test_sentences_of_every_text_split_as_the_sentence_pattern(tmp_path: Path) -> None:
    texts = [terms.normalise(text) for text, _categories in _records(tmp_path)]
    for text in texts:
        assert failure_classes._sentences(text) == failure_classes._SENTENCE.split(text), text
    assert sum(len(failure_classes._sentences(text)) for text in texts) > 1000


def test_tf_idf_vectors_equal_the_plain_loops_bit_for_bit(tmp_path: Path) -> None:
    """`relations.tf_idf` against the loops it replaced, on every text's term counts."""
    docs = [relations.term_counts(text)[0] for text, _categories in _records(tmp_path)]
    df: Counter[str] = Counter(term for counts in docs for term in counts)
    idf = {term: math.log((1 + len(docs)) / (1 + f)) + 1 for term, f in df.items()}
    for counts in docs:
        vector = {t: c * idf[t] for t, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        reference = {t: v / norm for t, v in vector.items()}
        made = relations.tf_idf(counts, idf)
        assert list(made.items()) == list(reference.items())
    assert sum(map(len, docs)) > 2000
