"""Time the similar-incident comparison with and without failure classes, side by side in one process.

The Root Cause Analysis texts of N synthetic postmortems (benchmarks/generate.py) go through
`relations.similar_texts` twice per round: once with `classify` replaced by "no class", once as
shipped. Memoised term counts and the cue cache are cleared before every run.

    python benchmarks/bench_classes.py --count 10000 --rounds 2
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "plugins"))

import generate  # noqa: E402
from postmortem_kb import failure_classes, relations  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    rng = random.Random(7)
    texts: dict[str, str] = {}
    categories: dict[str, list[str]] = {}
    for plan in generate.plan(args.count, rng):
        _name, text = generate.postmortem(plan, rng)
        found = re.search(r"## Root Cause Analysis\n(.*?)\n## ", text, re.S)
        texts[plan.stem] = found.group(1) if found else ""
        categories[plan.stem] = [plan.cause]
    shipped = failure_classes.classify

    def no_class(*_args: object, **_kwargs: object) -> frozenset[str]:
        return frozenset()

    def run(label: str) -> None:
        relations._TERM_COUNTS.clear()
        failure_classes._cues_at.cache_clear()
        failure_classes._word_cues.cache_clear()
        failure_classes._labels.cache_clear()
        failure_classes._PLAIN.clear()
        start = time.perf_counter()
        pairs = list(relations.similar_texts(texts, 0.18, None, categories))
        elapsed = time.perf_counter() - start
        print(f"{label}: {elapsed:.2f} s, {len(pairs)} pairs")

    for _ in range(args.rounds):
        setattr(relations, "classify", no_class)  # noqa: B010 - the name relations.py looks up
        run("without failure classes")
        setattr(relations, "classify", shipped)  # noqa: B010
        run("with failure classes")
    print(f"mean Root Cause Analysis length: {sum(map(len, texts.values())) / len(texts):.0f} characters")


if __name__ == "__main__":
    main()
