"""Time-zone designators people write beside times ("UTC", "CET", "UTC+2", "+05:30") -> offsets.

Only abbreviations with one common meaning are listed; an ambiguous one (IST, CST in Asia)
would silently shift every timestamp, so an unknown designator leaves the offset unknown.
"""

from __future__ import annotations

import datetime as dt
import re

ABBREVIATIONS: dict[str, float] = {
    "Z": 0,
    "UTC": 0,
    "GMT": 0,
    "WET": 0,
    "WEST": 1,
    "BST": 1,
    "CET": 1,
    "CEST": 2,
    "EET": 2,
    "EEST": 3,
    "MSK": 3,
    "EST": -5,
    "EDT": -4,
    "CDT": -5,
    "MST": -7,
    "MDT": -6,
    "PST": -8,
    "PDT": -7,
    "JST": 9,
    "KST": 9,
    "AEST": 10,
    "AEDT": 11,
    "NZST": 12,
    "NZDT": 13,
}
_NUMERIC = re.compile(r"^(?:(?:UTC|GMT)\s*)?([+\-−])(\d{1,2})(?::?(\d{2}))?$", re.I)
# A designator inside running text ("All times in CET", "Time (UTC+1)"); any capitalised word
# is a candidate, and `offset_of` keeps only the known ones.
DESIGNATOR = re.compile(r"\b(?:UTC|GMT)\s*[+\-−]\s*\d{1,2}(?::?\d{2})?(?!\d)|\b[A-Z]{2,5}\b|[+\-−]\d{2}:\d{2}")


def offset_of(designator: str) -> dt.timedelta | None:
    text = designator.strip()
    if text.upper() in ABBREVIATIONS:
        return dt.timedelta(hours=ABBREVIATIONS[text.upper()])
    match = _NUMERIC.match(text.replace(" ", ""))
    if match is None:
        return None
    sign = -1 if match.group(1) in "-−" else 1
    hours, minutes = int(match.group(2)), int(match.group(3) or 0)
    if hours > 14 or minutes > 59:
        return None
    return sign * dt.timedelta(hours=hours, minutes=minutes)


def zone_in_text(text: str) -> dt.timedelta | None:
    """The first designator in a line of prose or a column header that names a known offset."""
    for match in DESIGNATOR.finditer(text):
        offset = offset_of(match.group(0))
        if offset is not None:
            return offset
    return None
