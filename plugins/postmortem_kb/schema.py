"""The JSON Schema (draft 2020-12) of the front matter, from the validator's own model."""

from __future__ import annotations

from typing import Any

from .model import FrontMatter
from .settings import Settings

SCHEMA_ID = "https://postmortem-kb.dev/schema/postmortem.schema.json"


def front_matter_schema(settings: Settings) -> dict[str, Any]:
    schema = FrontMatter.model_json_schema(mode="validation")
    props = schema["properties"]
    # Configured values the static model cannot know.
    props["severity"]["enum"] = list(settings.severity_names)
    props["root_cause_category"]["examples"] = list(settings.root_cause_categories)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "postmortem-kb postmortem front matter",
        **schema,
    }
