"""A checked postmortem (`corpus.Entry`) as JSON text and back, for the persistent cache.

JSON, not pickle: the cache folder may be shared (a checkout, a CI cache) and unpickling runs
whatever the file says. Values are tagged by type so they come back equal to what was stored:
dates and datetimes as ISO text, lists apart from tuples, action items as their fields. The
file's path and src_uri are not stored: they come from where the content is found, so the
same content checked by `pmkb check` and by the plugin shares one record.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

from .findings import Finding, Position
from .records import ActionItemRecord, Incident

_FIELDS = tuple(f.name for f in dataclasses.fields(Incident) if f.name not in ("stem", "src_uri"))
_ITEM_FIELDS = tuple(f.name for f in dataclasses.fields(ActionItemRecord))


class Unstorable(TypeError):
    """A value the codec has no tag for: the entry is judged again next time instead."""


def dumps(findings: tuple[Finding, ...], incident: Incident | None, anchor: Position, path: str) -> str:
    if any(f.path != path for f in findings):
        raise Unstorable("a finding about another file")
    record = None if incident is None else [_enc(getattr(incident, name)) for name in _FIELDS]
    rows = [[f.line, f.col, f.level, f.rule, f.message] for f in findings]
    return json.dumps([rows, record, [anchor.line, anchor.col]], separators=(",", ":"))


def loads(text: str, path: str, src_uri: str) -> tuple[tuple[Finding, ...], Incident | None, Position]:
    """Raises ValueError (or TypeError, KeyError) on text this version did not write."""
    rows, record, (line, col) = json.loads(text)
    findings = tuple(Finding(path, *row) for row in rows)
    incident = None
    if record is not None:
        if len(record) != len(_FIELDS):
            raise ValueError("an incident record of another shape")
        values = dict(zip(_FIELDS, (_dec(v) for v in record), strict=True))
        stem = src_uri.rsplit("/", 1)[-1].removesuffix(".md")
        incident = Incident(stem=stem, src_uri=src_uri, **values)
    return findings, incident, Position(int(line), int(col))


def _enc(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, dt.datetime):
        return {"t": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    if isinstance(value, tuple):
        if all(type(v) is str for v in value):  # services, tags, authors: each is its own form
            return list(value)
        return [_enc(v) for v in value]
    if isinstance(value, list):
        return {"l": [_enc(v) for v in value]}
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {"m": {k: _enc(v) for k, v in value.items()}}
    if isinstance(value, ActionItemRecord):
        return {"a": [_enc(getattr(value, name)) for name in _ITEM_FIELDS]}
    raise Unstorable(f"no JSON form for {type(value).__name__}")


def _dec(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_dec(v) for v in value)
    if not isinstance(value, dict):
        return value
    ((tag, inner),) = value.items()
    if tag == "t":
        return dt.datetime.fromisoformat(inner)
    if tag == "d":
        return dt.date.fromisoformat(inner)
    if tag == "l":
        return [_dec(v) for v in inner]
    if tag == "m":
        return {k: _dec(v) for k, v in inner.items()}
    if tag == "a":
        return ActionItemRecord(*(_dec(v) for v in inner))
    raise ValueError(f"unknown tag {tag!r}")
