"""What every rule sees: the parsed file, the settings, and a way to report."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..findings import Finding, Level, Position
from ..model import FrontMatter
from ..parsing import ParsedFile
from ..parsing.action_table import ActionTable, find_action_table
from ..parsing.front_matter import Path
from ..settings import Settings
from .catalogue import RULES


@dataclass
class Context:
    doc: ParsedFile
    settings: Settings
    # Paths whose value is a template placeholder: reported once, as a placeholder.
    placeholder_paths: set[Path] = field(default_factory=set)
    # The validated record, set by rules/types.py when the front matter fits the model.
    model: FrontMatter | None = None

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
    def action_table(self) -> ActionTable | None:
        return find_action_table(self.doc.body)

    def mapping(self, key: str) -> dict[str, Any]:
        value = self.meta.get(key)
        return value if isinstance(value, dict) else {}

    def severity_is_major(self) -> bool:
        return self.meta.get("severity") in self.settings.major_severities
