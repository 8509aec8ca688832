"""What the knowledge base's numbers mean, one definition each.

The summary card, the generated pages, `pmkb stats` and the pandas frames all call these,
so "done", "overdue", "small sample" and "p90" never differ between two places.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

DONE_STATUSES = frozenset({"Done", "Won't Do"})  # closed: nobody is working on it any more
SMALL_SAMPLE = 5  # fewer incidents than this make a figure a small sample, flagged wherever shown
PERCENTILE_MIN = 10  # a p90 of fewer points is an interpolation, not any incident's value


class Item(Protocol):
    @property
    def status(self) -> str: ...
    @property
    def due(self) -> dt.date | None: ...


def is_open(item: Item) -> bool:
    return item.status not in DONE_STATUSES


def is_overdue(item: Item, today: dt.date) -> bool:
    """Open and due before today ("today" is SOURCE_DATE_EPOCH's day when set: see clock.py)."""
    return is_open(item) and item.due is not None and item.due < today


def is_small_sample(count: int) -> bool:
    return count < SMALL_SAMPLE


def share(part: int, whole: int) -> float | None:
    """part / whole as a percentage; None (shown as a dash) when there is nothing to divide by."""
    return 100 * part / whole if whole else None


def p90(values: Iterable[float]) -> float | None:
    """The 90th percentile (linear interpolation, as pandas' default), or None for fewer than
    PERCENTILE_MIN values."""
    points = sorted(v for v in values if v is not None and not math.isnan(v))
    if len(points) < PERCENTILE_MIN:
        return None
    rank = 0.9 * (len(points) - 1)
    low = math.floor(rank)
    high = min(low + 1, len(points) - 1)
    return points[low] + (points[high] - points[low]) * (rank - low)


@dataclass(frozen=True)
class Completion:
    """Follow-through on a set of action items. "Done" is a share of the items not marked Won't Do:
    dropping an item on purpose is a decision, not a failure to follow through."""

    total: int
    done: int
    wont_do: int
    open: int
    overdue: int

    @property
    def actionable(self) -> int:
        return self.total - self.wont_do

    @property
    def closed(self) -> int:
        return self.total - self.open

    @property
    def done_share(self) -> float | None:
        return share(self.done, self.actionable)


def completion(items: Sequence[Item], today: dt.date) -> Completion:
    return Completion(
        total=len(items),
        done=sum(1 for i in items if i.status == "Done"),
        wont_do=sum(1 for i in items if i.status == "Won't Do"),
        open=sum(1 for i in items if is_open(i)),
        overdue=sum(1 for i in items if is_overdue(i, today)),
    )
