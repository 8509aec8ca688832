"""Measure similar-incident links on the labelled incident pairs.

    .venv/bin/python -m tests.evaluation.measure_pairs          # dev and test
    .venv/bin/python -m tests.evaluation.measure_pairs dev -v   # one part, with every pair's score

All incidents of a part form one corpus (as a knowledge base would); `relations.similar_texts`, the
function the site and `pmkb check` use, links pairs whose normalised root-cause text reaches the
default `similarity_threshold` or that share a failure class (read from the text and the root-cause
category). A pair is predicted `same-class` when its two incidents are linked.
Tune on pairs.dev.yaml and pairs.handwritten.yaml (hand-written cases, development data) only; the test part
is held back.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from postmortem_kb.relations import similar_texts
from postmortem_kb.settings import Settings

from .scoring import Confusion, command_line, read_part

PARTS = ("dev", "handwritten", "test", "test4")


@dataclass(frozen=True)
class Pair:
    a: str  # keys into the part's texts
    b: str
    label: str  # same-class | different
    note: str
    group: str = ""  # pairs of one group form one corpus (hand-written batches); "" = the whole part


def load(part: str) -> tuple[dict[str, str], list[Pair]]:
    data = read_part("pairs", part)
    texts: dict[str, str] = {}
    pairs = []
    for raw in data["pairs"]:
        keys = []
        for side in (raw["a"], raw["b"]):
            key = _key(side)
            texts[key] = str(side["root_cause"])
            keys.append(key)
        pairs.append(Pair(keys[0], keys[1], str(raw["label"]), str(raw.get("note", "")), str(raw.get("group", ""))))
    return texts, pairs


def categories(part: str) -> dict[str, list[str]]:
    """Each incident's root-cause category, keyed as in `load`: the site passes them to `similar_texts` too."""
    data = read_part("pairs", part)
    return {_key(side): [str(side["root_cause_category"])] for raw in data["pairs"] for side in (raw["a"], raw["b"])}


def _key(side: dict[str, object]) -> str:
    """An incident's key: its source and a digest of its text. Eight hex digits: with four, two hand-written
    texts of different batches once had the same key, and one silently stood in for the other."""
    return f"{side['source']}:{hashlib.sha256(str(side['root_cause']).encode()).hexdigest()[:8]}"


def linked(texts: dict[str, str], threshold: float, cats: dict[str, list[str]]) -> dict[frozenset[str], float]:
    return {frozenset((x, y)): score for x, y, score, _shared in similar_texts(texts, threshold, None, cats)}


def corpora(texts: dict[str, str], pairs: list[Pair]) -> list[dict[str, str]]:
    """The corpora a part is measured as: one per group of pairs (the whole part when there are no groups)."""
    groups: dict[str, set[str]] = {}
    for pair in pairs:
        groups.setdefault(pair.group, set()).update((pair.a, pair.b))
    if set(groups) == {""}:
        return [texts]
    return [{key: texts[key] for key in sorted(keys)} for keys in groups.values()]


def group_links(part: str, threshold: float) -> tuple[list[Pair], dict[frozenset[str], tuple[float, list[str]]]]:
    """Every link (score and what is shared) within each corpus of the part."""
    texts, pairs = load(part)
    cats = categories(part)
    links: dict[frozenset[str], tuple[float, list[str]]] = {}
    for corpus in corpora(texts, pairs):
        for x, y, found, shared in similar_texts(corpus, threshold, None, cats):
            links[frozenset((x, y))] = (found, shared)
    return pairs, links


def score(part: str, threshold: float | None = None) -> tuple[Confusion, list[tuple[Pair, float | None]]]:
    pairs, found = group_links(part, Settings().similarity_threshold if threshold is None else threshold)
    links = {key: value[0] for key, value in found.items()}
    rows = [(p, links.get(frozenset((p.a, p.b)))) for p in pairs]
    tp = sum(1 for p, s in rows if s is not None and p.label == "same-class")
    fp = sum(1 for p, s in rows if s is not None and p.label != "same-class")
    fn = sum(1 for p, s in rows if s is None and p.label == "same-class")
    return Confusion(tp, fp, fn, len(rows) - tp - fp - fn), rows


def report(part: str, verbose: bool) -> Confusion:
    result, rows = score(part)
    print(
        f"{part}: {len(rows)} pairs: precision {result.precision:.2f}, recall {result.recall:.2f} "
        f"(tp {result.true_pos}, fp {result.false_pos}, fn {result.false_neg}, tn {result.true_neg})"
    )
    if verbose:
        every = group_links(part, 0.0)[1]
        for pair, link in rows:
            raw, shared = every.get(frozenset((pair.a, pair.b)), (None, []))
            shown = f"{raw:.3f}" if raw is not None else "not a candidate"
            if raw is not None and shared and shared[0][:1].isupper() | (" " in shared[0]):
                shown += f" [{shared[0]}]"
            mark = "linked" if link is not None else "      "
            group = f"[{pair.group}] " if pair.group else ""
            print(f"  {pair.label:10} {mark} {shown:>15}  {pair.a} ~ {pair.b}: {group}{pair.note[:70]}")
    return result


def main(argv: list[str] | None = None) -> None:
    command_line(__doc__, PARTS, report, "every pair with its cosine", argv)


if __name__ == "__main__":
    main()
