"""The JSON Schema (draft 2020-12) of the front matter, from the validator's own model."""

from __future__ import annotations

from typing import Any

from .model import FrontMatter
from .settings import Settings
from .theme_keys import HIDE_VALUES, REFUSED

_LINE = {"type": "string", "pattern": "^[^\\n]{0,300}$"}
# Keys MkDocs and the theme act on, as the theme-key rule judges them (theme_keys.py).
THEME_KEY_SCHEMA: dict[str, Any] = {
    **{key: {"not": {}, "description": f"refused: {why}"} for key, why in REFUSED.items()},
    "description": {**_LINE, "description": "page description (<meta name=description>)"},
    "author": {**_LINE, "description": "page author (<meta name=author>)"},
    "subtitle": _LINE,
    "hide": {"type": "array", "items": {"enum": sorted(HIDE_VALUES)}},
    "search": {
        "type": "object",
        "properties": {"exclude": {"type": "boolean"}, "boost": {"type": "number", "exclusiveMinimum": 0}},
        "additionalProperties": False,
    },
    "icon": {"type": "string", "pattern": "^[a-z0-9-]+(/[a-z0-9-]+)+$"},
    "comments": {"type": "boolean"},
}

SCHEMA_ID = "https://postmortem-kb.dev/schema/postmortem.schema.json"


def front_matter_schema(settings: Settings) -> dict[str, Any]:
    schema = FrontMatter.model_json_schema(mode="validation")
    props = schema["properties"]
    # Configured values the static model cannot know.
    props["severity"]["enum"] = list(settings.severity_names)
    props["root_cause_category"]["examples"] = list(settings.root_cause_categories)
    _declare_extra_keys(schema, settings.extra_keys)
    props.update(THEME_KEY_SCHEMA)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "postmortem-kb postmortem front matter",
        **schema,
    }


# Where each front-matter mapping's properties live in the schema, for dotted `extra_keys`.
_MAPPINGS = {"timeline": "Timeline", "impact": "Impact", "roles": "Roles", "action_items": "ActionItem"}


def _declare_extra_keys(schema: dict[str, Any], extra_keys: tuple[str, ...]) -> None:
    """The organisation's own keys, of any type, so editors offer them; the schema rejects no other
    key either (unknown keys are warnings with a suggestion, reported by `pmkb check`)."""
    for key in extra_keys:
        owner, _, name = key.rpartition(".")
        target = schema if not owner else schema.get("$defs", {}).get(_MAPPINGS.get(owner, ""))
        if target is not None and name:
            target.setdefault("properties", {})[name] = {"description": "declared in extra_keys"}
