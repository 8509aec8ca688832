"""started <= detected <= acknowledged <= diagnosed <= mitigated <= resolved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ..findings import Finding
from ..model import TIMELINE_ORDER
from .context import Context


def check(ctx: Context) -> Iterator[Finding]:
    timeline = ctx.mapping("timeline")
    previous: tuple[str, dt.datetime] | None = None
    for key in TIMELINE_ORDER:
        moment = as_aware(timeline.get(key))
        if moment is None:
            continue
        if previous is not None and moment < previous[1]:
            yield ctx.finding(
                "timeline-order",
                ctx.value_pos("timeline", key),
                f"timeline.{key} ({moment.isoformat()}) is before timeline.{previous[0]} "
                f"({previous[1].isoformat()}); expected {' <= '.join(TIMELINE_ORDER)}",
            )
        else:
            previous = (key, moment)


def as_aware(value: object) -> dt.datetime | None:
    """A timestamp with an offset, from YAML or from a quoted ISO string; else None."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value
    return None
