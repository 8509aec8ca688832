"""The published JSON Schema agrees with the validator on real and broken front matter."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
from postmortem_kb.parsing import parse_text
from postmortem_kb.schema import front_matter_schema
from postmortem_kb.settings import Settings

from .conftest import GOLDEN_BASE, REFERENCE_KB


def _as_json(meta: dict[str, Any]) -> Any:
    """What an editor's YAML language server sees: dates and timestamps as ISO strings."""
    return json.loads(json.dumps(meta, default=lambda v: v.isoformat()))


def test_schema_accepts_every_reference_postmortem() -> None:
    validator = jsonschema.Draft202012Validator(front_matter_schema(Settings()))
    validator.check_schema(validator.schema)
    files = sorted(REFERENCE_KB.glob("2*.md"))
    assert len(files) >= 12
    for path in files:
        meta = parse_text(str(path), path.read_text(encoding="utf-8")).meta
        errors = list(validator.iter_errors(_as_json(meta)))
        assert errors == [], (path.name, [e.message for e in errors])


def test_schema_rejects_what_the_validator_rejects() -> None:
    validator = jsonschema.Draft202012Validator(front_matter_schema(Settings()))
    meta = parse_text("x.md", GOLDEN_BASE.read_text()).meta
    for key, bad in [("severity", "SEV9"), ("status", "Done"), ("services", "checkout"), ("authors", [])]:
        broken = _as_json({**meta, key: bad})
        assert not validator.is_valid(broken), key
    missing = _as_json({k: v for k, v in meta.items() if k != "title"})
    assert not validator.is_valid(missing)
