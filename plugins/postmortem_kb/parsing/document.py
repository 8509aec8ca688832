"""A parsed postmortem file: front matter with positions, plus its body."""

from __future__ import annotations

from dataclasses import dataclass

from .body import Body, parse_body
from .front_matter import FrontMatter, parse
from .source import normalise_newlines


@dataclass
class ParsedFile:
    path: str
    front_matter: FrontMatter
    body: Body

    @property
    def meta(self) -> dict[str, object]:
        return self.front_matter.data


def parse_text(path: str, text: str) -> ParsedFile:
    """Raises ParseError when the file has no usable front matter."""
    front_matter, body_text, body_line = parse(normalise_newlines(text))
    return ParsedFile(path, front_matter, parse_body(body_text, body_line))
