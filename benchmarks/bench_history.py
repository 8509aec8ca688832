"""Cost of reading process figures from git history, against a site build, in one run.

N synthetic postmortems (generate.py) get 3 commits each (drafted as Draft with open items,
then Reviewed, then Published with their final item statuses), written with `git fast-import`.
Then, in the same repository: the history pass alone (git log piped into the replay, in a fresh
process, as the plugin's child process runs it), and `mkdocs build` with the full plugin with git
on PATH and without it (no history pass), alternating, best of N each.

    python benchmarks/bench_history.py --count 10000 [--history-only]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from bench_build import CONFIG  # noqa: E402
from generate import generate  # noqa: E402

GIT_ENV = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
_RESOLVED = re.compile(r"^  resolved: (\S+)$", re.M)
_ITEM_STATUS = re.compile(r"^(    status: |\| .* \| )(Open|In Progress|Done|Won't Do)( \|)?$", re.M)


def versions(text: str) -> list[str]:
    """Draft with every item open, then Reviewed, then Published with the generated item statuses."""
    final = re.sub(r"^status: \w+$", "status: Published", text, count=1, flags=re.M)
    opened = _ITEM_STATUS.sub(lambda m: f"{m[1]}Open{m[3] or ''}", final)
    draft = opened.replace("status: Published", "status: Draft", 1)
    return [draft, opened.replace("status: Published", "status: Reviewed", 1), final]


def prepare(root: Path, count: int) -> None:
    if root.exists():
        shutil.rmtree(root)
    docs = root / "docs"
    paths = generate(count, docs)
    (docs / "index.md").write_text("# Benchmark\n")
    (root / "plugin.yml").write_text(CONFIG.format(site_dir="site-plugin", extra="  - postmortems"))
    rng = random.Random(11)
    events: list[tuple[int, str, str]] = []  # (commit time, path, content)
    for path in paths:
        text = path.read_text(encoding="utf-8")
        match = _RESOLVED.search(text)
        assert match is not None
        when = dt.datetime.fromisoformat(match[1]).timestamp()
        for content in versions(text):
            when += rng.randrange(3600, 5 * 86400)
            events.append((int(when), f"docs/{path.name}", content))
        path.write_text(versions(text)[-1], encoding="utf-8")  # the working tree holds the last commit
    events.sort()
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], env=GIT_ENV, check=True)
    stream = bytearray()
    for number, (when, name, content) in enumerate(events):
        data = content.encode()
        message = f"{name}: commit {number}".encode()
        stream += b"commit refs/heads/main\ncommitter Bench <bench@example.com> %d +0000\n" % when
        stream += b"data %d\n%s\nM 100644 inline %s\ndata %d\n%s\n" % (
            len(message), message, name.encode(), len(data), data
        )  # fmt: skip
    subprocess.run(["git", "fast-import", "--quiet"], cwd=root, input=bytes(stream), env=GIT_ENV, check=True)
    subprocess.run(["git", "reset", "-q", "main"], cwd=root, env=GIT_ENV, check=True)


HISTORY_ONLY = """
import resource, sys, time
from pathlib import Path
from postmortem_kb import history
start = time.perf_counter()
tracks = history.replay_log(Path(sys.argv[1]))
seconds = time.perf_counter() - start
print(len(tracks), seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def history_pass(docs: Path) -> tuple[int, float, float]:
    """(files, seconds, peak RSS of the Python side in MiB) of the pass alone, as the plugin's
    child process runs it: git log piped into the replay."""
    done = subprocess.run(
        [sys.executable, "-c", HISTORY_ONLY, str(docs)], capture_output=True, text=True, env=GIT_ENV, check=True
    )
    files, seconds, rss = done.stdout.split()
    return int(files), float(seconds), int(rss) / 1024


# mkdocs build in this process, with the plugin's debug line (how long the build waited for the
# history pass) let through --quiet.
BUILD = """
import logging, sys
from mkdocs.__main__ import cli
logger = logging.getLogger("mkdocs.plugins.postmortem_kb.plugin")
logger.setLevel(logging.DEBUG)
handler = logging.StreamHandler(sys.stdout)
handler.addFilter(lambda record: "history pass" in record.getMessage())
logger.addHandler(handler)
try:
    cli.main(args=["build", "--quiet", "--config-file", sys.argv[1]], standalone_mode=False)
finally:
    import resource
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    print("cpu", own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime)
"""
_WAITED = re.compile(r"waited ([0-9.]+) s")
_CPU = re.compile(r"^cpu ([0-9.]+) ([0-9.]+)$", re.M)


@dataclass(frozen=True)
class Build:
    wall: float  # seconds
    waited: float  # seconds the build waited for the history pass
    cpu: float  # CPU seconds of the build's own process: its critical path
    children_cpu: float  # CPU seconds of its children: parse workers, and the history pass with git


def build(root: Path, *, git: bool) -> Build:
    env = {**GIT_ENV, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1764115200"}
    if not git:
        env["PATH"] = str(Path(sys.executable).parent)  # the venv holds no git: the plugin skips history
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", BUILD, "plugin.yml"], cwd=root, capture_output=True, text=True, env=env
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"build failed:\n{done.stderr[-3000:]}")
    waited = _WAITED.search(done.stdout)
    cpu = _CPU.search(done.stdout)
    assert cpu is not None, done.stdout
    return Build(seconds, float(waited[1]) if waited else 0.0, float(cpu[1]), float(cpu[2]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--history-only", action="store_true", help="skip the site builds")
    parser.add_argument("--reuse", action="store_true", help="keep the repository of an earlier run")
    parser.add_argument("--repeat", type=int, default=3, help="history passes, best of N")
    parser.add_argument("--builds", type=int, default=2, help="builds with and without git, best of N")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    args = parser.parse_args()
    root = args.out / f"history-{args.count}"
    start = time.perf_counter()
    if not (args.reuse and (root / ".git").is_dir()):
        prepare(root, args.count)
    commits = subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=root, capture_output=True, text=True)
    print(
        f"{args.count} postmortems, {commits.stdout.strip()} commits, prepared in {time.perf_counter() - start:.0f} s"
    )
    passes = [history_pass(root / "docs") for _ in range(args.repeat)]
    files, seconds, rss = min(passes, key=lambda p: p[1])
    print(f"history pass alone: {seconds:.2f} s (best of {args.repeat}), {files} files, peak RSS {rss:.0f} MiB")
    if args.history_only:
        return
    # Builds alternate without and with git, so that a change in the machine's load hits both.
    # Wall time on a shared machine is noise; the build's own CPU time is its critical path when
    # a core is free for the history pass (which runs beside the single-threaded page rendering).
    rounds = []
    for index in range(args.builds):
        pair = build(root, git=False), build(root, git=True)
        rounds.append(pair)
        plain, timed = pair
        print(
            f"round {index + 1}: without git {plain.wall:.1f} s wall, {plain.cpu:.1f} s CPU "
            f"(+{plain.children_cpu:.1f} s "
            f"children); with the history pass {timed.wall:.1f} s wall, {timed.cpu:.1f} s CPU "
            f"(+{timed.children_cpu:.1f} s children), waited {timed.waited:.2f} s",
            flush=True,
        )
    cpu_without = min(p.cpu for p, _t in rounds)
    cpu_with = min(t.cpu for _p, t in rounds)
    waited = max(t.waited for _p, t in rounds)
    print(f"history pass alone / build's own CPU without it: {100 * seconds / cpu_without:.1f}%")
    print(
        f"on the build's critical path: +{cpu_with - cpu_without:.1f} s CPU (best of {args.builds} each) "
        f"+ {waited:.2f} s waited = {100 * (cpu_with - cpu_without + waited) / cpu_without:+.1f}%"
    )


if __name__ == "__main__":
    main()
