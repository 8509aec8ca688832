"""When each postmortem was drafted, reviewed and published, and when each action item was
closed, read from the repository's own history (no MkDocs).

One `git log` over the docs folder, first-parent, oldest first, with zero-context patches of
the Markdown files, replayed by history_replay.py. Renames are followed with `-M`.

Times are committer dates: on the default branch's first-parent line that is when a change
landed (a merge commit, or the commit a squash or rebase merge wrote), not when someone
first typed it on a branch.

The pass runs in a child process (`python -m postmortem_kb.history DOCS_DIR`: git log piped
into the replay), started by the plugin once the postmortems are parsed and waited for only
when a page first needs a figure, so git's work overlaps the build's page rendering.

No git, no repository, a shallow clone or a failing `git log`: `History.available` is
False and every figure built on it is "not available", never a guess.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .history_replay import Replay, Track, facts

TIMEOUT_SECONDS = 600
SHALLOW = "shallow clone: fetch the full history (fetch-depth: 0) for process figures"


@dataclass(frozen=True)
class FileHistory:
    """Commit times (UTC) of one postmortem, by its current path."""

    drafted: dt.datetime  # the first commit of the file (renames followed)
    reviewed: dt.datetime | None = None  # status first Reviewed or Published
    published: dt.datetime | None = None  # status first Published
    closed: Mapping[str, dt.datetime] = field(default_factory=dict)  # action-item id -> first Done or Won't Do


@dataclass(frozen=True)
class History:
    files: Mapping[str, FileHistory] = field(default_factory=dict)  # by path under docs_dir
    available: bool = False
    reason: str = "not read"  # why it is not available

    def of(self, src_uri: str) -> FileHistory | None:
        """A postmortem's history; None without history or for a file not committed yet."""
        return self.files.get(src_uri) if self.available else None


def unavailable(reason: str) -> History:
    return History({}, False, reason)


def read_history(docs_dir: Path) -> History:
    """The history of every Markdown file under `docs_dir`, from one `git log`."""
    return HistoryReader().start(docs_dir).result()


class Pending:
    """A history pass under way in a child process; `result()` waits for it (once)."""

    def __init__(self, process: subprocess.Popen[bytes] | None, done: History | None = None) -> None:
        self._process = process
        self._done = done
        self.waited = 0.0  # seconds result() blocked the caller (reported by the benchmark)

    def result(self) -> History:
        if self._done is None:
            start = time.perf_counter()
            self._done = self._wait()
            self.waited = time.perf_counter() - start
        return self._done

    def _wait(self) -> History:
        process = self._process
        if process is None:
            return unavailable("not read")
        try:
            out, err = process.communicate(timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            return unavailable(f"git log took longer than {TIMEOUT_SECONDS} s")
        if process.returncode != 0:
            lines = err.decode("utf-8", errors="replace").strip().splitlines()
            return unavailable(lines[-1] if lines else "the history pass failed")
        return decode(out)

    @property
    def running(self) -> bool:
        return self._done is None and self._process is not None and self._process.poll() is None

    def cancel(self) -> None:
        if self.running and self._process is not None:
            self._process.kill()
            self._process.communicate()
            self._done = unavailable("cancelled")


class HistoryReader:
    """Starts the history pass, again only when HEAD moved: edits in the working tree do not
    change history, so `mkdocs serve` rebuilds reuse it (keep one reader on the plugin instance)."""

    def __init__(self) -> None:
        self._key: tuple[Path, str] | None = None
        self._pending = Pending(None, unavailable("not read"))

    def start(self, docs_dir: Path) -> Pending:
        """The pass for the current HEAD: the same Pending (same outcome) while HEAD stays, also
        when history is not available, so a `mkdocs serve` rebuild sees nothing changed."""
        folder = docs_dir.resolve()
        try:
            shallow, _, head = _git(docs_dir, ["rev-parse", "--is-shallow-repository", "HEAD"]).partition(b"\n")
        except GitFailed as exc:
            reason = str(exc)
            return self._keep((folder, f"unavailable: {reason}"), lambda: Pending(None, unavailable(reason)))
        if shallow.strip() != b"false":
            # a shallow clone's oldest commit is not the file's first one: every figure would be wrong
            return self._keep((folder, "shallow"), lambda: Pending(None, unavailable(SHALLOW)))
        return self._keep((folder, head.strip().decode()), lambda: Pending(_spawn(docs_dir)))

    def _keep(self, key: tuple[Path, str], make: Callable[[], Pending]) -> Pending:
        if key != self._key:
            self._pending.cancel()
            self._pending = make()
            self._key = key
        return self._pending

    def release(self) -> None:
        """After a build: stop a pass nobody waited for (a failed build, or one that needed no
        figure); the next build starts it again."""
        if self._pending.running:
            self._pending.cancel()
            self._key = None


def _spawn(docs_dir: Path) -> subprocess.Popen[bytes] | None:
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "postmortem_kb.history", str(docs_dir)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    except OSError:
        return None


# --- the child process ---------------------------------------------------------------------------

LOG_ARGS = [
    # Settings a user's git config could change in the output, pinned.
    "-c",
    "core.quotepath=false",
    "-c",
    "log.showSignature=false",
    "-c",
    "diff.noprefix=false",
    "log",
    "--first-parent",
    "--diff-merges=first-parent",  # a merge shows everything it brought to the default branch
    "--reverse",
    "--format=%x00%ct",
    "--patch",
    "--unified=0",
    "-M",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--src-prefix=a/",
    "--dst-prefix=b/",
    # The docs folder through --relative alone, with no pathspec: git matches a pathspec against
    # every entry of every tree it diffs, which made the pass 4x slower on a flat folder of
    # 10,000 files. Files other than Markdown are skipped while reading.
    "--relative",
]


class GitFailed(Exception):
    pass


def _git(cwd: Path, args: list[str]) -> bytes:
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, check=False, timeout=TIMEOUT_SECONDS, stdin=subprocess.DEVNULL
        )
    except FileNotFoundError:
        raise GitFailed("git is not installed") from None
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GitFailed(f"git failed: {exc}") from None
    if done.returncode != 0:
        raise GitFailed(_first_line(done.stderr) or f"git {args[0]} failed")
    return done.stdout


def _first_line(stderr: bytes) -> str:
    lines = stderr.decode("utf-8", errors="replace").strip().splitlines()
    return lines[0] if lines else ""


def replay_log(docs_dir: Path) -> dict[str, Track]:
    """Run `git log` and replay its output as it streams in."""
    # git's warnings go to a file: a full stderr pipe nobody reads until the end would stall git
    with tempfile.TemporaryFile() as stderr:
        try:
            git = subprocess.Popen(
                ["git", *LOG_ARGS], cwd=docs_dir, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr
            )
        except FileNotFoundError:
            raise GitFailed("git is not installed") from None
        except OSError as exc:
            raise GitFailed(f"git failed: {exc}") from None
        assert git.stdout is not None
        replay = Replay()
        # newline="\n": lines end at LF only, as git writes them (a CR belongs to the line's text)
        for line in io.TextIOWrapper(git.stdout, encoding="utf-8", errors="replace", newline="\n"):
            replay.feed(line[:-1] if line.endswith("\n") else line)
        tracks = replay.finish()
        if git.wait() != 0:
            stderr.seek(0)
            raise GitFailed(_first_line(stderr.read()) or "git log failed")
    return tracks


def encode(tracks: Mapping[str, Track]) -> str:
    """Tracks as compact JSON: path -> [drafted, reviewed, published, {item: closed}] in epoch seconds."""
    return json.dumps(
        {path: [t.drafted, t.reviewed, t.published, t.closed] for path, t in tracks.items()}, separators=(",", ":")
    )


def decode(text: bytes | str) -> History:
    def time(epoch: int | None) -> dt.datetime | None:
        return None if epoch is None else dt.datetime.fromtimestamp(epoch, tz=dt.UTC)

    files = {}
    for path, (drafted, reviewed, published, closed) in json.loads(text).items():
        files[path] = FileHistory(
            dt.datetime.fromtimestamp(drafted, tz=dt.UTC),
            time(reviewed),
            time(published),
            {item: dt.datetime.fromtimestamp(when, tz=dt.UTC) for item, when in closed.items()},
        )
    return History(files, True, "")


def main(argv: list[str]) -> int:
    try:
        tracks = replay_log(Path(argv[0]))
    except GitFailed as exc:
        print(exc, file=sys.stderr)
        return 1
    sys.stdout.write(encode(tracks))
    return 0


__all__ = ["FileHistory", "History", "HistoryReader", "Pending", "facts", "read_history", "unavailable"]

if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
