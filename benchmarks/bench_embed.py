"""What a sentence-embedding model would add to `pmkb check`, per file and once per command.

Round 4 of issue 10 evaluated WordLlama (`tests/evaluation/probe_embeddings.py`) as a second signal for
similar incidents; it is not a dependency, so this script needs it installed by hand
(`.venv/bin/pip install 'wordllama>=0.4,<0.5'`). In one process, alternating over the same generated
files (CPU time, best of --repeat):

- the bare loop: read the file and YAML-parse its front matter (as `bench_judge.py`);
- the worker's unit of a cold check (`stored_entries._judge`: read, judge, cache JSON, term counts,
  failure classes);
- embedding each file's Root Cause Analysis text (its content words, as the probe does), what a worker
  would add beside the term counts.

Then, in fresh processes (best of --repeat): the one-off cost of importing and loading the model from
its wheel, which every cold check and every warm one-file check would pay, against the bare loop over
10,000 files as measured here (ms a file x 10,000).

    python benchmarks/bench_embed.py --count 2000
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from bench_judge import bare, best_cpu  # noqa: E402
from generate import generate  # noqa: E402

LOAD = """
import time
start = time.process_time()
import importlib, pathlib
module = importlib.import_module("wordllama")
model = module.WordLlama.load(cache_dir=pathlib.Path(module.__file__).parent, disable_download=True)
model.embed(["warm"])
print(time.process_time() - start)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    args = parser.parse_args()
    from postmortem_kb import corpus, relations, stored_entries
    from postmortem_kb.settings import Settings

    sys.path.insert(0, str(HERE.parent))
    from tests.evaluation.probe_embeddings import content, load_model

    folder = args.out / f"embed-{args.count}"
    if folder.exists():
        shutil.rmtree(folder)
    files = [str(p) for p in generate(args.count, folder)]
    settings = Settings()
    texts = [
        entry.incident.rca_text
        for name in files
        if (entry := corpus.load_entry(name, name, Path(name).read_bytes(), settings)).incident
    ]
    model = load_model()

    def worker() -> None:
        for memo in ("_TERM_COUNTS", "_CLASSES"):
            getattr(relations, memo, {}).clear()
        for name in files:
            stored_entries._judge(((name, name, Path(name)), None), settings)

    def embed() -> None:
        for text in texts:  # one at a time, as a worker meets them
            model.embed([content(text)], norm=True)

    steps: dict[str, Callable[[], None]] = {
        "bare read + YAML loop": lambda: bare(files),
        "worker unit (_judge)": worker,
        "embed the RCA text": embed,
    }
    best = best_cpu(steps, args.repeat)
    loads = [
        float(subprocess.run([sys.executable, "-c", LOAD], capture_output=True, text=True, check=True).stdout)
        for _ in range(args.repeat)
    ]
    per_file = {name: round(seconds / len(files) * 1000, 4) for name, seconds in best.items()}
    bare_10000 = per_file["bare read + YAML loop"] * 10
    ratio = {name: round(ms / per_file["bare read + YAML loop"], 3) for name, ms in per_file.items()}
    load = os.getloadavg()[0]
    result = {
        "count": len(files),
        "ms_per_file": per_file,
        "ratio": ratio,
        "model_load_cpu_s": round(min(loads), 3),
        "model_load_vs_bare_10000": round(min(loads) / bare_10000, 3),
        "load_average_at_end": load,
    }
    (args.out / f"embed-{args.count}.json").write_text(json.dumps(result, indent=2))
    for name in steps:
        print(f"{name:24} {per_file[name]:7.3f} ms a file  {ratio[name]:.2f}x bare")
    print(
        f"model import + load: {min(loads):.3f} s CPU = {min(loads) / bare_10000:.3f}x "
        f"the bare loop over 10,000 files ({bare_10000:.2f} s)"
    )
    print(f"1-minute load average at the end: {load:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
