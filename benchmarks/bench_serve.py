"""The author's preview loop: an edit to one postmortem until `mkdocs serve` shows it, against a full build.

On N synthetic postmortems (default 1,000), in one run:
- `mkdocs build` of the site with the plugin (trends and charts on), best of --repeat, without
  the cache and with a warm one (the reference: the faster of the two);
- for each serve mode, `mkdocs serve` started once; then --edits times: change one postmortem's
  title, severity and `related` list, and poll until its served page shows the new title and
  the link to the newly related incident, the incidents list's rows (the shared rows file) show the new title, and the
  trends page is rebuilt (its HTML changed). The time from the write to all of that is the
  edit-to-visible latency; the best and the median are reported. The pause between edits varies
  (1-1.5 s), so that the writes fall at every point of the watcher's 0.5 s polling cycle where
  MkDocs polls (where the plugin gave the server an inotify observer, `serve_watcher.py`, an edit
  is heard at once and the pauses change nothing).

The machine may be shared: wall times then move with the load (printed at the start and the end).
CPU time moves much less, so it is reported too: the full build's (the `mkdocs build` process),
and the serve process's CPU from the write until the edit was visible (read from /proc on Linux;
it leaves out the watcher's idle wait, which the wall time includes).

    python benchmarks/bench_serve.py --count 1000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from bench_build import CONFIG  # noqa: E402
from bytecode import compile_package  # noqa: E402
from generate import generate  # noqa: E402

MODES = {"serve --dirty": ["--dirty"], "serve": []}


def prepare(root: Path, count: int) -> list[Path]:
    if root.exists():
        shutil.rmtree(root)
    paths = generate(count, root / "docs")
    (root / "docs" / "index.md").write_text("# Benchmark\n")
    (root / "mkdocs.yml").write_text(CONFIG.format(site_dir="site", extra="  - postmortems"))
    return paths


def env() -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def full_build(root: Path, *, cached: bool) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one `mkdocs build`."""
    start, before = time.perf_counter(), _children_cpu()
    extra = {} if cached else {"PMKB_NO_CACHE": "1"}
    done = subprocess.run(
        [str(Path(sys.executable).with_name("mkdocs")), "build", "-q"],
        cwd=root, env={**env(), **extra}, capture_output=True,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(done.stderr.decode()[-2000:])
    return time.perf_counter() - start, _children_cpu() - before


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def process_cpu(pid: int) -> float | None:
    """CPU seconds a running process used so far (all its threads); None without /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode())
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def page_url(base: str, path: Path) -> str:
    return f"{base}/{path.stem}/"


def serve_log(root: Path, flags: list[str]) -> Path:
    """Where a serve mode's log goes: it says which watcher the server used."""
    return root / f"serve{'-'.join(['', *flags])}.log"


def serve_latencies(root: Path, paths: list[Path], flags: list[str], edits: int) -> list[tuple[float, float | None]]:
    """(wall, CPU of the serve process) from each edit's write until it was visible."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [str(Path(sys.executable).with_name("mkdocs")), "serve", "-a", f"127.0.0.1:{port}", *flags]
    log = serve_log(root, flags)
    with log.open("wb") as sink:
        server = subprocess.Popen(cmd, cwd=root, env=env(), stdout=subprocess.DEVNULL, stderr=sink)
    jitter = random.Random(14)  # the same pauses in every run
    try:
        deadline = time.monotonic() + 600
        while fetch(f"{base}/incidents/") is None:
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("mkdocs serve did not come up")
            time.sleep(0.2)
        time.sleep(2)  # let the watcher settle after the first build
        out = []
        for n in range(edits):
            target, other = paths[10 + n], paths[500 + n]
            text = target.read_text(encoding="utf-8")
            token = f"Edited{n}x{time.time_ns()}"
            old_trends = fetch(f"{base}/trends/")
            edited = re.sub(r'^title: "', f'title: "{token} ', text, count=1, flags=re.M)
            edited = re.sub(r"^severity: SEV\d", "severity: SEV1", edited, count=1, flags=re.M)
            edited = re.sub(r"^related: \[", f"related: [{other.stem}, ", edited, count=1, flags=re.M)
            if "related: [" not in edited:
                edited = edited.replace("\ndetection:", f"\nrelated: [{other.stem}]\ndetection:", 1)
            start, cpu = time.perf_counter(), process_cpu(server.pid)
            target.write_text(edited, encoding="utf-8")
            while True:
                page = fetch(page_url(base, target)) or ""
                if token in page and f"{other.stem}/" in page:
                    # incidents/ draws its rows from the shared rows file, or with analytics from the
                    # export that file names
                    listing = "".join(
                        fetch(f"{base}/{uri}") or ""
                        for uri in ("assets/postmortem-kb/incidents.json", "exports/incidents.json")
                    )
                    trends = fetch(f"{base}/trends/")
                    if token in listing and trends is not None and trends != old_trends:
                        break
                if time.perf_counter() - start > 300:
                    raise SystemExit(f"edit {n} not visible after 300 s")
                time.sleep(0.02)
            wall, cpu_after = time.perf_counter() - start, process_cpu(server.pid)
            out.append((wall, None if cpu is None or cpu_after is None else cpu_after - cpu))
            # MkDocs' polling watcher looks every 0.5 s: a fixed pause would land every write at about the
            # same point of its cycle, and the latencies would show one waiting time, not their spread
            time.sleep(1 + jitter.uniform(0, 0.5))
        return out
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--modes", nargs="+", default=list(MODES), choices=list(MODES))
    parser.add_argument("--out", type=Path, default=HERE / "out")
    args = parser.parse_args()
    compile_package()  # as an installed pmkb has its bytecode (bytecode.py)
    root = args.out / f"serve-{args.count}"
    paths = prepare(root, args.count)
    load_at_start = os.getloadavg()[0]
    uncached, warm = (float("inf"), float("inf")), (float("inf"), float("inf"))
    for _ in range(args.repeat):
        uncached = min(uncached, full_build(root, cached=False))
        warm = min(warm, full_build(root, cached=True))  # the first fills the cache
    # The stricter reference: the faster full build (a build that judges ahead leaves the cache alone,
    # so the two differ by the noise of the machine).
    build, build_cpu = min(warm, uncached)
    print(f"load average (1 min) at the start: {load_at_start:.1f}", flush=True)
    print(f"mkdocs build, full, without the cache: {uncached[0]:.2f} s, CPU {uncached[1]:.2f} s", flush=True)
    print(f"mkdocs build, full, warm cache:        {warm[0]:.2f} s, CPU {warm[1]:.2f} s", flush=True)
    print(f"the reference (the faster):            {build:.2f} s, CPU {build_cpu:.2f} s", flush=True)
    result: dict[str, object] = {
        "count": args.count, "build_seconds": build, "build_cpu_seconds": build_cpu,
        "build_uncached_seconds": uncached[0], "build_uncached_cpu_seconds": uncached[1],
        "load_at_start": load_at_start,
    }  # fmt: skip
    for mode in args.modes:
        runs = serve_latencies(root, paths, MODES[mode], args.edits)
        log = serve_log(root, MODES[mode]).read_text(encoding="utf-8", errors="replace")
        watcher = "inotify" if "watching for edits with inotify" in log else "MkDocs' polling"
        print(f"mkdocs {mode}: the server watched with {watcher}", flush=True)
        walls = [w for w, _c in runs]
        cpus = [c for _w, c in runs if c is not None]
        best, median = min(walls), statistics.median(walls)
        result[mode] = {"runs": walls, "cpu": cpus, "best": best, "median": median, "watcher": watcher}
        print(
            f"mkdocs {mode:14} edit visible after: best {best:.2f} s ({best / build:.3f}x build), "
            f"median {median:.2f} s ({median / build:.3f}x build)",
            flush=True,
        )
        if cpus:
            cpu = statistics.median(cpus)
            print(
                f"  serve process CPU per edit: median {cpu:.2f} s ({cpu / build_cpu:.3f}x the build's CPU)", flush=True
            )
    result["load_at_end"] = os.getloadavg()[0]
    print(f"load average (1 min) at the end: {result['load_at_end']:.1f}", flush=True)
    (args.out / f"serve-{args.count}.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
