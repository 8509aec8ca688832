"""Build N synthetic postmortems with the plugin and with plain mkdocs-material, in one run.

Both sites use the same Markdown, the same theme, search and tags plugins, and keep
the postmortems out of the navigation. Reports wall time, peak memory and site size.

    python benchmarks/bench_build.py --counts 1000 10000
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

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


def prepare(root: Path, count: int) -> None:
    if root.exists():
        shutil.rmtree(root)
    generate(count, root / "docs")
    (root / "docs" / "index.md").write_text("# Benchmark\n")
    (root / "plain.yml").write_text(CONFIG.format(site_dir="site-plain", extra=""))
    (root / "plugin.yml").write_text(CONFIG.format(site_dir="site-plugin", extra="  - postmortems"))


def run(root: Path, config: str) -> dict[str, float]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1764115200"}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(HERE / "run_build.py"), config], cwd=root, capture_output=True, text=True, env=env
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"build with {config} failed:\n{done.stderr[-3000:]}")
    site = root / ("site-plain" if config == "plain.yml" else "site-plugin")
    size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    return {"seconds": seconds, "peak_mib": int(done.stdout.split()[-1]) / 1024, "site_mib": size / 2**20}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--counts", type=int, nargs="+", default=[1000, 10_000])
    parser.add_argument("--repeat", type=int, default=3, help="best of N, plain and plugin alternating")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    args = parser.parse_args()
    results: dict[int, dict[str, dict[str, float]]] = {}
    for count in args.counts:
        root = args.out / f"build-{count}"
        prepare(root, count)
        runs: dict[str, list[dict[str, float]]] = {"plain": [], "plugin": []}
        for _ in range(args.repeat):
            runs["plain"].append(run(root, "plain.yml"))
            runs["plugin"].append(run(root, "plugin.yml"))
        results[count] = {name: min(r, key=lambda x: x["seconds"]) for name, r in runs.items()}
        plain, plugin = results[count]["plain"], results[count]["plugin"]
        print(
            f"{count:>6} postmortems | plain {plain['seconds']:7.1f} s {plain['peak_mib']:7.0f} MiB "
            f"{plain['site_mib']:7.1f} MiB | plugin {plugin['seconds']:7.1f} s {plugin['peak_mib']:7.0f} MiB "
            f"{plugin['site_mib']:7.1f} MiB | time {plugin['seconds'] / plain['seconds']:.2f}x "
            f"memory {plugin['peak_mib'] / plain['peak_mib']:.2f}x size {plugin['site_mib'] / plain['site_mib']:.2f}x",
            flush=True,
        )
    if len(args.counts) == 2:
        small, large = sorted(args.counts)
        growth = results[large]["plugin"]["seconds"] / results[small]["plugin"]["seconds"]
        print(f"plugin build {large} vs {small}: {growth:.2f}x (linear would be {large / small:.0f}x)")
    (args.out / "build.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
