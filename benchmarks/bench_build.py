"""Build N synthetic postmortems with the plugin and with plain mkdocs-material, in one run.

Both sites use the same Markdown, the same theme, search and tags plugins, and keep
the postmortems out of the navigation. Reports wall time, CPU time (user + system, the build's
worker processes included: on a shared machine it moves far less than wall time), peak memory
and site size.

    python benchmarks/bench_build.py --counts 1000 10000

`--compare DIR [DIR ...]`: also builds with analytics using another checkout's code (its
`plugins/` and `analytics/` folders first on PYTHONPATH), in the same rounds, so that two
versions are timed side by side on the same machine state.
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

CONFIG = """\
site_name: Benchmark KB
docs_dir: docs
site_dir: {site_dir}
theme:
  name: material
  font: false
  features: [navigation.instant]
plugins:
  - search
  - tags
{extra}
not_in_nav: |
  /[0-9][0-9][0-9][0-9]-*.md
"""


LARGE_PAGES = ("action-items", "incidents", "trends")
BUILDS = {
    "plain": "plain.yml",
    "plugin, analytics off": "plugin-core.yml",
    "plugin (with trends and charts)": "plugin.yml",
}
# The same full plugin build with default settings in a fresh clone: the persistent cache is on and
# empty (removed before each run), as on a CI runner without a cache step.
FRESH_CLONE = "plugin, default cache, empty"


def prepare(root: Path, count: int) -> None:
    if root.exists():
        shutil.rmtree(root)
    generate(count, root / "docs")
    (root / "docs" / "index.md").write_text("# Benchmark\n")
    (root / "plain.yml").write_text(CONFIG.format(site_dir="site-plain", extra=""))
    (root / "plugin.yml").write_text(CONFIG.format(site_dir="site-plugin", extra="  - postmortems"))
    (root / "plugin-core.yml").write_text(
        CONFIG.format(site_dir="site-plugin-core", extra="  - postmortems:\n      analytics: false")
    )


def run(root: Path, config: str, code: Path | None = None, *, empty_cache: bool = False) -> dict[str, float]:
    # Without the persistent cache (PMKB_NO_CACHE=1), or with it on and empty (`empty_cache`), so that
    # the best of N is never a warm-cache run: bench_check.py and bench_serve.py measure the warm cache.
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1764115200", "PMKB_NO_CACHE": "1"}
    if empty_cache:
        env.pop("PMKB_NO_CACHE")
        env.pop("PMKB_CACHE_DIR", None)
        shutil.rmtree(root / ".pmkb_cache", ignore_errors=True)
    if code is not None:
        env["PYTHONPATH"] = os.pathsep.join(str(code.resolve() / folder) for folder in ("plugins", "analytics"))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(HERE / "run_build.py"), config], cwd=root, capture_output=True, text=True, env=env
    )
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the build and every process it waited for
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        raise SystemExit(f"build with {config} failed:\n{done.stderr[-3000:]}")
    site = root / ("site-" + config.removesuffix(".yml"))
    size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    result = {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "peak_mib": int(done.stdout.split()[-1]) / 1024,
        "site_mib": size / 2**20,
    }
    # The heaviest pages a reader opens: what a phone downloads and lays out for them.
    for name in LARGE_PAGES:
        page = site / name / "index.html"
        if page.is_file():
            result[f"{name}_kib"] = page.stat().st_size / 1024
    return result


def _best(runs: list[dict[str, float]]) -> dict[str, float]:
    """The fastest run's figures, with the least CPU time of all runs (each is a lower bound)."""
    best = dict(min(runs, key=lambda x: x["seconds"]))
    best["cpu_seconds"] = min(r["cpu_seconds"] for r in runs)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--counts", type=int, nargs="+", default=[1000, 10_000])
    parser.add_argument("--repeat", type=int, default=3, help="best of N, plain and plugin alternating")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--compare", type=Path, nargs="*", default=[], help="other checkouts built in the same rounds")
    args = parser.parse_args()
    for plugins_dir in [None, *args.compare]:  # as an installed pmkb has its bytecode (bytecode.py)
        compile_package(plugins_dir)
    results: dict[int, dict[str, dict[str, float]]] = {}
    for count in args.counts:
        root = args.out / f"build-{count}"
        prepare(root, count)
        builds = {name: (config, None) for name, config in BUILDS.items()}
        builds[FRESH_CLONE] = ("plugin.yml", None)
        builds.update({f"with analytics, {code}": ("plugin.yml", code) for code in args.compare})
        runs: dict[str, list[dict[str, float]]] = {name: [] for name in builds}
        for _ in range(args.repeat):
            for name, (config, code) in builds.items():
                runs[name].append(run(root, config, code, empty_cache=name == FRESH_CLONE))
        results[count] = {name: _best(r) for name, r in runs.items()}
        plain = results[count]["plain"]
        for name in builds:
            r = results[count][name]
            print(
                f"{count:>6} | {name:34} {r['seconds']:7.1f} s {r['cpu_seconds']:7.1f} s CPU {r['peak_mib']:6.0f} MiB"
                f" {r['site_mib']:7.1f} MiB | vs plain: time {r['seconds'] / plain['seconds']:.2f}x"
                f" CPU {r['cpu_seconds'] / plain['cpu_seconds']:.2f}x"
                f" memory {r['peak_mib'] / plain['peak_mib']:.2f}x size {r['site_mib'] / plain['site_mib']:.2f}x",
                flush=True,
            )
        pages = results[count]["plugin (with trends and charts)"]
        print(
            f"{count:>6} | pages: "
            + ", ".join(f"{n}/ {pages[f'{n}_kib']:,.0f} KiB" for n in LARGE_PAGES if f"{n}_kib" in pages)
        )
        core, full = results[count]["plugin, analytics off"], results[count]["plugin (with trends and charts)"]
        print(
            f"{count:>6} | analytics and charts add {100 * (full['seconds'] / core['seconds'] - 1):.1f}% build time,"
            f" {100 * (full['cpu_seconds'] / core['cpu_seconds'] - 1):.1f}% CPU time"
        )
        print(f"{count:>6} | load average (1, 5, 15 min) at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if len(args.counts) == 2:
        small, large = sorted(args.counts)
        for name in ("plugin, analytics off", "plugin (with trends and charts)"):
            growth = results[large][name]["seconds"] / results[small][name]["seconds"]
            print(f"{name}: {large} vs {small} postmortems took {growth:.2f}x (linear: {large / small:.0f}x)")
    (args.out / "build.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
