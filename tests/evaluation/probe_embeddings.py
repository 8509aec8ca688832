"""Would a sentence-embedding model find same-class incident pairs that the failure-class table misses?

    .venv/bin/pip install 'wordllama>=0.4,<0.5'          # not a dependency of the project
    .venv/bin/python -m tests.evaluation.probe_embeddings

Round 4 tried WordLlama (MIT, its 256-dimension `l2_supercat` token embeddings and tokenizer ship inside the
wheel) as a second signal next to `relations.similar_texts`, on development data only: pairs.dev.yaml and the
hand-written batches (batch-6 written before any of this was run). Each root-cause text is embedded as the
mean of the token vectors of its content words (the words `relations.tokens` keeps, before stemming), unit
length. Variants, each added to the current links ("or"), keeping the failure-class veto (two texts that each
name classes but none in common are never linked by the embedding):

- `emb>=t`: embedding cosine of the two texts at least t;
- `centred>=t`: the same after taking the corpus mean vector off each (what every postmortem says alike);
- `mutual top-k`: the two are within each other's k nearest neighbours (centred) and their cosine >= 0.2;
- `sentence>=t`: the best cosine between a sentence of one and a sentence of the other.

It also prints, for each set, how well the cosine alone ranks same-class pairs above different ones (the
probability that a random same-class pair scores higher than a random different pair: 0.5 is chance).
The model loads from the installed wheel with downloads disabled (no network is touched).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from postmortem_kb.relations import STOPWORDS, failure_classes_of, similar_texts
from postmortem_kb.settings import Settings
from postmortem_kb.terms import normalise

from . import measure_pairs

_WORD = re.compile(r"[a-z][a-z0-9]+(?:-[a-z0-9]+)*")
_SENTENCE = re.compile(r"(?<=[.;!?])\s+")


def load_model() -> Any:
    """WordLlama from the files inside its wheel. `WordLlama.load` looks for the bundled tokenizer under
    `tokenizer/` while the wheel has it under `tokenizers/`, so the package folder is passed as the cache
    folder, where both are found; `disable_download` makes a missing file an error, never a download."""
    try:
        module = importlib.import_module("wordllama")
    except ImportError:
        raise SystemExit("wordllama is not installed (not a dependency): pip install 'wordllama>=0.4,<0.5'") from None
    return module.WordLlama.load(cache_dir=Path(str(module.__file__)).parent, disable_download=True)


def content(text: str) -> str:
    return " ".join(w for w in _WORD.findall(normalise(text)) if w not in STOPWORDS)


def _sentences(text: str) -> list[str]:
    return [content(s) for s in _SENTENCE.split(text) if content(s)] or [content(text)]


@dataclass
class Corpus:
    group: str
    keys: list[str]
    current: dict[frozenset[str], float]  # links the shipped method makes
    whole: npt.NDArray[np.float32]  # one unit vector per key
    centred: npt.NDArray[np.float32]
    sentences: dict[str, npt.NDArray[np.float32]]
    classes: dict[str, frozenset[str]]
    pairs: list[measure_pairs.Pair]


def _unit(matrix: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.asarray(matrix / np.where(norms == 0, 1, norms), dtype=np.float32)


def corpora(model: Any, part: str) -> Iterator[Corpus]:
    texts, pairs = measure_pairs.load(part)
    cats = measure_pairs.categories(part)
    threshold = Settings().similarity_threshold
    for corpus in measure_pairs.corpora(texts, pairs):
        keys = sorted(corpus)
        members = [p for p in pairs if p.a in corpus]
        current = {frozenset((x, y)): s for x, y, s, _ in similar_texts(corpus, threshold, None, cats)}
        whole = _unit(model.embed([content(corpus[k]) for k in keys]))
        centred = _unit(whole - whole.mean(axis=0))
        sentences = {k: _unit(model.embed(_sentences(corpus[k]))) for k in keys}
        classes = {k: failure_classes_of(corpus[k], tuple(cats.get(k, ()))) for k in keys}
        yield Corpus(members[0].group, keys, current, whole, centred, sentences, classes, members)


Rule = Callable[[Corpus, int, int], bool]


def _rank(matrix: npt.NDArray[np.float32], i: int, j: int) -> int:
    """How many other texts are nearer to i or to j than they are to each other."""
    return max(int((matrix[i] > matrix[i, j]).sum()) - 1, int((matrix[j] > matrix[i, j]).sum()) - 1)


def _vetoed(c: Corpus, i: int, j: int) -> bool:
    x, y = c.classes[c.keys[i]], c.classes[c.keys[j]]
    return bool(x and y and not x & y)


def _current(c: Corpus, i: int, j: int) -> bool:
    return frozenset((c.keys[i], c.keys[j])) in c.current


def _added(extra: Callable[[Corpus, int, int], float], at_least: float) -> Rule:
    """The current links, and pairs whose `extra` score reaches `at_least` unless their classes differ."""

    def rule(c: Corpus, i: int, j: int) -> bool:
        return _current(c, i, j) or (not _vetoed(c, i, j) and extra(c, i, j) >= at_least)

    return rule


def _whole(c: Corpus, i: int, j: int) -> float:
    return float(c.whole[i] @ c.whole[j])


def _centred(c: Corpus, i: int, j: int) -> float:
    return float(c.centred[i] @ c.centred[j])


def _sentence(c: Corpus, i: int, j: int) -> float:
    return float((c.sentences[c.keys[i]] @ c.sentences[c.keys[j]].T).max())


def _mutual(k: int) -> Callable[[Corpus, int, int], float]:
    def score(c: Corpus, i: int, j: int) -> float:
        return _centred(c, i, j) if _rank(c.centred @ c.centred.T, i, j) < k else -1.0

    return score


def rules() -> dict[str, Rule]:
    out: dict[str, Rule] = {"current method": _current}
    out.update({f"or emb>={t}": _added(_whole, t) for t in (0.4, 0.5, 0.6)})
    out.update({f"or centred>={t}": _added(_centred, t) for t in (0.3, 0.4, 0.5)})
    out.update({f"or mutual top-{k}": _added(_mutual(k), 0.2) for k in (1, 2)})
    out.update({f"or sentence>={t}": _added(_sentence, t) for t in (0.5, 0.6, 0.7)})
    return out


def _figures(sets: list[Corpus], rule: Rule) -> str:
    tp = fp = fn = 0
    for c in sets:
        index = {k: n for n, k in enumerate(c.keys)}
        for p in c.pairs:
            same, linked = p.label == "same-class", rule(c, index[p.a], index[p.b])
            tp, fp, fn = tp + (same and linked), fp + (not same and linked), fn + (same and not linked)
    precision = tp / (tp + fp) if tp + fp else 1.0
    return f"P {precision:.2f} R {tp / (tp + fn):.2f} ({tp} tp, {fp} fp)"


def _ranking(sets: list[Corpus]) -> str:
    same: list[float] = []
    different: list[float] = []
    for c in sets:
        index = {k: n for n, k in enumerate(c.keys)}
        for p in c.pairs:
            cosine = float(c.whole[index[p.a]] @ c.whole[index[p.b]])
            (same if p.label == "same-class" else different).append(cosine)
    wins = sum((s > d) + 0.5 * (s == d) for s in same for d in different)
    return f"{wins / (len(same) * len(different)):.2f}"


def main() -> None:
    model = load_model()
    dev = list(corpora(model, "dev"))
    hand = list(corpora(model, "handwritten"))
    sets = {
        "dev": dev,
        "hand-written 1-5": [c for c in hand if c.group != "batch-6"],
        "batch-6": [c for c in hand if c.group == "batch-6"],
    }
    print("cosine ranks same-class above different: " + ", ".join(f"{n} {_ranking(s)}" for n, s in sets.items()))
    for name, rule in rules().items():
        print(f"{name:18} " + " | ".join(f"{n}: {_figures(s, rule)}" for n, s in sets.items()))


if __name__ == "__main__":
    main()
