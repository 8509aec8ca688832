"""YAML front matter with the source position of every key and value.

python-frontmatter discards where things were; validation findings must point at
the offending key, so the split is done here and YAML is composed into nodes
(libyaml when available) whose marks give line and column.

The split is MkDocs' own (`mkdocs.utils.meta.YAML_RE`, same delimiters and whitespace rules)
and the loader is the same libyaml safe loader: the checker must judge the document MkDocs
renders. When they disagreed (`---\f`, a non-breaking space after the closing `---`), the
check read front matter that MkDocs rendered as Markdown. Only plain YAML types are accepted
and aliases are expanded under a bound, so what passes is what every consumer can print.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Hashable
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
# Values after aliases are expanded: a real postmortem has a few hundred, an alias bomb of
# 2 KB has 9**8. Expansion is counted as it happens, so a bomb stops at the bound.
MAX_NODES = 20_000
MAX_DEPTH = 32  # a postmortem nests 3 deep (action_items[0].id); PyYAML recurses per level

# mkdocs.utils.meta.YAML_RE (MkDocs 1.6), copied so the parse layer imports no MkDocs: the definition
# `split` follows (`_delimited` finds the same span faster). tests/test_front_matter_split.py fails
# if the installed MkDocs' pattern ever differs, or `_delimited` from it.
YAML_RE = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.UNICODE | re.DOTALL)


class _Composer(_Loader):
    """The safe loader, asked for tags the short way.

    libyaml composes in C but asks the Python resolver for every node's tag, trying its regular
    expressions one after another. Without path resolvers (none is registered), a list or a mapping
    has the default tag, a quoted scalar is text, and so is a plain scalar whose first character
    starts no implicit resolver (most text: `Checkout 502s ...`, `payments-team`); the others
    (numbers, dates, `yes`, `null`, and text starting with their letters) are remembered by their
    text, since front matter repeats them (`status`, `Done`, `P1`) in every file.
    """

    def resolve(self, kind: type[Node], value: Any, implicit: tuple[bool, bool]) -> str:
        if self.yaml_path_resolvers:  # pragma: no cover - nothing registers one
            return super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call,no-any-return]
        if kind is ScalarNode:
            resolvers = self.yaml_implicit_resolvers
            if not implicit[0] or (value and value[0] not in resolvers and None not in resolvers):
                return _STR
            tag = _TAGS.get(value)
            if tag is None:
                tag = super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
                if len(_TAGS) >= _TAGS_LIMIT:  # values come from untrusted files: bounded
                    _TAGS.clear()
                _TAGS[value] = tag
            return tag
        return _SEQ if kind is SequenceNode else _MAP


_TAGS: dict[str, str] = {}
_TAGS_LIMIT = 100_000


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
    # The YAML as written: rules test it for a character before searching every value for it.
    yaml_text: str | None = None

    def may_contain(self, char: str) -> bool:
        """Whether any key or text value can contain `char`: only if the YAML holds it, or an
        escape sequence (a backslash) that could spell it. Without the YAML text, always."""
        return self.yaml_text is None or char in self.yaml_text or "\\" in self.yaml_text


def split(text: str) -> tuple[str, int, str, int]:
    """Return (yaml text, file line of its first line, body text, file line of body start).

    Exactly MkDocs' split: what MkDocs renders as the page is the body (after its leading
    blank lines, which MkDocs drops), and a file MkDocs finds no front matter in is refused.
    """
    found = _delimited(text)
    if found is None:
        raise _why_not_split(text)
    start, stop, end = found
    return text[start:stop], 2, text[end:], text.count("\n", 0, end) + 1


def _delimited(text: str) -> tuple[int, int, int] | None:
    """`YAML_RE.match(text)` as (start and end of its group, end of the match), found with `str.find`:
    the regular expression's lazy `.*?` tried the closing line at every character of the front
    matter (14 us a file, against 4). The property tests compare the two."""
    if not text.startswith("---"):
        return None
    size = len(text)
    at = 3
    while at < size and text[at] in " \t":
        at += 1
    if at == size or text[at] != "\n":
        return None
    start = at + 1
    search = start  # the closing line follows a line break at or after `start` (the group ends with it)
    while True:
        dashes, dots = text.find("\n---", search), text.find("\n...", search)
        if dashes < 0 and dots < 0:
            return None
        brk = dashes if dots < 0 or 0 <= dashes < dots else dots
        at = brk + 4
        while at < size and text[at] in " \t":
            at += 1
        if at < size and text[at] == "\n":
            return start, brk + 1, at + 1
        search = brk + 1


def _why_not_split(text: str) -> ParseError:
    lines = text.split("\n")
    first = lines[0]
    if first.startswith("\ufeff"):
        return ParseError(
            "frontmatter-missing",
            "the file starts with a second byte-order mark before '---'; save it as UTF-8 without it",
        )
    if first.rstrip() != "---" and not first.startswith("---"):
        return ParseError("frontmatter-missing", "no YAML front matter: the file must start with a line '---'")
    if first.rstrip(" \t") != "---":
        return ParseError(
            "frontmatter-missing",
            f"the opening '---' is followed by {_odd(first[3:])}; MkDocs reads front matter only when "
            "'---' is alone on its line (spaces and tabs allowed), and would render this YAML as text",
        )
    for number, line in enumerate(lines[1:], start=2):
        if line.rstrip(" \t") in ("---", "..."):
            if number == len(lines):  # the last line, with no line break after it
                return ParseError(
                    "frontmatter-unclosed",
                    "the closing '---' must end with a line break; MkDocs would render this YAML as text",
                    number,
                )
            if number == 2:
                return ParseError("frontmatter-not-mapping", "the front matter is empty", 1)
        elif line.rstrip() in ("---", "...") or line[:3] in ("---", "..."):
            return ParseError(
                "frontmatter-unclosed",
                f"the closing '{line[:3]}' is followed by {_odd(line[3:])}; MkDocs only closes front matter "
                "with '---' or '...' alone on a line (spaces and tabs allowed)",
                number,
                4,
            )
    return ParseError("frontmatter-unclosed", "front matter is never closed: add a line '---' after it")


def _odd(rest: str) -> str:
    shown = rest.rstrip(" \t")[:1] or rest[:1]
    return f"the character U+{ord(shown):04X} ({shown!r})" if shown else "nothing"


def load(yaml_text: str, first_line: int) -> tuple[Any, Positions, list[tuple[Path, str]]]:
    offset = first_line - 1
    positions = Positions(offset=offset, start=Position(max(first_line - 1, 1), 1))
    try:
        node = yaml.compose(yaml_text, Loader=_Composer)
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


_Y = "tag:yaml.org,2002:"
_STR, _MAP, _SEQ, _MERGE, _TIMESTAMP = (_Y + t for t in ("str", "map", "seq", "merge", "timestamp"))
# Scalars every consumer (pydantic, JSON, Jinja, the theme) handles as they are.
_PLAIN_SCALARS = frozenset(_Y + t for t in ("int", "float", "bool", "null"))
_INT, _BOOL, _NULL = _Y + "int", _Y + "bool", _Y + "null"


class _Builder:
    """Nodes -> plain Python values in one pass, noting duplicate keys.

    Aliases are expanded (each use is a copy, counted), so no consumer meets a shared or
    cyclic structure, and expansion stops at MAX_NODES with a located error instead of
    hanging whoever walks the value next. Tags other than plain scalars, lists and mappings
    (`!!set`, `!!binary`, `!!python/...`, local tags, merge keys) are refused where they stand.
    """

    def __init__(self, positions: Positions) -> None:
        self.positions = positions
        self.constructor = _Constructor()
        self.count = 0
        self.strings: list[tuple[Path, str]] = []  # every string value, for the text rules

    def build(self, node: Node, path: Path) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise self._error(
                "yaml-too-large",
                node,
                path,
                f"front matter expands to over {MAX_NODES} values (each `*alias` repeats what it names); "
                "write the values out",
            )
        if len(path) > MAX_DEPTH:
            raise self._error("yaml-too-large", node, path, f"front matter nests over {MAX_DEPTH} levels deep")
        tag = node.tag
        if isinstance(node, ScalarNode):
            if tag == _STR:
                self.strings.append((path, node.value))
                return node.value
            if tag not in _PLAIN_SCALARS and tag != _TIMESTAMP:
                raise self._refused(node, path)
            value = self._scalar(node, path)
            if isinstance(value, float) and not math.isfinite(value):
                raise self._error(
                    "non-finite-number",
                    node,
                    path,
                    f"`{node.value}` is not a finite number; JSON exports and figures need a real number",
                )
            return value
        if isinstance(node, MappingNode) and tag == _MAP:
            return self._mapping(node, path)
        if isinstance(node, SequenceNode) and tag == _SEQ:
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        raise self._refused(node, path)

    def _refused(self, node: Node, path: Path) -> ParseError:
        tag = node.tag
        name = tag.replace(_Y, "!!") if tag.startswith(_Y) else tag if tag.startswith("!") else f"!<{tag}>"
        kind = ""
        if tag in _PLAIN_SCALARS or tag in (_STR, _TIMESTAMP, _MAP, _SEQ):  # a plain tag on the wrong node
            kind = " on a list" if isinstance(node, SequenceNode) else " on a mapping"
        return self._error(
            "yaml-tag",
            node,
            path,
            f"the YAML type `{name}`{kind} is not allowed in front matter; use plain text, numbers, "
            "true/false, dates, lists and mappings",
        )

    def _error(self, rule: str, node: Node, path: Path, message: str) -> ParseError:
        # An expanded alias's node is wherever its anchor was; the top-level key using it says more.
        at_key = rule == "yaml-too-large" and path
        mark = self.positions.key(path[:1]) if at_key else self.positions.mark(node)
        return ParseError(rule, message, mark.line, mark.col)

    def _scalar(self, node: ScalarNode, path: Path) -> Any:
        """An int, float, bool, null or timestamp. An explicit tag on text that is not one
        (`!!bool maybe`, `!!int ''`) made PyYAML raise KeyError, IndexError or AttributeError: its
        constructors trust the resolver, which an explicit tag bypasses. Any failure is the value's."""
        # The common spellings directly, as PyYAML's constructors read them: `3`, `true`, `null`
        # (a leading 0 is octal in YAML 1.1 and goes to PyYAML).
        tag, value = node.tag, node.value
        if tag == _INT and value.isdecimal() and value.isascii() and (value[0] != "0" or len(value) == 1):
            return int(value)
        if tag == _BOOL and value.lower() in SafeConstructor.bool_values:
            return SafeConstructor.bool_values[value.lower()]
        if tag == _NULL:
            return None
        try:
            if node.tag == _TIMESTAMP:
                return self._timestamp(node, path)
            return self.constructor.construct_object(node)
        except Exception:
            message = f"invalid YAML in front matter: {node.value!r} is not {node.tag.replace(_Y, '!!')}"
            raise self._error("yaml-syntax", node, path, message) from None

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
            if key_node.tag == _MERGE:
                message = "YAML merge keys (`<<`) are not allowed in front matter; write the keys out"
                raise self._error("yaml-tag", key_node, path, message)
            if key_node.tag == _STR and isinstance(key_node, ScalarNode):  # nearly every key: text
                key = name = key_node.value
            else:
                key = self.build(key_node, path)
                if not isinstance(key, Hashable):
                    mark = self.positions.mark(key_node)
                    raise ParseError("yaml-syntax", "a mapping key must be a plain value", mark.line, mark.col)
                name = str(key)
            if key in out:
                self.positions.duplicates.append(((*path, name), self.positions.mark(key_node)))
            if (
                value_node.tag == _STR
                and type(value_node) is ScalarNode
                and self.count < MAX_NODES
                and len(path) < MAX_DEPTH
            ):
                # most values are text: `build`'s work for them, without its call
                self.count += 1
                self.strings.append(((*path, name), value_node.value))
                out[key] = value_node.value
            else:
                out[key] = self.build(value_node, (*path, name))
        return out


def parse(text: str) -> tuple[FrontMatter, str, int]:
    yaml_text, first_line, body, body_line = split(text)
    data, positions, strings = load(yaml_text, first_line)
    if data is None:  # MkDocs then renders the whole file, front matter included, as Markdown
        raise ParseError("frontmatter-not-mapping", "the front matter is empty", first_line - 1, 1)
    if not isinstance(data, dict):
        raise ParseError(
            "frontmatter-not-mapping",
            f"front matter must be a mapping of keys (title:, date:, ...), not {_kind(data)}",
            first_line,
            1,
        )
    data = {str(k): v for k, v in data.items()}
    return FrontMatter(data, positions, first_line - 1, body_line - 1, strings, yaml_text), body, body_line


def _kind(value: object) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (dt.date, dt.datetime)):
        return "a date"
    return f"a single {type(value).__name__} value"
