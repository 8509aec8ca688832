"""The action-wording rule on real action items, as a fresh worker process meets them.

The generated postmortems of the other benchmarks open their action items with a handful of
verbs, so every word the rule looks up in the lexicon is looked up once and remembered. Real
knowledge bases open them with hundreds of different words. This script judges the labelled real
items of `tests/evaluation/action_items.*.yaml` (197 items from public postmortems) in this new
process, twice: the first pass pays for every distinct word, the second finds them remembered.

    python benchmarks/bench_action_items.py
"""

from __future__ import annotations

import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    from postmortem_kb.rules import action_wording, lexicon

    texts = []
    for part in ("dev", "test"):
        data = yaml.safe_load((ROOT / "tests" / "evaluation" / f"action_items.{part}.yaml").read_text(encoding="utf-8"))
        texts += [item["text"] for item in data["items"]]
    started = time.perf_counter()
    lexicon.parts_of_speech("add")  # loads the lexicon, as any first lookup does
    load = time.perf_counter() - started
    for name in ("first pass", "second pass"):
        started = time.perf_counter()
        for text in texts:
            action_wording.judge(text)
        seconds = time.perf_counter() - started
        print(f"{name:12} {seconds / len(texts) * 1e6:6.0f} us an item ({len(texts)} items)")
    distinct = action_wording._lemmas.cache_info().currsize
    print(f"lexicon load {load * 1000:.0f} ms; distinct words looked up: {distinct}")


if __name__ == "__main__":
    main()
