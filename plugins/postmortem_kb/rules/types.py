"""Required keys, types, enums and formats, checked with the pydantic model."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic_core import ErrorDetails

from ..findings import Finding
from ..parsing.front_matter import Path
from .context import Context
from .paths import dotted

# What a union-typed key accepts, said the way an author would.
_EXPECTED: dict[str, str] = {
    "users_affected": 'a whole number or "unknown"',
    "revenue_impact": "text or a number",
    "root_cause_category": "a category slug or a list of them",
    "id": "a number or a short text",
}
_DATE_ERRORS = ("date_", "datetime_")
_MISSING = ("missing", "too_short", "string_too_short")


def check(ctx: Context) -> Iterator[Finding]:
    yield from _severity(ctx)
    _model, exc = ctx.validation
    if exc is not None:
        reported: set[Path] = set()
        for error in exc.errors():
            path = _data_path(ctx.meta, error)
            if path in reported or path in ctx.placeholder_paths:
                continue
            reported.add(path)
            yield _finding(ctx, path, error)


def _severity(ctx: Context) -> Iterator[Finding]:
    severity = ctx.meta.get("severity")
    levels = ctx.settings.severity_names
    if isinstance(severity, str) and severity not in levels and ("severity",) not in ctx.placeholder_paths:
        yield ctx.finding(
            "enum-value",
            ctx.value_pos("severity"),
            f"severity {severity!r} is not a configured level; use one of {', '.join(levels)}",
        )


def _data_path(data: Any, error: ErrorDetails) -> Path:
    """The error's location cut to the keys present in the data (drops union member tags)."""
    loc = tuple(error["loc"])
    if error["type"] == "missing":
        return loc
    path: list[str | int] = []
    node = data
    for part in loc:
        if (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        ):
            node = node[part]  # type: ignore[index]
        else:
            break
        path.append(part)
    return tuple(path)


def _finding(ctx: Context, path: Path, error: ErrorDetails) -> Finding:
    kind = error["type"]
    name = dotted(path) or "front matter"
    in_item = len(path) >= 2 and path[0] == "action_items" and isinstance(path[1], int)
    if kind in _MISSING:
        rule = "action-item-incomplete" if in_item else "required-key"
        what = "is required" if kind == "missing" else "must not be empty"
        return ctx.finding(rule, ctx.key_pos(*path), f"`{name}` {what}")
    pos = ctx.value_pos(*path)
    if kind == "literal_error":
        return ctx.finding("enum-value", pos, f"`{name}` must be one of {error.get('ctx', {}).get('expected')}")
    if kind == "timezone_aware":
        return ctx.finding("timestamp-offset", pos, f"`{name}` needs a UTC offset, e.g. 2024-05-01T14:03:00Z or +02:00")
    if kind.startswith(_DATE_ERRORS) or (kind == "value_error" and "date" in str(error.get("msg"))):
        example = "2024-05-01T14:03:00Z" if path[:1] == ("timeline",) else "2024-05-01 (YYYY-MM-DD)"
        why = str(error.get("msg", "")).removeprefix("Value error, ") if kind == "value_error" else "not a real date"
        return ctx.finding("invalid-date", pos, f"`{name}` is {why}; write e.g. {example}")
    if kind == "string_pattern_mismatch":
        return ctx.finding("invalid-slug", pos, f"`{name}` must be a lowercase slug like `payments-api`")
    expected = _EXPECTED.get(str(path[-1]) if path else "", _describe(kind))
    return ctx.finding("invalid-type", pos, f"`{name}` must be {expected}")


def _describe(kind: str) -> str:
    return {
        "string_type": "text",
        "list_type": "a list, e.g. [a, b]",
        "model_type": "a mapping of keys",
        "dict_type": "a mapping of keys",
        "int_type": "a whole number",
        "greater_than_equal": "zero or more",
        "float_type": "a number",
        "float_parsing": "a number",
    }.get(kind, "of the template's type")
