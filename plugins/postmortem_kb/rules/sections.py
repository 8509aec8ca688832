"""The body's H2 sections: present, in the template's order, and not empty."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding, Position
from ..parsing.body import Section, normalise_title
from .context import Context


def check(ctx: Context) -> Iterator[Finding]:
    required = ctx.settings.required_sections
    order = {normalise_title(t): i for i, t in enumerate(required)}
    present = [s for s in ctx.doc.body.sections if s.key in order]
    seen_keys = {s.key for s in present}
    yield from _order(ctx, present, order, required)
    for index, title in enumerate(required):
        if normalise_title(title) not in seen_keys:
            yield ctx.finding("section-missing", _where_missing(ctx, present, order, index), _missing(required, index))
    for section in present:
        if not section.has_content():
            yield ctx.finding("section-empty", Position(section.line, 1), f"section '## {section.title}' is empty")
        wanted = _subsections(ctx, section)
        yield from _children(ctx, section, wanted)


def _order(ctx: Context, present: list[Section], order: dict[str, int], required: tuple[str, ...]) -> Iterator[Finding]:
    highest = -1
    for section in present:
        rank = order[section.key]
        if rank < highest:
            yield ctx.finding(
                "section-order",
                Position(section.line, 1),
                f"section '## {section.title}' is out of order; the template's order is: {', '.join(required)}",
            )
        highest = max(highest, rank)


def _where_missing(ctx: Context, present: list[Section], order: dict[str, int], index: int) -> Position:
    """Point at the first present section that should come after the missing one."""
    after = [s for s in present if order[s.key] > index]
    if after:
        return Position(after[0].line, 1)
    return Position(max(ctx.doc.body.lines[-1].number if ctx.doc.body.lines else 1, 1), 1)


def _missing(required: tuple[str, ...], index: int) -> str:
    place = f"after '## {required[index - 1]}'" if index else "first"
    return f"missing required section '## {required[index]}' ({place})"


def _subsections(ctx: Context, section: Section) -> tuple[str, ...]:
    for title, children in ctx.settings.required_subsections.items():
        if normalise_title(title) == section.key:
            return children
    return ()


def _children(ctx: Context, section: Section, wanted: tuple[str, ...]) -> Iterator[Finding]:
    by_key = {c.key: c for c in section.children}
    for title in wanted:
        child = by_key.get(normalise_title(title))
        if child is None:
            yield ctx.finding(
                "section-missing",
                Position(section.line, 1),
                f"section '## {section.title}' needs a subsection '### {title}'",
            )
        elif not child.has_content():
            yield ctx.finding("section-empty", Position(child.line, 1), f"subsection '### {child.title}' is empty")
