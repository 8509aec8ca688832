"""The checker reads a document exactly as MkDocs does: same split, same meta, same body.

When they disagreed, `pmkb check` judged front matter that MkDocs rendered as Markdown (an
opening `---\\f`, a non-breaking space after the closing `---`), so a payload in that "front
matter" reached the page through a green check. Generated files go through both readers.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs.utils import meta as mkdocs_meta
from postmortem_kb.parsing.errors import ParseError
from postmortem_kb.parsing.front_matter import YAML_RE, parse, split
from postmortem_kb.parsing.source import decode

MANY = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Weighted by repetition: mostly what MkDocs accepts, so both outcomes are exercised often.
SPACES = st.sampled_from(["", "", "", "", " ", "\t", " \t ", "\f", "\u00a0", "\v", "\u2003", "\u200b", "x"])
DELIMITERS = st.sampled_from(["---", "---", "---", "...", "----", "-- -", "***"])
NEWLINES = st.sampled_from(["\n", "\r\n", "\r"])
YAML_LINES = st.sampled_from(
    [
        "title: Outage",
        "title: Outage",
        "severity: SEV2",
        "services: [checkout-api]",
        "date: 2025-01-14",
        "when: 2025-01-14T10:00:00Z",
        "tags: [a, b]",
        "n: 3",
        "f: 1.5",
        "inf: .inf",
        "ok: true",
        "nothing: null",
        "- item",
        "  nested: 1",
        "s: !!set {a: null}",
        "b: !!binary aGk=",
        "a: &x [1]",
        "c: *x",
        "bad: [",
        "# comment",
        "",
        "---",
        "...",
        "title: 'quoted: yes'",
        "k: v # trailing",
    ]
)
BODY_LINES = st.sampled_from(["# Title", "", "text", "---", "...", "| a | b |", "Impact", "------", "   "])


@st.composite
def documents(draw: st.DrawFn) -> bytes:
    def sometimes(strategy: st.SearchStrategy[str]) -> str:
        return draw(strategy) if draw(st.integers(0, 2)) == 0 else ""

    newline = draw(NEWLINES)
    lines = [draw(st.sampled_from(["---", "---", "---", "--- ", "----", "..."])) + sometimes(SPACES)]
    lines += draw(st.lists(YAML_LINES, max_size=6))
    if draw(st.integers(0, 4)):
        lines.append(draw(DELIMITERS) + sometimes(SPACES))
    lines += draw(st.lists(BODY_LINES, max_size=5))
    text = newline.join(lines) + draw(st.sampled_from(["", newline, newline]))
    bom = sometimes(st.sampled_from(["\ufeff", "\ufeff\ufeff"]))
    return (bom + text).encode("utf-8")


def mkdocs_reads(data: bytes) -> str:
    """File.content_string: text mode (universal newlines), utf-8-sig."""
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig").read()


def test_the_delimiter_pattern_is_mkdocs_own() -> None:
    assert YAML_RE.pattern == mkdocs_meta.YAML_RE.pattern
    assert YAML_RE.flags == mkdocs_meta.YAML_RE.flags


def _same_split(text: str) -> None:
    match = mkdocs_meta.YAML_RE.match(text)
    try:
        yaml_text, _line, body, _body_line = split(text)
    except ParseError:
        assert match is None
        return
    assert match is not None
    assert yaml_text == match.group(1)
    assert body.lstrip("\n") == text[match.end() :].lstrip("\n")


def _same_meta(text: str) -> None:
    body_mkdocs, meta = mkdocs_meta.get_data(text)
    try:
        front_matter, body, _line = parse(text)
    except ParseError:
        return  # refused: a finding fails the check, whatever MkDocs makes of the file
    assert meta, "MkDocs saw no front matter in a file the checker accepted"
    assert front_matter.data == {str(k): v for k, v in meta.items()}
    assert body.lstrip("\n") == body_mkdocs
    assert _plain(front_matter.data)


@MANY
@given(documents())
def test_the_split_is_mkdocs_split(data: bytes) -> None:
    try:
        text = decode(data)
    except ParseError:  # empty: nothing to split
        return
    assert text == mkdocs_reads(data)
    _same_split(text)


@MANY
@given(documents())
def test_accepted_front_matter_is_the_meta_mkdocs_gives_the_page(data: bytes) -> None:
    try:
        text = decode(data)
    except ParseError:
        return
    _same_meta(text)


# Unstructured text over the characters the delimiter rules are about.
SOUP = st.text(alphabet=st.sampled_from(list("-.:\n \t\f\u00a0\ufeffab#[]&*!")), max_size=80)


@MANY
@given(SOUP)
def test_the_same_on_any_text(soup: str) -> None:
    for text in (soup, "---\n" + soup):
        _same_split(text)
        _same_meta(text)


def _plain(value: Any) -> bool:
    """Only the types every consumer prints as they are."""
    if isinstance(value, dict):
        return all(isinstance(k, str | int | float | bool | dt.date) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    if isinstance(value, float):
        return math.isfinite(value)
    return value is None or isinstance(value, str | int | bool | dt.date)


def test_known_disagreements_are_refused() -> None:
    for text in (
        "---\f\ntitle: x\n---\n",
        "---\ntitle: x\n---\u00a0\nbody\n",
        "\ufeff---\ntitle: x\n---\n",
        "---\ntitle: x\n---",
        "---\n---\nbody\n",
    ):
        _body, meta = mkdocs_meta.get_data(text)
        assert meta == {}
        try:
            parse(text)
        except ParseError:
            continue
        raise AssertionError(f"accepted {text!r}, which MkDocs renders without front matter")


@settings(max_examples=3000, deadline=None)
@given(
    st.lists(st.sampled_from(["---", "...", "-", ".", " ", "\t", "\n", "a", "\f", "\u00a0"]), max_size=24).map("".join)
)
def test_the_delimiters_are_found_where_the_pattern_finds_them(text: str) -> None:
    """`split` finds the closing line with `str.find`: exactly where MkDocs' YAML_RE ends its lazy group."""
    from postmortem_kb.parsing.front_matter import _delimited

    for candidate in (text, "---" + text, "---\n" + text):
        match = YAML_RE.match(candidate)
        expected = None if match is None else (match.start(1), match.end(1), match.end())
        assert _delimited(candidate) == expected, repr(candidate)
