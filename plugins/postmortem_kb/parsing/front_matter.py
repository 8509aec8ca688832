"""YAML front matter with the source position of every key and value.

python-frontmatter discards where things were; validation findings must point at
the offending key, so the split is done here and YAML is composed into nodes
(libyaml when available) whose marks give line and column.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..findings import Position
from .errors import ParseError

try:  # libyaml is an order of magnitude faster; pure Python is the fallback
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Path = tuple[str | int, ...]
MAX_NODES = 20_000  # guards against alias bombs; a real postmortem has a few hundred


class _Constructor(SafeConstructor):
    """Safe constructor that keeps an impossible date (2024-02-30) as text.

    PyYAML raises while constructing such a value, which would lose its position;
    as a string it reaches the validator and is reported at its own line.
    """

    def construct_yaml_timestamp(self, node: ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            return str(node.value)


_Constructor.add_constructor(  # type: ignore[type-var]
    "tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_timestamp
)


@dataclass
class Positions:
    """Where each front-matter path sits in the file (1-based, file coordinates).

    Looked up lazily in the YAML node tree: only findings need positions, and
    most files have none.
    """

    root: Node | None = None
    offset: int = 0  # file line of the YAML text's first line, minus one
    start: Position = field(default_factory=Position)
    duplicates: list[tuple[Path, Position]] = field(default_factory=list)

    def key(self, path: Path) -> Position:
        """The key of `path`, else the nearest enclosing key that exists."""
        for i in range(len(path), 0, -1):
            found = self._find(path[:i])
            if found is not None:
                return self.mark(found[0] or found[1])
        return self.start

    def value(self, path: Path) -> Position:
        """The value of `path`, else its key, else the nearest enclosing one."""
        found = self._find(path)
        return self.mark(found[1]) if found is not None else self.key(path)

    def _find(self, path: Path) -> tuple[Node | None, Node] | None:
        """(key node or None for a list item, value node) at `path`."""
        node, key_node = self.root, None
        for part in path:
            if isinstance(node, MappingNode) and isinstance(part, str):
                # the last occurrence: YAML keeps the last value of a duplicated key
                pair = next((kv for kv in reversed(node.value) if _key_name(kv[0]) == part), None)
                if pair is None:
                    return None
                key_node, node = pair
            elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                key_node, node = None, node.value[part]
            else:
                return None
        return (key_node, node) if node is not None and path else None

    def mark(self, node: Node) -> Position:
        return Position(node.start_mark.line + 1 + self.offset, node.start_mark.column + 1)


@dataclass
class FrontMatter:
    data: dict[str, Any]
    positions: Positions
    first_line: int  # file line of the opening ---
    end_line: int  # file line of the closing ---
    strings: list[tuple[Path, str]] = field(default_factory=list)  # every string value and its path


def split(text: str) -> tuple[str, int, str, int]:
    """Return (yaml text, file line of its first line, body text, file line of body start)."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        raise ParseError(
            "frontmatter-missing",
            "no YAML front matter: the file must start with a line '---'",
        )
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            return "\n".join(lines[1:i]), 2, "\n".join(lines[i + 1 :]), i + 2
    raise ParseError("frontmatter-unclosed", "front matter is never closed: add a line '---' after it")


def load(yaml_text: str, first_line: int) -> tuple[Any, Positions, list[tuple[Path, str]]]:
    offset = first_line - 1
    positions = Positions(offset=offset, start=Position(max(first_line - 1, 1), 1))
    try:
        node = yaml.compose(yaml_text, Loader=_Loader)
        if node is None:
            return None, positions, []
        positions.root = node
        builder = _Builder(positions)
        data = builder.build(node, ())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1 + offset, mark.column + 1) if mark else (first_line, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        raise ParseError("yaml-syntax", f"invalid YAML in front matter: {problem}", line, col) from None
    except (yaml.YAMLError, RecursionError, ValueError, TypeError, OverflowError) as exc:
        raise ParseError("yaml-syntax", f"invalid YAML in front matter: {exc}", first_line, 1) from None
    return data, positions, builder.strings


def _key_name(node: Node) -> str:
    return node.value if isinstance(node, ScalarNode) else repr(node.value)


_STR, _MAP, _SEQ = "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_MERGE, _TIMESTAMP = "tag:yaml.org,2002:merge", "tag:yaml.org,2002:timestamp"


class _Builder:
    """Nodes -> Python values in one pass, noting duplicate keys.

    Plain strings, mappings and sequences take a fast path; every other tag goes
    through PyYAML's safe constructor, so values are exactly what safe_load gives.
    """

    def __init__(self, positions: Positions) -> None:
        self.positions = positions
        self.constructor = _Constructor()
        self.built: dict[int, Any] = {}  # aliases share nodes: build each once
        self.count = 0
        self.strings: list[tuple[Path, str]] = []  # every string value, for the text rules

    def build(self, node: Node, path: Path) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise ParseError("yaml-syntax", f"front matter too large (over {MAX_NODES} YAML nodes)")
        tag = node.tag
        if tag == _STR:
            self.strings.append((path, node.value))
            return node.value
        if tag == _TIMESTAMP and isinstance(node, ScalarNode):
            return self._timestamp(node, path)
        if id(node) in self.built:
            return self.built[id(node)]
        if isinstance(node, MappingNode) and tag == _MAP and not any(k.tag == _MERGE for k, _ in node.value):
            value: Any = self._mapping(node, path)
        elif tag == _SEQ:
            value = [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        else:
            value = self.constructor.construct_object(node, deep=True)
            self.strings.extend(_strings_in(value, path))
        self.built[id(node)] = value
        return value

    def _timestamp(self, node: ScalarNode, path: Path) -> Any:
        """ISO forms parse directly; YAML's other spellings go through PyYAML."""
        text = node.value
        try:
            return dt.date.fromisoformat(text) if len(text) == 10 else dt.datetime.fromisoformat(text)
        except ValueError:
            value = self.constructor.construct_yaml_timestamp(node)
            if isinstance(value, str):
                self.strings.append((path, value))
            return value

    def _mapping(self, node: MappingNode, path: Path) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = key_node.value if key_node.tag == _STR else self.build(key_node, path)
            if not isinstance(key, Hashable):
                mark = self.positions.mark(key_node)
                raise ParseError("yaml-syntax", "a mapping key must be a plain value", mark.line, mark.col)
            if key in out:
                self.positions.duplicates.append(((*path, str(key)), self.positions.mark(key_node)))
            out[key] = self.build(value_node, (*path, str(key)))
        return out


def _strings_in(value: Any, path: Path, seen: set[int] | None = None) -> Iterator[tuple[Path, str]]:
    """Strings inside a value PyYAML constructed (tags other than plain map/seq/str)."""
    seen = set() if seen is None else seen
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, (dict, list)) and id(value) not in seen:
        seen.add(id(value))
        if isinstance(value, dict):
            for key, child in value.items():
                yield from _strings_in(child, (*path, str(key)), seen)
        else:
            for index, child in enumerate(value):
                yield from _strings_in(child, (*path, index), seen)


def parse(text: str) -> tuple[FrontMatter, str, int]:
    yaml_text, first_line, body, body_line = split(text)
    data, positions, strings = load(yaml_text, first_line)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ParseError(
            "frontmatter-not-mapping",
            f"front matter must be a mapping of keys (title:, date:, ...), not {_kind(data)}",
            first_line,
            1,
        )
    data = {str(k): v for k, v in data.items()}
    return FrontMatter(data, positions, first_line - 1, body_line - 1, strings), body, body_line


def _kind(value: object) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (dt.date, dt.datetime)):
        return "a date"
    return f"a single {type(value).__name__} value"
