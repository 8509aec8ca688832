"""Time judging one postmortem in one process against the bare read-and-parse loop, per file.

`bench_check.py` times whole commands; on a shared machine their wall and CPU times move with the
load. This script isolates what a worker process of a cold `pmkb check` spends a file on, in one
process, alternating with the bare loop over the same files (CPU time, best of --repeat):

- the bare loop: read the file and YAML-parse its front matter (as `baseline_read_yaml.py`);
- `corpus.load_entry`: parse, every per-file rule, the incident record;
- the worker's whole unit (`stored_entries._judge`): the file read, `load_entry`, the entry's
  JSON for the cache, its digest, and the term counts and failure classes of its Root Cause
  Analysis (memos emptied before each pass, as for new files); for a package that classified
  in the parent after the workers, that step is timed on its own; else `relations.text_facts` is
  (the term counts and failure classes of each file's text, in the worker's unit already).

`--plugins DIR` measures another checkout's package (e.g. an older commit's `plugins/`, extracted
with `git archive`) on the same files, for a before/after comparison.

    python benchmarks/bench_judge.py --count 2000
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

import yaml

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

try:
    from yaml import CSafeLoader as Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as Loader  # type: ignore[assignment]


def bare(files: list[str]) -> None:
    for name in files:
        with open(name, encoding="utf-8-sig") as handle:
            text = handle.read()
        end = text.find("\n---\n", 4)
        yaml.load(text[4:end], Loader=Loader)


def best_cpu(steps: dict[str, Callable[[], None]], repeat: int) -> dict[str, float]:
    """Each step's least CPU time over `repeat` rounds, the steps alternating, after one warm-up round
    (imports, compiled patterns and lexicons are not a file's cost)."""
    for step in steps.values():
        step()
    best = {name: float("inf") for name in steps}
    for _ in range(repeat):
        for name, step in steps.items():
            start = time.process_time()
            step()
            best[name] = min(best[name], time.process_time() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--plugins", type=Path, help="the plugins/ folder to import postmortem_kb from")
    args = parser.parse_args()
    if args.plugins:
        sys.path.insert(0, str(args.plugins.resolve()))
    from postmortem_kb import corpus, relations, stored_entries
    from postmortem_kb.settings import Settings

    folder = args.out / f"judge-{args.count}"
    if folder.exists():
        shutil.rmtree(folder)
    files = [str(p) for p in generate(args.count, folder)]
    settings = Settings()
    datas = [Path(f).read_bytes() for f in files]

    def load_entry() -> None:
        for name, data in zip(files, datas, strict=True):
            corpus.load_entry(name, name, data, settings)

    def worker() -> None:
        for memo in ("_TERM_COUNTS", "_CLASSES"):
            getattr(relations, memo, {}).clear()
        for name in files:
            stored_entries._judge(((name, name, Path(name)), None), settings)

    steps: dict[str, Callable[[], None]] = {
        "bare read + YAML loop": lambda: bare(files),
        "corpus.load_entry": load_entry,
        "worker unit (_judge)": worker,
    }
    if hasattr(relations, "text_facts"):  # the term counts and failure classes alone, part of the worker's unit
        with_text = [
            e.incident
            for f, d in zip(files, datas, strict=True)
            if (e := corpus.load_entry(f, f, d, settings)).incident is not None
        ]

        def facts() -> None:
            for incident in with_text:
                relations.text_facts(incident, settings.terms)

        steps["text facts (relations)"] = facts
    else:  # an older package: classes made in the parent, serially
        from postmortem_kb.failure_classes import classify

        incidents = [
            e.incident
            for f, d in zip(files, datas, strict=True)
            if (e := corpus.load_entry(f, f, d, settings)).incident
        ]

        def classes() -> None:
            for incident in incidents:
                classify(incident.rca_text, incident.root_causes, settings.terms)

        steps["failure classes (parent)"] = classes
    best = best_cpu(steps, args.repeat)
    per_file = {name: round(seconds / len(files) * 1000, 4) for name, seconds in best.items()}
    ratio = {name: round(seconds / best["bare read + YAML loop"], 3) for name, seconds in best.items()}
    load = os.getloadavg()[0]
    result = {"count": len(files), "ms_per_file": per_file, "ratio": ratio, "load_average_at_end": load}
    (args.out / f"judge-{args.count}.json").write_text(json.dumps(result, indent=2))
    for name in steps:
        print(f"{name:24} {per_file[name]:7.3f} ms a file  {ratio[name]:.2f}x bare")
    print(f"1-minute load average at the end: {load:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
