"""Property-based: whatever bytes arrive, the checker returns findings and never raises."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from postmortem_kb.check import check_bytes, check_text
from postmortem_kb.settings import Settings

from .conftest import GOLDEN_BASE

SETTINGS = Settings()
BASE = GOLDEN_BASE.read_text(encoding="utf-8")
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

yaml_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.dates().map(dt.date.isoformat),
    st.sampled_from(["SEV1", "P1", "Done", "unknown", "2025-02-30", "{x}", "<b>", "&amp;", "~", "!!str 1"]),
)
yaml_values = st.recursive(
    yaml_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)
keys = st.sampled_from(
    [
        "title",
        "date",
        "severity",
        "status",
        "authors",
        "services",
        "tags",
        "root_cause_category",
        "detection",
        "timeline",
        "impact",
        "roles",
        "related",
        "action_items",
        "started",
        "id",
        "owner",
    ]
) | st.text(max_size=10)


def _dump(value: object) -> str:
    import yaml

    return yaml.safe_dump(value, allow_unicode=True, default_flow_style=False)


@FAST
@given(st.binary(max_size=400))
def test_arbitrary_bytes(data: bytes) -> None:
    _doc, findings = check_bytes("x.md", data, SETTINGS)
    assert all(f.line >= 1 and f.col >= 1 for f in findings)


@FAST
@given(st.text(max_size=400))
def test_arbitrary_text_after_front_matter_marker(text: str) -> None:
    check_text("x.md", "---\n" + text, SETTINGS)


@FAST
@given(st.dictionaries(keys, yaml_values, max_size=12))
def test_arbitrary_yaml_front_matter(front: dict[str, object]) -> None:
    _doc, findings = check_text("x.md", f"---\n{_dump(front)}---\n\n## Impact\n\ntext\n", SETTINGS)
    assert findings  # an arbitrary mapping never satisfies the whole contract


@FAST
@given(st.text(alphabet=st.sampled_from(list("[]{}:-,'\"&*!|>#? \n\tab1")), max_size=200))
def test_yaml_punctuation_soup(soup: str) -> None:
    check_text("x.md", f"---\n{soup}\n---\n", SETTINGS)


@FAST
@given(st.integers(min_value=0, max_value=len(BASE)))
def test_truncated_files(cut: int) -> None:
    _doc, findings = check_text("x.md", BASE[:cut], SETTINGS)
    if cut < BASE.index("Configuration changes are deployments."):
        assert findings, "a postmortem cut before its last section's text must not pass"


@FAST
@given(st.integers(min_value=0, max_value=len(BASE) - 1), st.text(max_size=5))
def test_single_edits_of_a_valid_file(at: int, insert: str) -> None:
    check_text("x.md", BASE[:at] + insert + BASE[at + 1 :], SETTINGS)


def test_alias_bomb_is_refused_quickly() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8)
    )
    _doc, findings = check_text("x.md", f"---\n{bomb}---\n", SETTINGS)
    assert findings


def test_deep_nesting_is_a_yaml_error() -> None:
    _doc, findings = check_text("x.md", "---\ntitle: " + "[" * 5000 + "]" * 5000 + "\n---\n", SETTINGS)
    assert findings


def test_a_file_is_read_whole_when_it_grew_after_its_status_was_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One read when the file is as large as its status said; more until the end when it grew."""
    import os

    from postmortem_kb import corpus

    path = tmp_path / "2025-01-01-x.md"
    data = b"---\ntitle: x\n---\n" + b"word " * 40_000  # larger than one 64 KiB read after the first
    path.write_bytes(data)
    assert corpus.read_regular_stat(path)[0] == data
    real_stat = os.stat

    def older_status(target: object) -> os.stat_result:  # taken when the file held 100 bytes
        st = real_stat(target)  # type: ignore[arg-type]
        return os.stat_result((st.st_mode, st.st_ino, st.st_dev, st.st_nlink, st.st_uid, st.st_gid, 100, *st[7:10]))

    with monkeypatch.context() as patched:
        patched.setattr(os, "stat", older_status)
        found, st = corpus.read_regular_stat(path)
    assert found == data and st.st_size == 100
