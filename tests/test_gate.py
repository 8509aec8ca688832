"""The pull-request gate: --changed-since in a real git repository, the pre-commit hook,
the workflows (actionlint), and GitHub's workflow-command escaping."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NoReturn

import pytest
import yaml
from click.testing import CliRunner
from postmortem_kb.check import CheckResult
from postmortem_kb.cli import main
from postmortem_kb.findings import Finding
from postmortem_kb.reporters import github

from .conftest import GOLDEN_BASE, ROOT
from .sites import unrelated

BROKEN = GOLDEN_BASE.read_text().replace("  detected: 2025-01-14T15:06:00Z", "  detected: 2025-01-14T14:06:00Z")


def _missing(tool: str) -> NoReturn:
    """Skip on a developer machine without the tool; in CI (.ci/run installs it) fail."""
    if os.environ.get("CI"):
        pytest.fail(f"{tool} is not installed")
    pytest.skip(f"{tool} is not installed")


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}  # fmt: skip
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    docs = tmp_path / "postmortems"
    docs.mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: t\ndocs_dir: postmortems\n")
    (docs / "2025-01-01-old-broken.md").write_text(BROKEN)  # broken, but already on main
    (docs / "2025-01-02-old-clean.md").write_text(unrelated())
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "base")
    git(tmp_path, "checkout", "-q", "-b", "feature")
    return tmp_path


def test_changed_since_reports_only_added_or_modified_postmortems(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    runner = CliRunner()
    clean = runner.invoke(main, ["check", "--changed-since", "main"])
    assert clean.exit_code == 0, clean.output  # the old broken file is not this branch's doing
    assert "0 postmortem(s) checked" in clean.stderr

    (repo / "postmortems" / "2025-02-01-new.md").write_text(BROKEN)  # untracked
    text = (repo / "postmortems" / "2025-01-02-old-clean.md").read_text()
    (repo / "postmortems" / "2025-01-02-old-clean.md").write_text(text.replace("detection: alert", "detecton: alert"))
    git(repo, "add", "postmortems/2025-01-02-old-clean.md")
    git(repo, "commit", "-q", "-m", "edit")
    result = runner.invoke(main, ["check", "--changed-since", "main", "--format", "github"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines == [
        "::warning file=postmortems/2025-01-02-old-clean.md,line=10,col=1,title=pmkb [unknown-key]::unknown key "
        "`detecton`; did you mean `detection`?",
        # cross-file: the whole corpus is loaded, so the new file is compared with the one on main
        "::warning file=postmortems/2025-02-01-new.md,line=2,col=1,title=pmkb [similar-incident]::repeats the "
        "earlier incident 2025-01-01-old-broken (2025-01-14): same root cause config-change on checkout-api, "
        "0 days apart; similar root-cause text (payload, shape, client, parse) on checkout-api. "
        "Add it to `related` and check whether that incident's fixes covered this one",
        "::error file=postmortems/2025-02-01-new.md,line=13,col=13,title=pmkb [timeline-order]::timeline.detected "
        "(2025-01-14T14:06:00+00:00) is before timeline.started (2025-01-14T15:02:00+00:00); expected started <= "
        "detected <= acknowledged <= diagnosed <= mitigated <= resolved",
    ]
    assert "2 postmortem(s) checked" in result.stderr


def test_changed_since_unknown_ref_is_a_usage_error(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(main, ["check", "--changed-since", "no-such-branch"])
    assert result.exit_code == 2
    assert "--changed-since no-such-branch" in result.output


def test_github_format_escapes_as_the_toolkit_does() -> None:
    finding = Finding("a,b:c%.md", 3, 4, "error", "placeholder", "100% wrong:\nsecond line\r")
    assert github(CheckResult([finding])) == (
        "::error file=a%2Cb%3Ac%25.md,line=3,col=4,title=pmkb [placeholder]::100%25 wrong:%0Asecond line%0D\n"
    )


def test_workflows_pass_actionlint() -> None:
    actionlint = shutil.which("actionlint", path=str(Path(sys.executable).parent)) or shutil.which("actionlint")
    if actionlint is None:
        _missing("actionlint")
    workflows = sorted(str(p) for p in (ROOT / ".github" / "workflows").glob("*.yml"))
    assert len(workflows) >= 2
    done = subprocess.run([actionlint, *workflows], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_pre_commit_hook_blocks_a_broken_postmortem(tmp_path: Path) -> None:
    pre_commit = shutil.which("pre-commit", path=str(Path(sys.executable).parent))
    if pre_commit is None:
        _missing("pre-commit")
    kb = tmp_path / "kb"
    (kb / "postmortems").mkdir(parents=True)
    # This repository's hook definition as a local hook run by pre-commit itself; `system` instead of
    # `python` so that pre-commit uses the installed pmkb instead of building an environment.
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    config = {"repos": [{"repo": "local", "hooks": [{**hook, "language": "system"}]}]}
    (kb / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    git(kb, "init", "-q", "-b", "main")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    (kb / "postmortems" / "2025-01-01-clean.md").write_text(GOLDEN_BASE.read_text())
    git(kb, "add", ".")
    clean = subprocess.run([pre_commit, "run", "--all-files"], cwd=kb, env=env, capture_output=True, text=True)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    (kb / "postmortems" / "2025-01-02-broken.md").write_text(BROKEN)
    (kb / "README.md").write_text("# not a postmortem {placeholder}\n")
    git(kb, "add", ".")
    broken = subprocess.run([pre_commit, "run", "--all-files"], cwd=kb, env=env, capture_output=True, text=True)
    assert broken.returncode == 1
    assert "postmortems/2025-01-02-broken.md:13:13: error [timeline-order]" in broken.stdout
    assert "README.md" not in broken.stdout  # the hook's file pattern leaves other Markdown alone
