"""A conversion -> the file's text with python-frontmatter, and its place in the knowledge base."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import frontmatter
import yaml

from .. import scaffold
from .convert import Conversion


class _Dumper(yaml.SafeDumper):
    """Timestamps as ISO 8601 (`2025-01-14T15:02:00Z`): PyYAML writes a space and `+00:00`.

    List items are indented under their key, as the template and the reference postmortems are.
    """

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _timestamp(dumper: yaml.SafeDumper, value: dt.datetime) -> yaml.ScalarNode:
    text = value.isoformat()
    if value.utcoffset() == dt.timedelta(0):
        text = text.removesuffix("+00:00") + "Z"
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", text)


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # PyYAML writes NEL and the Unicode line separators raw inside a single-quoted scalar,
    # where a reader folds them into spaces; double quotes escape them.
    style = '"' if any(ch in value for ch in "\x85\u2028\u2029") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(dt.datetime, _timestamp)
_Dumper.add_representer(str, _text)


def render(conv: Conversion) -> str:
    post = frontmatter.Post(conv.content, **conv.metadata)
    # sort_keys=False keeps the template's key order; a wide line keeps each action on one line.
    return frontmatter.dumps(post, Dumper=_Dumper, sort_keys=False, width=4096) + "\n"


def target(out_dir: Path, conv: Conversion) -> Path:
    """`YYYY-MM-DD-<slug>.md`, named exactly as `pmkb new` names a postmortem."""
    return scaffold.target_path(out_dir, conv.title, conv.date)
