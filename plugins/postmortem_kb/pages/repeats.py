"""`repeat-causes/`: groups of repeats, and similar incidents on other services."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..records import Incident
from ..relations import Relation, RepeatGroup
from ..settings import Settings
from .render import Link, Renderer


def repeat_causes_markdown(settings: Settings) -> str:
    return f"""---
title: Repeat causes
search:
  exclude: true
---

# Repeat causes

Incidents that happened again on the same service: the same root-cause category within
{settings.repeat_window_days} days, or Root Cause Analysis text similar enough (TF-IDF cosine
of at least {settings.similarity_threshold:g}). **Recurred after a fix** marks an incident whose
earlier twin had every action item done, and due, before it started: the fixes did not cover it.
Similar incidents on unrelated services are listed after the groups: worth reading together,
never counted as repeats.

<div data-pmkb-slot="repeat-causes"></div>
"""


@dataclass(frozen=True)
class GroupView:
    group: RepeatGroup
    causes: list[str]
    services: list[str]
    rows: list[tuple[Incident, int | None]]  # incident, days since the previous one


def repeat_causes_html(
    groups: Sequence[RepeatGroup], similar: Sequence[Relation], by_stem: dict[str, Incident], renderer: Renderer,
    link: Link,
) -> str:  # fmt: skip
    ordered = sorted(groups, key=lambda g: (not g.after_fix, -len(g.incidents), -g.incidents[-1].date.toordinal()))
    views = [
        GroupView(
            g,
            sorted({c for i in g.incidents for c in i.root_causes}),
            sorted({s for i in g.incidents for s in i.services}),
            list(zip(g.incidents, [None, *g.gaps_days()], strict=True)),
        )
        for g in ordered
    ]
    pairs = [(by_stem[r.a], by_stem[r.b], r.reason) for r in similar if r.a in by_stem and r.b in by_stem]
    pairs.sort(key=lambda p: (p[1].date, p[1].stem), reverse=True)
    return renderer.render(
        "repeat-causes", link, groups=views, after_fix=sum(1 for g in groups if g.after_fix), similar=pairs
    )
