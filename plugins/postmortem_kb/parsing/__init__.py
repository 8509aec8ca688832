"""Parse layer: postmortem text -> front matter with positions + body sections and tables."""

from .document import ParsedFile, parse_text
from .errors import ParseError

__all__ = ["ParseError", "ParsedFile", "parse_text"]
