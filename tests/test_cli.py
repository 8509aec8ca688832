"""`pmkb` commands: exit codes, the three output formats, scaffolding and the schema."""

from __future__ import annotations

import json
import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner
from postmortem_kb.cli import main

from .conftest import GOLDEN_BASE, REFERENCE_KB, ROOT
from .sites import unrelated


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    """A knowledge base with one clean and one broken postmortem, and an mkdocs.yml."""
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(GOLDEN_BASE, docs / "2025-01-14-clean.md")
    broken = unrelated(("  detected: 2025-01-14T15:06:00Z", "  detected: 2025-01-14T14:06:00Z"))
    (docs / "2025-01-15-broken.md").write_text(broken)
    (tmp_path / "mkdocs.yml").write_text("site_name: t\ndocs_dir: docs\nplugins:\n  - search\n")
    return tmp_path


def test_every_command_has_help(runner: CliRunner) -> None:
    assert isinstance(main, click.Group)
    for name, command in main.commands.items():
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0, name
        assert command.help and "Example" in command.help, f"{name} needs a docstring with an example"


def test_reference_kb_passes_strict(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = runner.invoke(main, ["check", "--strict"])
    assert result.exit_code == 0, result.output
    assert f"{len(list(REFERENCE_KB.glob('2*.md')))} postmortem(s) checked: 0 error(s), 0 warning(s)" in result.stderr


def test_check_clean_file_exits_0(runner: CliRunner, kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(kb)
    result = runner.invoke(main, ["check", str(kb / "docs" / "2025-01-14-clean.md")])
    assert result.exit_code == 0
    assert result.stdout == ""


def test_check_without_path_uses_docs_dir(runner: CliRunner, kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(kb)
    result = runner.invoke(main, ["check"])
    assert result.exit_code == 1
    assert result.stdout == (
        "docs/2025-01-15-broken.md:13:13: error [timeline-order] timeline.detected (2025-01-14T14:06:00+00:00) "
        "is before timeline.started (2025-01-14T15:02:00+00:00); expected started <= detected <= acknowledged "
        "<= diagnosed <= mitigated <= resolved\n"
    )


def test_format_github(runner: CliRunner, kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(kb)
    result = runner.invoke(main, ["check", "--format", "github"])
    assert result.exit_code == 1
    assert result.stdout.startswith(
        "::error file=docs/2025-01-15-broken.md,line=13,col=13,title=pmkb [timeline-order]::timeline.detected"
    )
    assert result.stdout.count("\n") == 1


def test_format_json(runner: CliRunner, kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(kb)
    result = runner.invoke(main, ["check", "--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert [(d["path"], d["line"], d["col"], d["level"], d["rule"]) for d in data] == [
        ("docs/2025-01-15-broken.md", 13, 13, "error", "timeline-order")
    ]


def test_warnings_pass_unless_strict(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "2025-01-14-warn.md"
    path.write_text(GOLDEN_BASE.read_text().replace("detection: alert", "detecton: alert"))
    assert runner.invoke(main, ["check", str(path)]).exit_code == 0
    assert runner.invoke(main, ["check", "--strict", str(path)]).exit_code == 1


def test_directory_without_postmortems_is_a_located_error(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# not a postmortem\n")
    result = runner.invoke(main, ["check", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{tmp_path}:1:1: error [no-postmortems]")


@pytest.mark.parametrize(
    "content",
    [b"", b"\x00\x01\x02binary", b"---\ntitle: caf\xe9\n---\n", b"---\ntitle: [unclosed\n---\n", b"no front matter\n"],
    ids=["empty", "binary", "latin-1", "bad-yaml", "no-front-matter"],
)
def test_bad_files_are_located_errors_not_tracebacks(runner: CliRunner, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "2025-01-01-bad.md"
    path.write_bytes(content)
    result = runner.invoke(main, ["check", str(path)])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.stdout.startswith(f"{path}:") and ": error [" in result.stdout


def test_usage_errors_exit_2(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(main, ["check", "does-not-exist.md"]).exit_code == 2
    assert runner.invoke(main, ["check", "--format", "xml", "."]).exit_code == 2
    no_config = runner.invoke(main, ["check"])
    assert no_config.exit_code == 2 and "mkdocs.yml" in no_config.output


def test_invalid_plugin_options_exit_2(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mkdocs.yml").write_text("site_name: t\nplugins:\n  - postmortems:\n      blameless: loud\n")
    result = runner.invoke(main, ["check", "."])
    assert result.exit_code == 2
    assert "blameless" in result.output


def test_settings_come_from_mkdocs_yml(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One source of truth: the plugin's options decide what the CLI accepts."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\ndocs_dir: pms\nplugins:\n  - postmortems:\n      root_cause_categories: [cosmic-rays]\n"
        "      severities: [{name: P0}, {name: P1}]\n      major_severities: [P0]\n"
    )
    (tmp_path / "pms").mkdir()
    text = GOLDEN_BASE.read_text().replace("severity: SEV2", "severity: P1")
    (tmp_path / "pms" / "2025-01-14-x.md").write_text(text.replace("config-change", "cosmic-rays"))
    assert runner.invoke(main, ["check", "--strict"]).exit_code == 0
    (tmp_path / "pms" / "2025-01-14-x.md").write_text(text)
    result = runner.invoke(main, ["check", "--strict"])
    assert result.exit_code == 1 and "[root-cause-unknown]" in result.stdout


def test_new_scaffold_fails_with_one_finding_per_placeholder(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        main,
        [
            "new",
            "Checkout 502s",
            "--date",
            "2025-03-01",
            "--severity",
            "SEV2",
            "--service",
            "checkout-api",
            "--dir",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    path = tmp_path / "2025-03-01-checkout-502s.md"
    assert result.stdout.strip() == str(path)
    text = path.read_text()
    placeholders = text.count("{") - text.count("{{")
    # The scaffold is a Draft: it may be committed while incomplete, so every placeholder is a warning ...
    check = runner.invoke(main, ["check", "--format", "json", str(path)])
    assert check.exit_code == 0, check.output
    findings = json.loads(check.stdout)
    assert {(f["rule"], f["level"]) for f in findings} == {("placeholder", "warning")}
    assert len(findings) == placeholders
    assert runner.invoke(main, ["check", "--strict", str(path)]).exit_code == 1
    # ... and an error once it claims to be reviewed.
    path.write_text(text.replace("status: Draft", "status: Reviewed"))
    reviewed = json.loads(runner.invoke(main, ["check", "--format", "json", str(path)]).stdout)
    assert {(f["rule"], f["level"]) for f in reviewed} == {("placeholder", "error")}
    assert len(reviewed) == placeholders


def test_new_never_overwrites(runner: CliRunner, tmp_path: Path) -> None:
    args = ["new", "Same title", "--date", "2025-03-01", "--dir", str(tmp_path)]
    assert runner.invoke(main, args).exit_code == 0
    path = tmp_path / "2025-03-01-same-title.md"
    path.write_text("my edits")
    again = runner.invoke(main, args)
    assert again.exit_code == 1
    assert "refusing to overwrite" in again.output
    assert path.read_text() == "my edits"


def test_new_quotes_titles_safely(runner: CliRunner, tmp_path: Path) -> None:
    title = 'DNS: "resolver" down # again'
    assert runner.invoke(main, ["new", title, "--date", "2025-03-01", "--dir", str(tmp_path)]).exit_code == 0
    from postmortem_kb.parsing import parse_text

    path = next(tmp_path.glob("*.md"))
    assert parse_text(str(path), path.read_text()).meta["title"] == title


def test_new_rejects_bad_options(runner: CliRunner, tmp_path: Path) -> None:
    base = ["new", "T", "--dir", str(tmp_path)]
    assert runner.invoke(main, [*base, "--severity", "SEV9"]).exit_code == 2
    assert runner.invoke(main, [*base, "--service", "Not A Slug"]).exit_code == 2
    assert runner.invoke(main, [*base, "--date", "yesterday"]).exit_code == 2
    assert list(tmp_path.iterdir()) == []


def test_schema_is_draft_2020_12_and_has_configured_severities(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["schema"])
    schema = json.loads(result.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["severity"]["enum"] == ["SEV1", "SEV2", "SEV3", "SEV4"]
    assert set(schema["required"]) >= {"title", "date", "severity", "status", "authors", "services", "timeline"}
    out = tmp_path / "s.json"
    assert runner.invoke(main, ["schema", "-o", str(out)]).exit_code == 0
    assert json.loads(out.read_text()) == schema


def test_parallel_check_gives_the_same_findings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Large corpora are judged in worker processes; the result must not depend on it."""
    import postmortem_kb.corpus as corpus
    from postmortem_kb import check as check_module
    from postmortem_kb.settings import Settings

    for name in ("2025-01-01-a.md", "2025-01-02-b.md", "2025-01-03-c.md"):
        (tmp_path / name).write_text(GOLDEN_BASE.read_text().replace("detection: alert", "detecton: alert"))
    serial = check_module.check_paths([REFERENCE_KB, tmp_path], Settings())
    pools: list[object] = []

    class CountingPool(ProcessPoolExecutor):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            pools.append(self)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(corpus, "PARALLEL_FROM", 1)
    monkeypatch.setattr(corpus, "ProcessPoolExecutor", CountingPool)
    parallel = check_module.check_paths([REFERENCE_KB, tmp_path], Settings())
    assert pools, "the worker pool was not used"
    assert parallel.findings == serial.findings and parallel.files == serial.files == 18
    assert {f.rule for f in parallel.findings} == {"unknown-key", "similar-incident"}


def test_new_points_editors_at_the_published_schema(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "kb").mkdir()
    config = tmp_path / "kb" / "mkdocs.yml"
    config.write_text("site_name: t\nsite_url: https://kb.example.com/\ndocs_dir: pm\n")
    result = runner.invoke(
        main, ["new", "Disk full", "--date", "2025-03-01", "-f", str(config), "--dir", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    text = (tmp_path / "2025-03-01-disk-full.md").read_text()
    assert text.startswith(
        "---\n# yaml-language-server: $schema=https://kb.example.com/schema/postmortem.schema.json\n"
    )
    bare = tmp_path / "no-config"
    bare.mkdir()
    monkeypatch.chdir(bare)  # no mkdocs.yml here or above, so no site_url
    without = runner.invoke(main, ["new", "Disk full", "--date", "2025-03-02", "--dir", str(tmp_path)])
    assert without.exit_code == 0
    assert "yaml-language-server" not in (tmp_path / "2025-03-02-disk-full.md").read_text()


def test_the_pmkb_command_ends_fast_with_all_its_output(tmp_path: Path, runner: CliRunner) -> None:
    """`pmkb` (the console script) ends a check without tearing Python down: every line of a report
    larger than a pipe's buffer still arrives, with the exit code, as `main` gives them in-process."""
    import os
    import subprocess
    import sys

    from .test_fast_paths import _generated

    paths = _generated(tmp_path / "postmortems", 450)  # enough for the worker processes
    for path in paths:  # a finding in every file
        path.write_text(path.read_text(encoding="utf-8").replace("severity: SEV", "severity: sev"), encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: KB\ndocs_dir: postmortems\nplugins:\n  - postmortems\n")
    pmkb = str(Path(sys.executable).with_name("pmkb"))
    env = {**os.environ, "PMKB_NO_CACHE": "1"}
    done = subprocess.run(
        [pmkb, "check", "--format", "json"], cwd=tmp_path, capture_output=True, text=True, env=env, check=False
    )
    here = Path.cwd()
    try:
        os.chdir(tmp_path)
        inside = runner.invoke(main, ["check", "--format", "json", "--no-cache"])
    finally:
        os.chdir(here)
    assert len(done.stdout) > 65_536
    assert (done.returncode, json.loads(done.stdout)) == (inside.exit_code, json.loads(inside.stdout)) != (0, [])
    assert done.stderr.strip().splitlines()[-1].startswith("450 postmortem(s) checked:")


def test_only_the_pmkb_command_ends_without_teardown(monkeypatch: pytest.MonkeyPatch) -> None:
    from postmortem_kb import cli

    ended: list[int] = []

    class Ended(Exception):
        pass

    def fake_exit(code: int) -> None:
        ended.append(code)
        raise Ended

    monkeypatch.setattr("os._exit", fake_exit)
    with pytest.raises(SystemExit):  # inside another program (here, the tests): an ordinary exit
        cli._finish(1)
    monkeypatch.setitem(cli._FAST_EXIT, "on", True)
    with pytest.raises(Ended):
        cli._finish(1)
    assert ended == [1]


def test_check_from_inside_the_docs_folder(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run where the postmortems are (the folder an editor's terminal opens in): the whole knowledge
    base and one file are checked as from the repository's root, with the cache and without."""
    shutil.copytree(REFERENCE_KB, tmp_path / "postmortems")
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    name = sorted(p.name for p in REFERENCE_KB.glob("2*.md"))[0]
    monkeypatch.setenv("PMKB_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    at_root = [runner.invoke(main, ["check", "--strict", *args]) for args in ([], [f"postmortems/{name}"])]
    monkeypatch.chdir(tmp_path / "postmortems")
    for extra in ([], ["--no-cache"]):
        for args, root_run in zip(([], [name]), at_root, strict=True):
            result = runner.invoke(main, ["check", "--strict", *extra, *args])
            assert result.exception is None or isinstance(result.exception, SystemExit), result.output
            assert result.exit_code == root_run.exit_code == 0, result.output
            assert result.stderr == root_run.stderr
