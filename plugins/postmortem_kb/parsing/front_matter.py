"""YAML front matter with the source position of every key and value.

python-frontmatter discards where things were; validation findings must point at
the offending key, so the split is done here and YAML is composed into nodes
(libyaml when available) whose marks give line and column.
"""

from __future__ import annotations

import datetime as dt
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
    """Where each front-matter path sits in the file (1-based, file coordinates)."""

    keys: dict[Path, Position] = field(default_factory=dict)
    values: dict[Path, Position] = field(default_factory=dict)
    start: Position = field(default_factory=Position)
    duplicates: list[tuple[Path, Position]] = field(default_factory=list)

    def key(self, path: Path) -> Position:
        """The key of `path`, else the nearest enclosing key that exists."""
        for i in range(len(path), 0, -1):
            pos = self.keys.get(path[:i]) or self.values.get(path[:i])
            if pos is not None:
                return pos
        return self.start

    def value(self, path: Path) -> Position:
        """The value of `path`, else its key, else the nearest enclosing one."""
        return self.values.get(path) or self.key(path)


@dataclass
class FrontMatter:
    data: dict[str, Any]
    positions: Positions
    first_line: int  # file line of the opening ---
    end_line: int  # file line of the closing ---


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


def load(yaml_text: str, first_line: int) -> tuple[Any, Positions]:
    offset = first_line - 1
    try:
        node = yaml.compose(yaml_text, Loader=_Loader)
        positions = Positions(start=Position(max(first_line - 1, 1), 1))
        if node is None:
            return None, positions
        _walk(node, (), positions, offset, [0], set())
        data = _Constructor().construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1 + offset, mark.column + 1) if mark else (first_line, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        raise ParseError("yaml-syntax", f"invalid YAML in front matter: {problem}", line, col) from None
    except (yaml.YAMLError, RecursionError, ValueError, TypeError, OverflowError) as exc:
        raise ParseError("yaml-syntax", f"invalid YAML in front matter: {exc}", first_line, 1) from None
    return data, positions


def _pos(node: Node, offset: int) -> Position:
    return Position(node.start_mark.line + 1 + offset, node.start_mark.column + 1)


def _walk(node: Node, path: Path, out: Positions, offset: int, count: list[int], seen: set[int]) -> None:
    count[0] += 1
    if count[0] > MAX_NODES:
        raise ParseError("yaml-syntax", f"front matter too large (over {MAX_NODES} YAML nodes)")
    if isinstance(node, ScalarNode) or id(node) in seen:
        return
    seen.add(id(node))  # aliases share nodes: walk each once
    if isinstance(node, MappingNode):
        names: set[str] = set()
        for key_node, value_node in node.value:
            name = key_node.value if isinstance(key_node, ScalarNode) else repr(key_node.value)
            child = (*path, name)
            if name in names:
                out.duplicates.append((child, _pos(key_node, offset)))
            else:
                names.add(name)
                out.keys[child] = _pos(key_node, offset)
                out.values[child] = _pos(value_node, offset)
            _walk(value_node, child, out, offset, count, seen)
    elif isinstance(node, SequenceNode):
        for i, item in enumerate(node.value):
            out.values[(*path, i)] = _pos(item, offset)
            _walk(item, (*path, i), out, offset, count, seen)


def parse(text: str) -> tuple[FrontMatter, str, int]:
    yaml_text, first_line, body, body_line = split(text)
    data, positions = load(yaml_text, first_line)
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
    return FrontMatter(data, positions, first_line - 1, body_line - 1), body, body_line


def _kind(value: object) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (dt.date, dt.datetime)):
        return "a date"
    return f"a single {type(value).__name__} value"
