"""Where a cold `pmkb check` spends its wall time, phase by phase, in the parent process.

`bench_check.py` times whole commands. This script runs one cold `pmkb check --strict` in this
process (on a knowledge base made by `bench_check.py`, or generated here) and prints when each
phase of the parent started and how long it took (wall and CPU), the time Python's cyclic
collector took in the parent (`gc.callbacks`) and the CPU time of the worker processes:

    python benchmarks/bench_check_phases.py --count 10000

`--plugins DIR` runs another checkout's package (e.g. main's `plugins/`, extracted with
`git archive`) on the same files, for a before/after comparison; `--no-cache` times that mode.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from bytecode import compile_package  # noqa: E402
from generate import generate  # noqa: E402

MKDOCS_YML = "site_name: Benchmark KB\ndocs_dir: postmortems\nplugins:\n  - postmortems\n"
START = time.perf_counter()


def _timed(owner: Any, name: str) -> None:
    """Replace owner.name with a wrapper that prints when it ran and what it cost."""
    function: Callable[..., Any] | None = getattr(owner, name, None)
    if function is None:  # an older package without this step
        return

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            print(
                f"at {wall - START:6.2f} s  {name:22} wall {time.perf_counter() - wall:6.2f} s"
                f"  CPU {time.process_time() - cpu:6.2f} s"
            )

    setattr(owner, name, wrapper)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--plugins", type=Path, help="the plugins/ folder to import postmortem_kb from")
    parser.add_argument("--no-cache", action="store_true")
    args = parser.parse_args()
    compile_package(args.plugins)  # as an installed pmkb has its bytecode (bytecode.py)
    kb = args.out / f"kb-{args.count}"
    if not (kb / "postmortems").is_dir():
        generate(args.count, kb / "postmortems")
        (kb / "mkdocs.yml").write_text(MKDOCS_YML)
    cache = kb / ".phases_cache"
    shutil.rmtree(cache, ignore_errors=True)
    os.environ["PMKB_CACHE_DIR"] = str(cache)
    if args.plugins:
        sys.path.insert(0, str(args.plugins.resolve()))
    os.chdir(kb)
    imported = time.perf_counter()
    from postmortem_kb import cache_store, check
    from postmortem_kb.cli import main as pmkb

    print(f"at {imported - START:6.2f} s  {'import':22} wall {time.perf_counter() - imported:6.2f} s")
    for owner, name in (
        (check, "_walk"),
        (check, "_entries"),
        (cache_store.Store, "write"),
        (check, "relations_for"),
        (check, "similar_incidents"),
        (check, "corpus_findings"),
    ):
        _timed(owner, name)
    collector = {"seconds": 0.0, "full": 0, "began": 0.0}

    def on_collect(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collector["began"] = time.perf_counter()
        else:
            collector["seconds"] += time.perf_counter() - collector["began"]
            collector["full"] += info["generation"] == 2

    gc.callbacks.append(on_collect)
    sys.argv = ["pmkb", "check", "--strict", *(["--no-cache"] if args.no_cache else [])]
    sys.stdout.flush()
    with contextlib.suppress(SystemExit):  # the check's exit status is not this script's
        pmkb()
    done = os.times()
    print(
        f"total wall {time.perf_counter() - START:.2f} s; parent CPU {time.process_time():.2f} s, "
        f"of which the cyclic collector {collector['seconds']:.2f} s ({collector['full']:.0f} full collections); "
        f"workers' CPU {done.children_user + done.children_system:.2f} s; "
        f"1-minute load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
