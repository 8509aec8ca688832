"""What every rule sees: the parsed file, the settings, and a way to report."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from pydantic import ValidationError

from ..findings import Finding, Level, Position
from ..model import FrontMatter
from ..parsing import ParsedFile
from ..parsing.action_table import ActionTable, find_action_table
from ..parsing.front_matter import Path
from ..parsing.placeholders import PLACEHOLDER
from ..settings import Settings
from .catalogue import RULES


@dataclass
class Context:
    """Derived facts are cached properties, so no rule depends on another having run first."""

    doc: ParsedFile
    settings: Settings

    @cached_property
    def placeholder_paths(self) -> frozenset[Path]:
        """Paths whose value is a template placeholder: reported once, as a placeholder, and
        left alone by the type rules."""
        return frozenset(path for path, value in self.strings if "{" in value and PLACEHOLDER.search(value))

    @cached_property
    def validation(self) -> tuple[FrontMatter | None, ValidationError | None]:
        """The front matter validated against the model: the record, or why it does not fit."""
        try:
            return FrontMatter.model_validate(self.meta), None
        except ValidationError as exc:
            return None, exc

    @property
    def model(self) -> FrontMatter | None:
        return self.validation[0]

    @property
    def meta(self) -> dict[str, Any]:
        return self.doc.front_matter.data

    def finding(self, rule: str, pos: Position, message: str, level: Level | None = None) -> Finding:
        """A finding at its catalogue level, unless a setting (e.g. `blameless: error`) overrides it."""
        return Finding(self.doc.path, pos.line, pos.col, level or RULES[rule].level, rule, message)

    def key_pos(self, *path: str | int) -> Position:
        return self.doc.front_matter.positions.key(path)

    def value_pos(self, *path: str | int) -> Position:
        return self.doc.front_matter.positions.value(path)

    @property
    def strings(self) -> list[tuple[Path, str]]:
        """Every string in the front matter with its path (several rules scan them)."""
        return self.doc.front_matter.strings

    @cached_property
    def line_texts(self) -> list[str]:
        """The text of every body line, in order (rules that search the whole body at once)."""
        return [line.text for line in self.doc.body.lines]

    @cached_property
    def body_text(self) -> str:
        """The body's lines joined: one `in` test tells a rule whether any line can concern it."""
        return "\n".join(self.line_texts)

    @cached_property
    def action_table(self) -> ActionTable | None:
        return find_action_table(self.doc.body)

    def mapping(self, key: str) -> dict[str, Any]:
        value = self.meta.get(key)
        return value if isinstance(value, dict) else {}

    def severity_is_major(self) -> bool:
        return self.meta.get("severity") in self.settings.major_severities
