"""Time `pmkb check` on N synthetic postmortems against a bare read-and-parse-YAML loop.

All run as separate processes on the same knowledge base (N postmortems under `postmortems/`
and a mkdocs.yml with the plugin) in one run, alternating, best of --repeat:

- the bare loop: read every file and YAML-parse its front matter, nothing else;
- `pmkb check --strict --no-cache`: every postmortem judged, no cache read or written;
- cold `pmkb check --strict`: the same with an empty cache folder, which it fills;
- warm `pmkb check --strict FILE`: the author's loop. FILE was just edited (its content differs
  from every earlier run) and the cache holds the rest of the knowledge base from earlier runs;
  FILE is judged and compared with every other postmortem for similar-incident findings;
- with `--compare DIR`, the cold check of another checkout's package (`DIR` = its `plugins/`,
  e.g. extracted with `git archive COMMIT plugins`), for a before/after figure in the same rounds.

Targets (issue 14): warm one-file check <= 0.3x the bare loop; cold check <= 2.0x.

    python benchmarks/bench_check.py --count 10000
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from bytecode import compile_package  # noqa: E402
from generate import generate  # noqa: E402

MKDOCS_YML = "site_name: Benchmark KB\ndocs_dir: postmortems\nplugins:\n  - postmortems\n"


CPU = {"cpu": 0.0}  # CPU seconds (user + system) of the last command and its worker processes


def timed(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=cwd, env=env)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU["cpu"] = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {done.returncode}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument(
        "--compare", type=Path, help="another checkout's plugins/ folder: its cold check is timed in the same rounds"
    )
    args = parser.parse_args()
    compile_package()  # as an installed pmkb has its bytecode (bytecode.py)
    if args.compare:
        compile_package(args.compare)

    kb = args.out / f"kb-{args.count}"
    if kb.exists():
        shutil.rmtree(kb)
    paths = generate(args.count, kb / "postmortems")
    (kb / "mkdocs.yml").write_text(MKDOCS_YML)
    target = paths[len(paths) // 2]
    original = target.read_text(encoding="utf-8")
    edits = iter(range(1_000_000))

    def edit_target() -> None:
        # the author's edit: a new sentence in the Lessons Learned section
        target.write_text(original + f"\nEdit {next(edits)}: we will revisit the alert thresholds.\n", encoding="utf-8")

    pmkb = str(Path(sys.executable).with_name("pmkb"))
    one_file = str(target.relative_to(kb))
    commands = {
        "bare read + YAML loop": (None, [sys.executable, str(HERE / "baseline_read_yaml.py"), "postmortems"]),
        "pmkb check --no-cache": (None, [pmkb, "check", "--strict", "--no-cache"]),
        "pmkb check, cold cache": (
            lambda: shutil.rmtree(kb / ".pmkb_cache", ignore_errors=True),
            [pmkb, "check", "--strict"],
        ),
        "pmkb check FILE, warm": (edit_target, [pmkb, "check", "--strict", one_file]),
    }
    envs: dict[str, dict[str, str]] = {}
    if args.compare:
        # The other package first on the path, its own cache folder (its key differs anyway).
        other = {**os.environ, "PYTHONPATH": str(args.compare.resolve()), "PMKB_CACHE_DIR": str(kb / ".other_cache")}
        name = f"cold cache, {args.compare}"
        commands[name] = (lambda: shutil.rmtree(kb / ".other_cache", ignore_errors=True), [pmkb, "check", "--strict"])
        envs[name] = other
    timed([pmkb, "check", "--strict", one_file], kb)  # fills the cache and its relation index
    best = {name: float("inf") for name in commands}
    cpu = {name: float("inf") for name in commands}
    for _ in range(args.repeat):
        for name, (before, cmd) in commands.items():
            if before is not None:
                before()
            best[name] = min(best[name], timed(cmd, kb, envs.get(name)))
            cpu[name] = min(cpu[name], CPU["cpu"])
            if name == "pmkb check, cold cache":  # the warm run after it must not pay for the index
                timed([pmkb, "check", "--strict", one_file], kb)
    bare = best["bare read + YAML loop"]
    ratios = {name: round(seconds / bare, 3) for name, seconds in best.items()}
    targets = {"pmkb check, cold cache": 2.0, "pmkb check FILE, warm": 0.3}
    # CPU time says what the work costs when other processes share the cores (wall time then
    # penalises the two-worker runs more than the one-process bare loop).
    cpu_ratios = {name: round(seconds / cpu["bare read + YAML loop"], 3) for name, seconds in cpu.items()}
    load = os.getloadavg()[0]
    result = {
        "count": args.count, "seconds": best, "ratio": ratios, "targets": targets,
        "cpu_seconds": cpu, "cpu_ratio": cpu_ratios, "load_average_at_end": load,
    }  # fmt: skip
    (args.out / f"check-{args.count}.json").write_text(json.dumps(result, indent=2))
    for name, seconds in best.items():
        goal = f" (target <= {targets[name]}x)" if name in targets else ""
        print(
            f"{name:26} {seconds:7.2f} s  {ratios[name]:.3f}x bare{goal}"
            f"   CPU {cpu[name]:6.2f} s  {cpu_ratios[name]:.3f}x bare"
        )
    print(f"1-minute load average at the end: {load:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
