"""Exports written into the site: incidents.json, incidents.csv, action-items.csv.

Stable column order, ISO 8601 timestamps, durations in minutes, lists joined by ";" in CSV.

CSV is opened in spreadsheets, which run a cell that starts with `=`, `+`, `-` or `@` (or a
tab or carriage return before one) as a formula: `=HYPERLINK(...)` in an action item would
be live. Following OWASP's advice on CSV injection, such text cells get a leading `'`, which
spreadsheets show as text; the JSON export keeps the text as written.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd

from .frames import ACTION_ITEM_COLUMNS, INCIDENT_COLUMNS

_LISTS = ("services", "root_causes")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A text cell a spreadsheet would run as a formula, prefixed with `'`; anything else as is."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    for column in frame.columns:
        if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column].dtype):
            frame[column] = frame[column].map(neutralise)
    return frame


def _plain(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    out = frame.loc[:, list(columns)].copy()
    for column in out.columns:
        series = out[column]
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            # the frame holds timestamps in UTC (frames.py); vectorised formatting, not a map over rows
            out[column] = series.dt.strftime("%Y-%m-%dT%H:%M:%SZ").where(series.notna(), None)
        elif pd.api.types.is_datetime64_any_dtype(series):
            out[column] = series.dt.strftime("%Y-%m-%d").where(series.notna(), None)
    return out


def incidents_json(frame: pd.DataFrame) -> str:
    """pandas' "split" orient, `{"columns": [...], "data": [[...], ...]}`, which
    `pandas.read_json(path, orient="split")` reads back: as one object per incident the 34 names
    were repeated in every record, half the file's size."""
    rows = _plain(frame, INCIDENT_COLUMNS).astype(object).where(lambda f: f.notna(), None).values.tolist()
    # a whole number of minutes as 90, not 90.0 (the same JSON number, two bytes fewer in each cell)
    rows = [[int(v) if isinstance(v, float) and v.is_integer() else v for v in row] for row in rows]
    # compact: with indent the json module falls back to its pure-Python encoder
    return strict_json({"columns": list(INCIDENT_COLUMNS), "data": rows}, separators=(",", ":"))


def incident_records(text: str) -> list[dict[str, Any]]:
    """incidents.json's rows as one dict per incident, with JSON's own types (null stays None)."""
    data = json.loads(text)
    return [dict(zip(data["columns"], row, strict=True)) for row in data["data"]]


def strict_json(value: Any, **options: Any) -> str:
    """JSON as RFC 8259 has it: a NaN or infinity (never recorded, or computed from nothing) is null,
    not the `NaN`/`Infinity` Python writes and strict parsers reject."""
    try:
        # Most values hold none: the encoder's own check passes without copying the value first
        # (the copy was a third of the incidents export on 1,000 postmortems).
        return json.dumps(value, allow_nan=False, ensure_ascii=False, **options)
    except ValueError:
        return json.dumps(_finite(value), allow_nan=False, ensure_ascii=False, **options)


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def incidents_csv(frame: pd.DataFrame) -> str:
    out = _plain(frame, INCIDENT_COLUMNS)
    for column in _LISTS:
        out[column] = out[column].map(";".join)
    return str(_spreadsheet_safe(out).to_csv(index=False, float_format="%.2f", lineterminator="\n"))


def action_items_csv(items: pd.DataFrame) -> str:
    out = _plain(items, ACTION_ITEM_COLUMNS)
    out["services"] = out["services"].map(";".join)
    return str(_spreadsheet_safe(out).to_csv(index=False, lineterminator="\n"))
