"""`pmkb import`: golden conversions, time and phase reading, bad input, never overwriting,
and a round trip of the reference knowledge base through the handbook's template."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st
from postmortem_kb.check import check_paths
from postmortem_kb.cli import main
from postmortem_kb.importing import ImportFailed, convert_text, import_paths
from postmortem_kb.importing.impact import read_impact
from postmortem_kb.importing.phases import mark_phases
from postmortem_kb.importing.times import read_time
from postmortem_kb.importing.writer import render
from postmortem_kb.importing.zones import offset_of
from postmortem_kb.model import TIMELINE_ORDER
from postmortem_kb.parsing import parse_text
from postmortem_kb.parsing.body import parse_body
from postmortem_kb.rules.drafts import NOTE as DRAFT_NOTE
from postmortem_kb.settings import Settings

from .conftest import REFERENCE_KB, TESTS
from .handbook_form import to_handbook_form

CASES = TESTS / "importing" / "cases"
CASE_NAMES = sorted(p.stem for p in CASES.glob("*.md") if not p.name.endswith(".expected.md"))
# Regenerate the golden files with PMKB_REGOLD=1, then read the diff before committing it.
REGOLD = os.environ.get("PMKB_REGOLD") == "1"


def _report(name: str, data: bytes) -> str:
    try:
        conv = convert_text(data, Settings())
    except ImportFailed as exc:
        return exc.problem.format(name) + "\n"
    lines = [p.format(name) for p in conv.problems]
    lines += [f"derived: {', '.join(conv.derived)}", f"needs a person: {', '.join(conv.needs) or 'nothing'}"]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("name", CASE_NAMES)
def test_golden(name: str) -> None:
    source = CASES / f"{name}.md"
    conv = convert_text(source.read_bytes(), Settings())
    written, report = render(conv), _report(source.name, source.read_bytes())
    expected_md, expected_report = CASES / f"{name}.expected.md", CASES / f"{name}.report.txt"
    if REGOLD:
        expected_md.write_text(written, encoding="utf-8")
        expected_report.write_text(report, encoding="utf-8")
    assert written == expected_md.read_text(encoding="utf-8")
    assert report == expected_report.read_text(encoding="utf-8")


def _same(a: Any, b: Any) -> bool:
    """Equal values, and timestamps with the same offset (equal instants are not enough)."""
    if isinstance(a, dt.datetime) or isinstance(b, dt.datetime):
        return isinstance(a, dt.datetime) and isinstance(b, dt.datetime) and (a, a.utcoffset()) == (b, b.utcoffset())
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and bool(a == b)


@pytest.mark.parametrize("name", CASE_NAMES)
def test_written_file_parses_back_to_the_same_values(name: str) -> None:
    conv = convert_text((CASES / f"{name}.md").read_bytes(), Settings())
    parsed = parse_text("imported.md", render(conv))
    assert list(parsed.meta) == list(conv.metadata)  # the template's key order
    assert _same(parsed.meta, conv.metadata)


def test_key_order_is_the_templates() -> None:
    conv = convert_text((CASES / "clock-utc.md").read_bytes(), Settings())
    assert list(conv.metadata) == [
        "title", "date", "severity", "status", "authors", "services", "tags", "root_cause_category",
        "detection", "timeline", "impact", "roles", "related", "action_items",
    ]  # fmt: skip
    assert re.search(r"^  started: 2025-08-12T14:00:00Z$", render(conv), re.M)


def test_imported_file_is_judged_only_on_what_needs_a_person(tmp_path: Path) -> None:
    """Every placeholder is a `pmkb check` finding, and nothing else is."""
    conv = convert_text((CASES / "midnight-cet.md").read_bytes(), Settings())
    path = tmp_path / "2025-11-30-x.md"
    path.write_text(render(conv), encoding="utf-8")
    result = check_paths([path], Settings(), None)
    assert conv.needs == ["services", "root_cause_category"]
    assert [(f.rule, f.message.removesuffix(DRAFT_NOTE)) for f in result.findings] == [
        ("placeholder", "fill in the placeholder {service slug}"),
        ("placeholder", "fill in the placeholder {category slug, e.g. config-change}"),
    ]


# --- times, zones and phases -------------------------------------------------------------

DAY = dt.date(2025, 5, 28)
UTC = dt.timedelta(0)


@pytest.mark.parametrize(
    ("cell", "previous", "expected", "offset"),
    [
        ("21:47", None, dt.datetime(2025, 5, 28, 21, 47), UTC),
        ("00:10", dt.datetime(2025, 5, 28, 23, 50), dt.datetime(2025, 5, 29, 0, 10), UTC),
        ("28 May 21:47", None, dt.datetime(2025, 5, 28, 21, 47), UTC),
        ("May 30, 16:00", None, dt.datetime(2025, 5, 30, 16, 0), UTC),
        ("1 Jan 00:10", dt.datetime(2025, 12, 31, 23, 50), dt.datetime(2026, 1, 1, 0, 10), UTC),
        ("2025-05-28T21:47:00+02:00", None, dt.datetime(2025, 5, 28, 21, 47), dt.timedelta(hours=2)),
        ("2025-05-28 21:47 PDT", None, dt.datetime(2025, 5, 28, 21, 47), dt.timedelta(hours=-7)),
        ("**9:05 pm**", None, dt.datetime(2025, 5, 28, 21, 5), UTC),
        ("~12:00 am", None, dt.datetime(2025, 5, 28, 0, 0), UTC),
    ],
)
def test_read_time(cell: str, previous: dt.datetime | None, expected: dt.datetime, offset: dt.timedelta) -> None:
    moment = read_time(cell, DAY, previous, UTC)
    assert moment is not None
    assert (moment.local, moment.offset) == (expected, offset)


@pytest.mark.parametrize("cell", ["25:00", "30 Feb 10:00", "soon after", "13:00 pm", "", "14"])
def test_unreadable_times_are_none(cell: str) -> None:
    assert read_time(cell, DAY, None, UTC) is None


def test_time_without_a_stated_zone_has_no_offset() -> None:
    moment = read_time("10:00", DAY, None, None)
    assert moment is not None and moment.offset is None and moment.aware() is None


@pytest.mark.parametrize(
    ("text", "hours"),
    [("UTC", 0), ("Z", 0), ("CEST", 2), ("UTC+5:30", 5.5), ("GMT-4", -4), ("+01:00", 1), ("-0800", -8)],
)
def test_offsets(text: str, hours: float) -> None:
    assert offset_of(text) == dt.timedelta(hours=hours)


@pytest.mark.parametrize("text", ["IST", "local", "UTC+15", "CST"])
def test_ambiguous_or_unknown_zones_are_not_guessed(text: str) -> None:
    assert offset_of(text) is None


def test_phases_follow_the_words_of_each_row() -> None:
    events = [
        "Deploy of build 812",
        "Error rate begins to climb",  # marks the start: the deploy row came before impact
        "Latency alert fires and pages the on-call",
        "On-call acknowledges",
        "Cause traced to a paused consumer",  # diagnosis, not mitigation, despite "paused"
        "Consumer restarted",
        "Queue drained",
    ]
    assert mark_phases(events) == {
        "started": 1,
        "detected": 2,
        "acknowledged": 2,
        "diagnosed": 4,
        "mitigated": 5,
        "resolved": 6,  # no row says resolved: the last row
    }


def test_resolved_is_the_row_that_says_so_even_when_rows_follow() -> None:
    events = ["Errors start", "Customers report failures", "Fix deployed; incident resolved", "Postmortem scheduled"]
    # Nothing is guessed: no row is acknowledged or diagnosed, and the resolving row is not
    # also counted as the mitigation.
    assert mark_phases(events) == {"started": 0, "detected": 1, "resolved": 2}


def test_impact_values() -> None:
    body = parse_body(
        "## Impact\n\n| Metric | Value |\n|---|---|\n| Customer support tickets | 1.2k |\n"
        "| Users affected | about 3,000 |\n| Revenue | 265,000 |\n| Engineering hours | 2.5 |\n",
        1,
    )
    assert read_impact(body, []).values == {
        "users_affected": 3000,
        "revenue_impact": 265000,
        "support_tickets": 1200,
        "engineer_hours": 2.5,
    }


# --- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "rule", "line"),
    [
        (b"", "import-empty", 1),
        (b"  \n\n", "import-empty", 1),
        (b"\x00\x01PNG", "import-unreadable", 1),
        (b"# Postmortem: x\n\n**Date:** 2025-01-01\n\xff\xfe\n", "import-unreadable", 4),
        (b"Just some notes\n", "import-not-template", 1),
        (b"# Meeting notes\n\nNothing here.\n", "import-not-template", 1),
        (b"---\ntitle: x\n---\n# x\n", "import-has-front-matter", 1),
        (b"# Postmortem: x\n\n**Severity:** SEV2\n", "import-date", 2),
        (b"# Postmortem: x\n\n**Date:** last Tuesday\n", "import-date", 3),
    ],
)
def test_bad_input_is_one_located_error(data: bytes, rule: str, line: int) -> None:
    with pytest.raises(ImportFailed) as caught:
        convert_text(data, Settings())
    problem = caught.value.problem
    assert (problem.level, problem.rule, problem.line) == ("error", rule, line)


def test_a_leading_horizontal_rule_is_not_front_matter() -> None:
    conv = convert_text(b"---\n\n# Postmortem: Lost logs\n\n**Date:** 2025-01-02\n", Settings())
    assert conv.metadata["title"] == "Lost logs"


def test_missing_cells_are_located_warnings() -> None:
    report = _report("t.md", (CASES / "missing-cells.md").read_bytes())
    assert "t.md:19:9: warning [import-table-cells] timeline row has 1 of 2 cells; missing 'Event'" in report
    assert "t.md:27:72: warning [import-table-cells] action item row has no cell for priority, due, status" in report


_FRAGMENTS = st.sampled_from(
    [
        "# Postmortem: ",
        "**Date:** 2025-01-02",
        "**Date:** ",
        "**Severity:** SEV9",
        "**Status:** ",
        "**Authors:** ,",
        "## Timeline",
        "## Impact",
        "## Action Items",
        "## Sign-off",
        "| Time | Event |",
        "| ID | Action | Owner | Priority | Due Date | Status |",
        "| Role | Name |",
        "| Metric | Value |",
        "|---|---|",
        "| 23:59 | alert fires |",
        "| 00:00 |",
        "| 1 | x |",
        "| Incident Commander |",
        "| Users affected | -1e9 |",
        "```",
        "---",
        "|",
        "",
    ]
)


_HEADERS = st.builds(
    lambda title, severity, lines: f"# Postmortem: {title}\n\n**Date:** 2025-01-02\n**Severity:** {severity}\n{lines}",
    st.text(max_size=20),
    st.text(max_size=8),
    st.sampled_from(["", "**Authors:** , and\n", "**Status:** draft\n**Incident Commander:** `x`\n"]),
)


@hyp_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.just(""), _HEADERS), st.lists(st.one_of(_FRAGMENTS, st.text(max_size=30)), max_size=30))
def test_arbitrary_markdown_never_raises(header: str, parts: list[str]) -> None:
    """Either a located import error, or a file whose front matter parses back to what was derived."""
    data = (header + "\n".join(parts)).encode("utf-8", "surrogatepass")
    try:
        conv = convert_text(data, Settings())
    except ImportFailed as exc:
        assert exc.problem.rule.startswith("import-")
        return
    assert _same(parse_text("x.md", render(conv)).meta, conv.metadata)


@hyp_settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    with contextlib.suppress(ImportFailed):
        convert_text(data, Settings())


# --- files, folders and the command ------------------------------------------------------


def _invoke(args: list[str]) -> Any:
    return CliRunner().invoke(main, ["import", *args])


def test_never_overwrites_and_a_second_run_changes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "kb"
    first = _invoke([str(CASES / "clock-utc.md"), str(CASES / "midnight-cet.md"), "--out-dir", str(out)])
    assert first.exit_code == 0, first.output
    written = {p.name: p.read_bytes() for p in out.iterdir()}
    assert sorted(written) == [
        "2025-08-12-image-uploads-failed-after-a-storage-bucket-policy-change.md",
        "2025-11-30-loyalty-points-doubled-overnight-after-a-batch-rerun.md",
    ]
    edited = out / "2025-11-30-loyalty-points-doubled-overnight-after-a-batch-rerun.md"
    edited.write_text("edited by hand\n", encoding="utf-8")
    second = _invoke([str(CASES / "clock-utc.md"), str(CASES / "midnight-cet.md"), "--out-dir", str(out)])
    assert second.exit_code == 0, second.output
    assert "exists with this same import" in second.output
    assert "exists and differs; not overwritten" in second.output
    assert edited.read_text(encoding="utf-8") == "edited by hand\n"
    assert {p.name for p in out.iterdir()} == set(written)


def test_one_bad_file_does_not_stop_the_others(tmp_path: Path) -> None:
    src = tmp_path / "old"
    (src / "nested").mkdir(parents=True)
    (src / "a-binary.md").write_bytes(b"\x00\x00")
    (src / "nested" / "b-good.md").write_bytes((CASES / "impact-unknown.md").read_bytes())
    (src / "c-notes.md").write_text("plain notes\n", encoding="utf-8")
    (src / "ignored.txt").write_text("not markdown\n", encoding="utf-8")
    result = _invoke([str(src), "--out-dir", str(tmp_path / "kb")])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert f"{src / 'a-binary.md'}:1:1: error [import-unreadable] binary file" in lines[0]
    assert lines[1].startswith(f"{src / 'c-notes.md'}:1:1: error [import-not-template]")
    assert lines[2].startswith(f"{src / 'nested' / 'b-good.md'}: imported -> ")
    assert "needs a person: services, root_cause_category" in lines[2]
    assert [p.name for p in (tmp_path / "kb").iterdir()] == ["2026-02-02-stale-prices-shown-in-the-mobile-app.md"]
    assert "Traceback" not in result.output


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert _invoke([]).exit_code == 2
    assert _invoke([str(tmp_path / "missing.md")]).exit_code == 2
    a_file = tmp_path / "file"
    a_file.write_text("x", encoding="utf-8")
    assert _invoke([str(CASES / "clock-utc.md"), "--out-dir", str(a_file)]).exit_code == 2


def test_default_out_dir_is_docs_dir_of_mkdocs_yml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: t\ndocs_dir: kb\nplugins:\n  - postmortems\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = _invoke([str(CASES / "full-timestamps.md")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "kb" / "2025-03-04-order-exports-stalled-during-a-warehouse-migration.md").is_file()


# --- the reference knowledge base, round trip --------------------------------------------

REFERENCE = sorted(p for p in REFERENCE_KB.glob("*.md") if re.match(r"\d{4}-\d{2}-\d{2}-", p.name))


def _round_trip(path: Path) -> tuple[dict[str, Any], dict[str, Any], str]:
    original = parse_text(str(path), path.read_text(encoding="utf-8")).meta
    written = render(convert_text(to_handbook_form(path.read_text(encoding="utf-8")).encode(), Settings()))
    return original, parse_text("imported.md", written).meta, written


def test_reference_knowledge_base_round_trip(tmp_path: Path) -> None:
    assert len(REFERENCE) >= 10
    recovered: dict[str, int] = {}
    for path in REFERENCE:
        original, imported, written = _round_trip(path)
        for key in ("title", "date", "severity", "status", "authors", "action_items", "impact", "roles"):
            assert _same(imported.get(key), original.get(key)), f"{path.name}: {key}"
        for phase in TIMELINE_ORDER:
            ok = _same(imported["timeline"].get(phase), original["timeline"].get(phase))
            recovered[phase] = recovered.get(phase, 0) + ok
        recovered["detection"] = recovered.get("detection", 0) + (imported.get("detection") == original["detection"])
        # What the template cannot say is all `pmkb check` asks a person for.
        target = tmp_path / path.name
        target.write_text(written, encoding="utf-8")
        findings = check_paths([target], Settings(), None).findings
        assert [(f.rule, f.message.removesuffix(DRAFT_NOTE)) for f in findings] == [
            ("placeholder", "fill in the placeholder {service slug}"),
            ("placeholder", "fill in the placeholder {category slug, e.g. config-change}"),
        ], path.name
    print(f"\nround trip of {len(REFERENCE)} reference postmortems, recovered: {recovered}")
    assert recovered["resolved"] >= 0.9 * len(REFERENCE)
    for phase in ("started", "detected", "acknowledged"):
        assert recovered[phase] >= 0.9 * len(REFERENCE), phase


def test_import_paths_reports_each_file(tmp_path: Path) -> None:
    outcomes = import_paths([CASES / "missing-sections.md"], tmp_path, Settings())
    assert [o.state for o in outcomes] == ["written"]
    summary = outcomes[0].report()[-1]
    assert "needs a person: authors, services, root_cause_category, timeline.started" in summary
    assert "roles.incident_commander, action_items (the template's Action Items table)" in summary
