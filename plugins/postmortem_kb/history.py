"""When each postmortem was drafted, reviewed and published, and when each action item was
closed, read from the repository's own history (no MkDocs).

One `git log` over the docs folder, first-parent, oldest first, with zero-context patches of
the Markdown files. Replaying the patches rebuilds every version of every file, so a status
is read from the whole file as it stood at each commit (an action item's `status:` line
says nothing about which item it belongs to). Renames are followed with `-M`.

Times are committer dates: on the default branch's first-parent line that is when a change
landed (a merge commit, or the commit a squash or rebase merge wrote), not when someone
first typed it on a branch.

No git, no repository, a shallow clone or a failing `git log`: `History.available` is
False and every figure built on it is "not available", never a guess.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

DONE = frozenset({"Done", "Won't Do"})
REVIEWED = frozenset({"Reviewed", "Published"})
TIMEOUT_SECONDS = 300


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
    return HistoryReader().read(docs_dir)


class HistoryReader:
    """Reads history again only when HEAD moved: edits in the working tree do not change it, so
    `mkdocs serve` rebuilds reuse it (keep one reader on the plugin instance)."""

    def __init__(self) -> None:
        self._key: tuple[Path, bytes] | None = None
        self._history = unavailable("not read")

    def read(self, docs_dir: Path) -> History:
        try:
            shallow, _, head = _git(docs_dir, ["rev-parse", "--is-shallow-repository", "HEAD"]).partition(b"\n")
        except _GitFailed as exc:
            return unavailable(str(exc))
        if shallow.strip() != b"false":
            # a shallow clone's oldest commit is not the file's first one: every figure would be wrong
            return unavailable("shallow clone: fetch the full history (fetch-depth: 0) for process figures")
        key = (docs_dir.resolve(), head.strip())
        if key != self._key:
            try:
                out = _git(docs_dir, LOG_ARGS)
            except _GitFailed as exc:
                return unavailable(str(exc))
            self._history = History(replay(out.decode("utf-8", errors="replace").split("\n")), True, "")
            self._key = key
        return self._history


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
    # every entry of every tree it diffs, which made the pass ~2.5x slower on a flat folder of
    # 10,000 files. Files other than Markdown are skipped while reading.
    "--relative",
]


class _GitFailed(Exception):
    pass


def _git(cwd: Path, args: list[str]) -> bytes:
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, check=False, timeout=TIMEOUT_SECONDS, stdin=subprocess.DEVNULL
        )
    except FileNotFoundError:
        raise _GitFailed("git is not installed") from None
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise _GitFailed(f"git failed: {exc}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", errors="replace").strip().splitlines()
        raise _GitFailed(message[0] if message else f"git {args[0]} failed")
    return done.stdout


@dataclass
class _Track:
    lines: list[str]
    drafted: int
    reviewed: int | None = None
    published: int | None = None
    closed: dict[str, int] = field(default_factory=dict)

    def observe(self, when: int) -> None:
        status, items = facts(self.lines)
        if status in REVIEWED and self.reviewed is None:
            self.reviewed = when
        if status == "Published" and self.published is None:
            self.published = when
        for item, item_status in items.items():
            if item_status in DONE and item not in self.closed:
                self.closed[item] = when

    def result(self) -> FileHistory:
        return FileHistory(
            _time(self.drafted),
            None if self.reviewed is None else _time(self.reviewed),
            None if self.published is None else _time(self.published),
            {item: _time(when) for item, when in self.closed.items()},
        )


def _time(epoch: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, tz=dt.UTC)


_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def replay(lines: list[str]) -> dict[str, FileHistory]:
    """Histories from `git log` output in LOG_ARGS' format (oldest commit first)."""
    tracks: dict[str, _Track] = {}
    when = 0
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        i += 1
        if line.startswith("\0"):
            when = int(line[1:])
        elif line.startswith("diff --git "):
            i = _file_diff(lines, i, when, tracks)
    return {path: track.result() for path, track in tracks.items()}


def _file_diff(lines: list[str], i: int, when: int, tracks: dict[str, _Track]) -> int:
    """Apply one file's diff (its header starts at `lines[i]`); returns the index after it."""
    old = new = None
    renamed_from = renamed_to = None
    n = len(lines)
    while i < n:
        line = lines[i]
        if line.startswith(("@@", "diff --git ", "\0")):
            break
        if line.startswith("--- "):
            old = _path(line[4:], "a/")
        elif line.startswith("+++ "):
            new = _path(line[4:], "b/")
        elif line.startswith("rename from "):
            renamed_from = _unquote(line[12:])
        elif line.startswith("rename to "):
            renamed_to = _unquote(line[10:])
        i += 1
    hunks: list[tuple[int, int, list[str]]] = []
    while i < n and lines[i].startswith("@@"):
        match = _HUNK.match(lines[i])
        i += 1
        if match is None:
            continue
        start, removed = int(match[1]), int(match[2] or "1")
        added = int(match[4] or "1")
        new_lines = []
        wanted = removed + added
        while wanted and i < n:
            line = lines[i]
            i += 1
            if line.startswith("\\"):  # "\ No newline at end of file"
                continue
            wanted -= 1
            if line.startswith("+"):
                new_lines.append(line[1:])
        if i < n and lines[i].startswith("\\"):
            i += 1
        # With zero context, a pure insertion names the line it follows; a change, its first line.
        hunks.append((start if removed == 0 else start - 1, removed, new_lines))
    source = renamed_from or old
    target = renamed_to or new
    if not _markdown(target) and not _markdown(source):
        return i  # not Markdown, a mode change or a binary file: nothing to read
    if not _markdown(target):
        target = None  # renamed to something else: gone as far as postmortems go
    if target is None:  # deleted
        tracks.pop(source or "", None)
        return i
    track = tracks.pop(source, None) if source is not None else None
    if track is None:
        track = _Track([], when)
    if hunks:
        track.lines = _apply(track.lines, hunks)
    tracks[target] = track
    if hunks or source is None:
        track.observe(when)
    return i


def _markdown(path: str | None) -> bool:
    return path is not None and path.endswith(".md")


def _apply(old: list[str], hunks: list[tuple[int, int, list[str]]]) -> list[str]:
    out: list[str] = []
    at = 0
    for start, removed, added in hunks:
        out.extend(old[at:start])
        out.extend(added)
        at = start + removed
    out.extend(old[at:])
    return out


def _path(name: str, prefix: str) -> str | None:
    name = _unquote(name.rstrip("\t"))  # git ends names holding a space with a tab
    if name == "/dev/null":
        return None
    return name.removeprefix(prefix)


_ESCAPES = {'\\"': '"', "\\\\": "\\", "\\t": "\t", "\\n": "\n"}


def _unquote(name: str) -> str:
    """git C-quotes names holding quotes, backslashes or control characters."""
    if len(name) >= 2 and name[0] == '"' and name[-1] == '"':
        return re.sub(r'\\["\\tn]', lambda m: _ESCAPES[m[0]], name[1:-1])
    return name


# --- what a version of a file says ---------------------------------------------------------------

_KEY_VALUE = re.compile(r"^\s*(?:-\s+)?(id|status)\s*:\s*(.*?)\s*$")


def facts(lines: list[str]) -> tuple[str | None, dict[str, str]]:
    """(front-matter status, action-item id -> status) of one version of a postmortem.

    A light reader rather than the YAML parser: it runs on every version of every file, and
    parsing a front matter costs ~40x more. Items come from `action_items` when the front
    matter has them, else from the Action Items table, as records.py reads them.
    """
    end = _front_matter_end(lines)
    status = None
    items_at = None
    for index in range(1, end):
        line = lines[index]
        if line.startswith("status:"):
            status = _scalar(line[7:])
        elif line.startswith("action_items:"):
            items_at = index
    if items_at is not None:
        items = _front_matter_items(lines, items_at, end)
        if items:
            return status, items
    return status, _table_items(lines, end)


def _front_matter_end(lines: list[str]) -> int:
    if not lines or lines[0].rstrip() != "---":
        return 0
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return index
    return 0


def _scalar(text: str) -> str:
    text = text.strip()
    if text[:1] in ("'", '"') and text[-1:] == text[:1] and len(text) >= 2:
        return text[1:-1].replace("''", "'") if text[0] == "'" else text[1:-1]
    return text.split(" #", 1)[0].strip()


def _front_matter_items(lines: list[str], start: int, end: int) -> dict[str, str]:
    head = lines[start][len("action_items:") :].strip()
    block = []
    for index in range(start + 1, end):
        line = lines[index]
        if line and not line[0].isspace() and not line.startswith(("-", "#")):
            break  # the next top-level key
        block.append(line)
    if head or any(line.lstrip().startswith("- {") for line in block):
        return _yaml_items(lines[start : start + 1 + len(block)])  # flow style: rare, parse it properly
    items: dict[str, str] = {}
    current: dict[str, str] = {}
    for line in block:
        if line.lstrip().startswith("- "):
            _keep(items, current)
            current = {}
        match = _KEY_VALUE.match(line)
        if match:
            current.setdefault(match[1], _scalar(match[2]))
    _keep(items, current)
    return items


def _keep(items: dict[str, str], item: dict[str, str]) -> None:
    if "id" in item:
        items[item["id"]] = item.get("status", "")


def _yaml_items(lines: Iterable[str]) -> dict[str, str]:
    try:
        data = yaml.load("\n".join(lines), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return {}
    values = data.get("action_items") if isinstance(data, dict) else None
    if not isinstance(values, list):
        return {}
    return {str(v["id"]): str(v.get("status", "")) for v in values if isinstance(v, dict) and "id" in v}


def _table_items(lines: list[str], start: int) -> dict[str, str]:
    """Rows of the first table under `## Action Items` that has ID and Status columns."""
    index = start
    n = len(lines)
    while index < n and lines[index].strip().casefold() != "## action items":
        index += 1
    items: dict[str, str] = {}
    columns: list[str] | None = None
    for line in lines[index + 1 :]:
        text = line.strip()
        if text.startswith("## "):
            break
        if not text.startswith("|"):
            if columns is not None and items:
                break
            continue
        cells = [c.strip() for c in text.strip("|").split("|")]
        if columns is None:
            columns = [c.casefold() for c in cells]
            if "id" not in columns or "status" not in columns:
                columns = None
            continue
        if set(text) <= set("|-: "):
            continue  # the separator row
        row = dict(zip(columns, cells, strict=False))
        if row.get("id"):
            items[row["id"]] = row.get("status", "")
    return items
