"""Time failure-class reading per text against an earlier revision of the class table, side by side.

`failure_classes.classify` of the working tree and of a git revision (its `failure_classes.py` and
`terms.py`, loaded as a separate package) read the same texts in alternation, caches cleared before
every run, so a change to the table or the matching shows what it costs per text:

- generated: the Root Cause Analysis texts of N synthetic postmortems (benchmarks/generate.py), as
  `bench_classes.py` uses; every word of them is a cue word and the vocabulary is small.
- real prose: the root-cause texts of the reference knowledge base, the real-kb fixture and the
  labelled incident pairs (development parts), each read 10 times with cold caches.

    python benchmarks/bench_classify.py --against 7722840 --count 4000 --rounds 4
"""

from __future__ import annotations

import argparse
import importlib
import random
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType

import yaml

HERE = Path(__file__).parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "plugins"))

import generate  # noqa: E402
from postmortem_kb import failure_classes  # noqa: E402

_RCA = re.compile(r"## Root Cause Analysis\n(.*?)\n## ", re.S)


def earlier(revision: str, into: Path) -> ModuleType:
    """The revision's failure_classes module, as package `pmkb_earlier`."""
    package = into / "pmkb_earlier"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name in ("failure_classes.py", "terms.py"):
        source = subprocess.run(
            ["git", "show", f"{revision}:plugins/postmortem_kb/{name}"], cwd=ROOT, check=True, capture_output=True
        ).stdout
        (package / name).write_bytes(source)
    sys.path.insert(0, str(into))
    return importlib.import_module("pmkb_earlier.failure_classes")


def generated(count: int) -> list[tuple[str, tuple[str, ...]]]:
    rng = random.Random(7)
    out: list[tuple[str, tuple[str, ...]]] = []
    for plan in generate.plan(count, rng):
        _name, text = generate.postmortem(plan, rng)
        found = _RCA.search(text)
        out.append((found.group(1) if found else "", (plan.cause,)))
    return out


def real_prose() -> list[tuple[str, tuple[str, ...]]]:
    out: list[tuple[str, tuple[str, ...]]] = []
    for path in [
        *sorted((ROOT / "postmortems").glob("2*.md")),
        *sorted((ROOT / "tests/fixtures/real-kb/docs").glob("2*.md")),
    ]:
        found = _RCA.search(path.read_text(encoding="utf-8"))
        if found:
            out.append((found.group(1), ()))
    for name in ("pairs.dev.yaml", "pairs.handwritten.yaml"):
        data = yaml.safe_load((ROOT / "tests/evaluation" / name).read_text(encoding="utf-8"))
        texts = {str(side["root_cause"]) for raw in data["pairs"] for side in (raw["a"], raw["b"])}
        out += [(text, ()) for text in sorted(texts)]
    return out


def timed(module: ModuleType, texts: Sequence[tuple[str, tuple[str, ...]]], repeat: int) -> float:
    classify: Callable[..., frozenset[str]] = module.classify
    module._compiled()  # compiled once per process in real use
    start = time.perf_counter()
    for _ in range(repeat):
        for cache in (module._cues_at, module._word_cues, module._labels):
            cache.cache_clear()
        getattr(module, "_PLAIN", set()).clear()  # words known to start no cue (since 2026-11-27)
        for text, categories in texts:
            classify(text, categories)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--against", required=True, help="git revision whose class table to compare with")
    parser.add_argument("--count", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        old = earlier(args.against, Path(tmp))
        for label, texts, repeat in (("generated", generated(args.count), 1), ("real prose", real_prose(), 10)):
            times: dict[str, list[float]] = {"earlier": [], "now": []}
            for _ in range(args.rounds):
                times["earlier"].append(timed(old, texts, repeat))
                times["now"].append(timed(failure_classes, texts, repeat))
            shown = ", ".join(f"{k} {min(v):.3f} s (of {' '.join(f'{t:.2f}' for t in v)})" for k, v in times.items())
            ratio = min(times["now"]) / min(times["earlier"])
            print(f"{label}: {len(texts)} texts x {repeat}: {shown}; now/earlier {ratio:.2f}")


if __name__ == "__main__":
    main()
