"""One verdict: `pmkb check` (as the workflows run it) and `mkdocs build --strict` pass or fail together;
the Draft policy, `extra_keys`, config discovery and the GitHub job summary."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from postmortem_kb import scaffold
from postmortem_kb.check import CheckResult, check_text
from postmortem_kb.cli import main
from postmortem_kb.findings import Finding
from postmortem_kb.schema import front_matter_schema
from postmortem_kb.settings import Settings
from postmortem_kb.step_summary import markdown

from .sites import base, build, make_site

DRAFT = scaffold.render("Cart totals off by one cent", dt.date(2025, 3, 1), "SEV2", "cart-api")
FIXTURES = {
    "clean": (base(), ""),
    "warning-only": (base(("A flag payload crashed checkout pods for 52 minutes.", "Alice broke production.")), ""),
    "error": (base(("  detected: 2025-01-14T15:06:00Z", "  detected: 2025-01-14T14:06:00Z")), ""),
    "unknown-key": (base(("detection: alert", "detection: alert\njira: OPS-1234")), ""),
    "extra-key": (base(("detection: alert", "detection: alert\njira: OPS-1234")), "      extra_keys: [jira]\n"),
    "draft-with-placeholders": (DRAFT, ""),
}
# (fixture, fail_on) -> does it fail?
EXPECTED = {
    ("clean", "error"): False,
    ("warning-only", "error"): False,
    ("error", "error"): True,
    ("unknown-key", "error"): False,
    ("extra-key", "error"): False,
    ("draft-with-placeholders", "error"): False,
    ("clean", "warning"): False,
    ("warning-only", "warning"): True,
    ("error", "warning"): True,
    ("unknown-key", "warning"): True,
    ("extra-key", "warning"): False,
    ("draft-with-placeholders", "warning"): True,
}


@pytest.mark.parametrize("fail_on", ["error", "warning"])
@pytest.mark.parametrize("fixture", list(FIXTURES))
def test_check_and_strict_build_agree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fixture: str, fail_on: str
) -> None:
    text, options = FIXTURES[fixture]
    make_site(tmp_path, {"2025-01-14-incident.md": text}, f"      fail_on: {fail_on}\n{options}")
    monkeypatch.chdir(tmp_path)
    check = CliRunner().invoke(main, ["check", "--format", "github"])
    built = build(tmp_path)
    expected = EXPECTED[(fixture, fail_on)]
    assert check.exit_code == int(expected), check.output
    assert built.returncode == int(expected), built.log
    if fixture == "extra-key":
        assert check.stdout == ""  # declared keys are not even advice
    elif fixture != "clean":
        assert check.stdout  # every other fixture has something to say, failing or not


def test_draft_findings_are_warnings_only_for_completeness(settings: Settings) -> None:
    _doc, findings = check_text("d.md", DRAFT, settings)
    assert findings and {(f.rule, f.level) for f in findings} == {("placeholder", "warning")}
    assert all("allowed while `status: Draft`" in f.message for f in findings)
    broken = DRAFT.replace("severity: SEV2", "severity: SEV9")  # broken content stays an error in a Draft
    assert ("enum-value", "error") in {(f.rule, f.level) for f in check_text("d.md", broken, settings)[1]}
    missing = base(("status: Published", "status: Draft"), ("## Lessons Learned", "## Lessons"))
    levels = {(f.rule, f.level) for f in check_text("d.md", missing, settings)[1]}
    assert ("section-missing", "warning") in levels
    published = base(("## Lessons Learned", "## Lessons"))
    assert ("section-missing", "error") in {(f.rule, f.level) for f in check_text("p.md", published, settings)[1]}


def test_extra_keys_top_level_and_nested(settings: Settings) -> None:
    text = base(("detection: alert", "detection: alert\njira: OPS-1"), ("  support_tickets: 212", "  cost_center: X"))
    rules = [f.rule for f in check_text("a.md", text, settings)[1]]
    assert rules.count("unknown-key") == 2
    declared = Settings(extra_keys=("jira", "impact.cost_center"))
    assert [f.rule for f in check_text("a.md", text, declared)[1] if f.rule == "unknown-key"] == []
    schema = front_matter_schema(declared)
    assert "jira" in schema["properties"] and "cost_center" in schema["$defs"]["Impact"]["properties"]
    document = {"title": "t", "jira": "OPS-1", "impact": {"cost_center": "X"}}
    jsonschema.validate(document, {**schema, "required": []})


def test_config_is_found_from_a_subfolder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\ndocs_dir: pms\nplugins:\n  - postmortems:\n      severities: [{name: P0}, {name: P1}]\n"
        "      major_severities: [P0]\n"
    )
    docs = tmp_path / "pms"
    docs.mkdir()
    (docs / "2025-01-14-x.md").write_text(base(("severity: SEV2", "severity: P1")))
    sub = tmp_path / "notes" / "deep"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    runner = CliRunner()
    # the knowledge base's severities, not the defaults (P1 would be an enum-value error under SEV1..SEV4)
    assert runner.invoke(main, ["check", "../../pms/2025-01-14-x.md"]).exit_code == 0
    (docs / "2025-01-15-y.md").write_text(base(("severity: SEV2", "severity: P1"), ("title: Checkout", "titel: C")))
    whole = runner.invoke(main, ["check"])
    assert whole.exit_code == 1
    assert whole.stdout.startswith("../../pms/2025-01-15-y.md:")  # paths relative to where the user is
    new = runner.invoke(main, ["new", "Disk full", "--date", "2025-03-01"])
    assert new.exit_code == 0, new.output
    assert new.stdout.strip() == "../../pms/2025-03-01-disk-full.md"
    assert (docs / "2025-03-01-disk-full.md").is_file() and not (sub / "pms").exists()
    assert "severity: P1" in (docs / "2025-03-01-disk-full.md").read_text()


def test_day_zero_is_not_an_error_but_an_empty_named_folder_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_site(tmp_path, {})
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    day0 = runner.invoke(main, ["check"])
    assert day0.exit_code == 0 and "0 postmortem(s) checked" in day0.stderr
    assert runner.invoke(main, ["check", "docs"]).exit_code == 1  # a folder named on purpose holds nothing


def test_step_summary_lists_every_finding_by_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    findings = [
        Finding(f"b{n}.md", n, 1, "error", "placeholder", f"fill in {n}") for n in range(1, 13)
    ]  # more than GitHub's 10 annotations
    findings.append(Finding("a.md", 3, 4, "warning", "unknown-key", "a | b\nc <script>"))
    text = markdown(CheckResult(findings, files=13), failed=True)
    assert text.startswith("## pmkb check failed\n")
    assert text.index("### `a.md`") < text.index("### `b1.md`")
    assert "| 3:4 | warning | `unknown-key` | a \\| b<br>c &lt;script&gt; |" in text
    assert sum(line.startswith("| ") and "`placeholder`" in line for line in text.splitlines()) == 12

    make_site(tmp_path, {"2025-01-14-a.md": base(("detection: alert", "detecton: alert"))})
    monkeypatch.chdir(tmp_path)
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = CliRunner().invoke(main, ["check", "--format", "github"])
    assert result.exit_code == 0 and result.stdout.startswith("::warning file=docs/2025-01-14-a.md,line=10")
    written = summary.read_text()
    assert written.startswith("earlier step\n## pmkb check passed")  # appended, never replaced
    assert "### `docs/2025-01-14-a.md`" in written and "did you mean `detection`?" in written
    assert CliRunner().invoke(main, ["check"]).exit_code == 0
    assert summary.read_text() == written  # only --format github writes it


def test_json_schema_is_unchanged_without_extra_keys(settings: Settings) -> None:
    assert "jira" not in json.dumps(front_matter_schema(settings))
