"""Replaying `git log --patch --unified=0` output into each postmortem's drafted, reviewed,
published and action-item close times (no git, no MkDocs: history.py runs git).

The output is read line by line as git writes it (a state machine, not a list of lines), so
the replay runs beside git and never holds the whole log. Replaying the zero-context patches
rebuilds every version of every file; a status is read from the whole file as it stood at each
commit (an action item's `status:` line says nothing about which item it belongs to).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import yaml

from .settings import MARKDOWN_EXTENSIONS

DONE = frozenset({"Done", "Won't Do"})
REVIEWED = frozenset({"Reviewed", "Published"})


@dataclass
class Track:
    """One postmortem's content as replayed so far, and the commit times (epoch) seen."""

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


_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


@dataclass
class _FileDiff:
    old: str | None = None
    new: str | None = None
    renamed_from: str | None = None
    renamed_to: str | None = None
    # (index of the first old line replaced, lines removed, lines added)
    hunks: list[tuple[int, int, list[str]]] = field(default_factory=list)
    wanted: int = 0  # body lines still to read for the current hunk


class Replay:
    """Feed it the lines of `git log` in history.LOG_ARGS' format (oldest commit first)."""

    def __init__(self) -> None:
        self.tracks: dict[str, Track] = {}
        self.when = 0
        self._file: _FileDiff | None = None

    def feed_all(self, lines: Iterable[str]) -> dict[str, Track]:
        for line in lines:
            self.feed(line)
        return self.finish()

    def feed(self, line: str) -> None:
        f = self._file
        if f is not None and f.wanted:
            if line.startswith("\\"):  # "\ No newline at end of file"
                return
            f.wanted -= 1
            if line.startswith("+"):
                f.hunks[-1][2].append(line[1:])
            return
        if line.startswith("\0"):
            self._apply()
            self.when = int(line[1:])
        elif line.startswith("diff --git "):
            self._apply()
            self._file = _FileDiff()
        elif f is None:
            return
        elif line.startswith("@@"):
            match = _HUNK.match(line)
            if match is None:
                return
            start, removed = int(match[1]), int(match[2] or "1")
            added = int(match[4] or "1")
            # With zero context, a pure insertion names the line it follows; a change, its first line.
            f.hunks.append((start if removed == 0 else start - 1, removed, []))
            f.wanted = removed + added
        elif f.hunks:
            return
        elif line.startswith("--- "):
            f.old = _path(line[4:], "a/")
        elif line.startswith("+++ "):
            f.new = _path(line[4:], "b/")
        elif line.startswith("rename from "):
            f.renamed_from = _unquote(line[12:])
        elif line.startswith("rename to "):
            f.renamed_to = _unquote(line[10:])

    def finish(self) -> dict[str, Track]:
        self._apply()
        return self.tracks

    def _apply(self) -> None:
        """Apply the file diff read so far to its track."""
        f, self._file = self._file, None
        if f is None:
            return
        source = f.renamed_from or f.old
        target = f.renamed_to or f.new
        if not _markdown(target) and not _markdown(source):
            return  # not Markdown, a mode change or a binary file: nothing to read
        if not _markdown(target):
            target = None  # renamed to something else: gone as far as postmortems go
        if target is None:  # deleted
            self.tracks.pop(source or "", None)
            return
        track = self.tracks.pop(source, None) if source is not None else None
        if track is None:
            track = Track([], self.when)
        if f.hunks:
            track.lines = _patched(track.lines, f.hunks)
        self.tracks[target] = track
        if f.hunks or source is None:
            track.observe(self.when)


def _markdown(path: str | None) -> bool:
    """Every extension MkDocs renders as Markdown (settings.MARKDOWN_EXTENSIONS), as the check judges."""
    return path is not None and path.endswith(MARKDOWN_EXTENSIONS)


def _patched(old: list[str], hunks: list[tuple[int, int, list[str]]]) -> list[str]:
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
