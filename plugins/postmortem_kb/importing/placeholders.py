"""Placeholders for what a document does not say, in the words `pmkb new`'s scaffold uses.

They are read out of the scaffold itself, so an imported postmortem and a new one walk the
author through the same `pmkb check` findings.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from .. import scaffold
from ..parsing import parse_text

STATUS = "{Draft, Reviewed or Published}"


@cache
def scaffold_values() -> dict[str, Any]:
    text = scaffold.render("x", dt.date(2000, 1, 1), "SEV1", '"{service slug}"')
    return parse_text("scaffold.md", text).meta


def scaffold_value(*path: str) -> Any:
    value: Any = scaffold_values()
    for part in path:
        value = value[part]
    return value


def severity(levels: tuple[str, ...]) -> str:
    return "{one of " + ", ".join(levels) + "}"


def local_time(moment: dt.datetime) -> str:
    """A time whose zone the document never states: the author adds the offset."""
    return "{" + moment.isoformat() + " plus its UTC offset, Z or +hh:mm}"
