"""Time `pmkb check` on N synthetic postmortems against a bare read-and-parse-YAML loop.

Both run as separate processes on the same files in one run, alternating, best of
--repeat. Target (README): check <= 2.0x the bare loop at 10,000 postmortems.

    python benchmarks/bench_check.py --count 10000
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    # cwd has no mkdocs.yml above it: pmkb compares the corpus with itself, not with a knowledge base nearby
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=cwd)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {done.returncode}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    args = parser.parse_args()

    corpus = args.out / f"kb-{args.count}"
    if corpus.exists():
        shutil.rmtree(corpus)
    generate(args.count, corpus)
    pmkb = str(Path(sys.executable).with_name("pmkb"))
    commands = {
        "bare read + YAML loop": [sys.executable, str(HERE / "baseline_read_yaml.py"), str(corpus)],
        "pmkb check --strict": [pmkb, "check", "--strict", str(corpus)],
    }
    best = {name: float("inf") for name in commands}
    # pmkb finds mkdocs.yml in the current folder or a parent: run from outside this repository
    outside = Path(tempfile.mkdtemp(prefix="pmkb-bench-"))
    for _ in range(args.repeat):
        for name, cmd in commands.items():
            best[name] = min(best[name], timed(cmd, outside))
    ratio = best["pmkb check --strict"] / best["bare read + YAML loop"]
    result = {"count": args.count, "seconds": best, "ratio": round(ratio, 2), "target": 2.0}
    (args.out / f"check-{args.count}.json").write_text(json.dumps(result, indent=2))
    for name, seconds in best.items():
        print(f"{name:24} {seconds:7.2f} s  ({seconds / args.count * 1000:.2f} ms/file)")
    print(f"ratio {ratio:.2f}x (target <= 2.0x)")


if __name__ == "__main__":
    main()
