"""One postmortem judged on its own: parse, rules, validated front matter. Never raises."""

from __future__ import annotations

from dataclasses import dataclass

from .findings import Finding, Position
from .model import FrontMatter
from .parsing import ParsedFile, ParseError, parse_text
from .parsing.source import decode
from .rules import RULES, judge
from .settings import Settings


@dataclass
class Evaluation:
    """One file judged: its parse (None when unparseable), findings and validated front matter."""

    doc: ParsedFile | None
    findings: list[Finding]
    model: FrontMatter | None = None

    @property
    def anchor(self) -> Position:
        """Where findings about the file as a whole point: its `related` key, else its title."""
        if self.doc is None:
            return Position()
        positions = self.doc.front_matter.positions
        return positions.key(("related",)) if "related" in self.doc.meta else positions.key(("title",))


def evaluate_text(path: str, text: str, settings: Settings) -> Evaluation:
    try:
        doc = parse_text(path, text)
    except ParseError as exc:
        return Evaluation(None, [parse_finding(path, exc)])
    findings, model = judge(doc, settings)
    return Evaluation(doc, findings, model)


def evaluate_bytes(path: str, data: bytes, settings: Settings) -> Evaluation:
    try:
        text = decode(data)
    except ParseError as exc:
        return Evaluation(None, [parse_finding(path, exc)])
    return evaluate_text(path, text, settings)


def parse_finding(path: str, exc: ParseError) -> Finding:
    return Finding(path, exc.line, exc.col, RULES[exc.rule].level, exc.rule, exc.message)
