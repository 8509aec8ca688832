"""`pmkb init` end to end: the repository it writes passes at once, and the commands its workflows and
pre-commit hook run (read from the generated YAML, not retyped here) give the verdicts they should."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from postmortem_kb import repo_init
from postmortem_kb.cli import main

from .conftest import REFERENCE_KB, ROOT
from .sites import base
from .test_gate import _missing, git

BIN = Path(sys.executable).parent
WORKFLOWS = ("postmortems-pr.yml", "publish.yml")
# A backfilled incident a month before the reference KB's checkout incident, same cause and service.
BACKFILL = base(("2025-01-", "2024-12-"), ("2025-02-14", "2024-12-28"))


def _head(repo: Path) -> str:
    return subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()


def init(target: Path, *extra: str) -> tuple[int, str]:
    args = ["init", str(target), "--repo", ROOT.as_uri(), "--rev", _head(ROOT) or "0" * 40, *extra]
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.output


def env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "SOURCE_DATE_EPOCH": "1764115200", **extra}


@dataclass
class StepRun:
    name: str
    command: str
    returncode: int
    output: str


def run_workflow(path: Path, cwd: Path, **extra_env: str) -> list[StepRun]:
    """Every `run:` step of the workflow's jobs, in order, as GitHub runs it (bash -e -o pipefail), with the
    workflow's, job's and step's `env:`. The install step is checked and skipped: the tool is installed."""
    workflow: dict[str, Any] = yaml.safe_load(path.read_text())
    runs = []
    for job in workflow["jobs"].values():
        for step in job.get("steps", []):
            if "run" not in step:
                continue
            command = step["run"].strip()
            if "pip install" in command:
                assert command == "python -m pip install -r requirements.txt", command
                continue
            step_env = {**workflow.get("env", {}), **job.get("env", {}), **step.get("env", {})}
            done = subprocess.run(
                ["bash", "-e", "-o", "pipefail", "-c", command],
                cwd=cwd,
                env=env(**extra_env, **{k: str(v) for k, v in step_env.items()}),
                capture_output=True,
                text=True,
            )
            runs.append(StepRun(step.get("name", command), command, done.returncode, done.stdout + done.stderr))
    return runs


def run_hook(kb: Path) -> subprocess.CompletedProcess[str]:
    """The pmkb-check hook as pre-commit runs it for this repository's staged files: the entry and files
    pattern from this repository's .pre-commit-hooks.yaml, the args from the generated config."""
    config = yaml.safe_load((kb / ".pre-commit-config.yaml").read_text())
    (use,) = [h for r in config["repos"] for h in r["hooks"] if h["id"] == "pmkb-check"]
    (hook,) = [h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text()) if h["id"] == use["id"]]
    staged = git(kb, "diff", "--cached", "--name-only").split()
    files = [f for f in staged if re.search(hook["files"], f)]
    command = [*shlex.split(hook["entry"]), *hook.get("args", []), *use.get("args", []), *files]
    return subprocess.run(command, cwd=kb, env=env(), capture_output=True, text=True)


def build(kb: Path) -> subprocess.CompletedProcess[str]:
    cmd = [str(BIN / "mkdocs"), "build", "--strict"]
    return subprocess.run(cmd, cwd=kb, env=env(NO_MKDOCS_2_WARNING="1"), capture_output=True, text=True)


def test_init_writes_a_repository_that_passes_at_once(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    code, output = init(kb, "--site-name", 'Acme "incidents"', "--site-url", "https://acme.github.io/kb")
    assert code == 0, output
    for _name, target in repo_init.FILES:
        assert (kb / target.format(docs_dir="postmortems")).is_file(), target
    config = yaml.load((kb / "mkdocs.yml").read_text(), Loader=yaml.BaseLoader)
    assert config["site_name"] == 'Acme "incidents"' and config["site_url"] == "https://acme.github.io/kb/"
    assert config["theme"]["font"] == "false" and len(config["theme"]["palette"]) == 2
    assert "navigation.instant" in config["theme"]["features"] and config["not_in_nav"]
    requirement = (kb / "requirements.txt").read_text().splitlines()[-1]
    assert requirement == f"postmortem-kb @ git+{ROOT.as_uri()}@{_head(ROOT) or '0' * 40}"
    # day 0: no postmortem yet, and both verdicts pass
    for step in run_workflow(kb / ".github/workflows/publish.yml", kb):
        assert step.returncode == 0, (step.name, step.output)
    assert "0 postmortem(s) checked" in run_workflow(kb / ".github/workflows/publish.yml", kb)[0].output


def test_init_never_overwrites_and_says_what_it_kept(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    (kb / "postmortems").mkdir(parents=True)
    (kb / "README.md").write_text("ours\n")
    code, output = init(kb)
    assert code == 0
    assert f"kept    {kb / 'README.md'} (it exists; not overwritten)" in output
    assert (kb / "README.md").read_text() == "ours\n"
    again_code, again = init(kb)
    assert again_code == 0 and "created" not in again and again.count("kept") == len(repo_init.FILES)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--docs-dir", "../outside"], "--docs-dir"),
        (["--rev", "main; rm -rf"], "--rev"),
        (["--repo", "not a url"], "--repo"),
    ],
)
def test_init_rejects_bad_options_without_a_traceback(tmp_path: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["init", str(tmp_path), "--rev", "a" * 40, *args])
    assert result.exit_code == 2 and message in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not (tmp_path / "mkdocs.yml").exists()


def test_init_pins_the_commit_pmkb_was_installed_from(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class Dist:
        def read_text(self, name: str) -> str:
            assert name == "direct_url.json"
            return json.dumps(
                {"url": "https://git.acme.example/pmkb.git", "vcs_info": {"vcs": "git", "commit_id": "c" * 40}}
            )

    monkeypatch.setattr("importlib.metadata.distribution", lambda name: Dist())
    assert CliRunner().invoke(main, ["init", str(tmp_path)]).exit_code == 0
    pin = yaml.safe_load((tmp_path / ".pre-commit-config.yaml").read_text())["repos"][0]
    assert pin == {"repo": "https://git.acme.example/pmkb.git", "rev": "c" * 40, "hooks": [{"id": "pmkb-check"}]}
    assert f"git+https://git.acme.example/pmkb.git@{'c' * 40}" in (tmp_path / "requirements.txt").read_text()


def test_init_without_a_known_commit_asks_for_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(repo_init, "installed_source", lambda: (None, None))
    result = CliRunner().invoke(main, ["init", str(tmp_path)])
    assert result.exit_code == 2 and "--rev COMMIT" in result.output
    assert not (tmp_path / "mkdocs.yml").exists()


def test_generated_workflows_pass_actionlint(tmp_path: Path) -> None:
    actionlint = shutil.which("actionlint", path=str(BIN)) or shutil.which("actionlint")
    if actionlint is None:
        _missing("actionlint")
    assert init(tmp_path)[0] == 0
    workflows = [str(tmp_path / ".github" / "workflows" / name) for name in WORKFLOWS]
    done = subprocess.run([actionlint, *workflows], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    for name in WORKFLOWS:
        workflow = yaml.safe_load((tmp_path / ".github" / "workflows" / name).read_text())
        steps = workflow["jobs"]["build" if name == "publish.yml" else "check"]["steps"]
        (checkout,) = [s for s in steps if str(s.get("uses", "")).startswith("actions/checkout")]
        (python,) = [s for s in steps if str(s.get("uses", "")).startswith("actions/setup-python")]
        assert checkout["with"]["fetch-depth"] == 0
        assert python["with"]["cache"] == "pip" and python["with"]["cache-dependency-path"] == "requirements.txt"


def test_pre_commit_accepts_the_generated_config_and_this_hook_manifest(tmp_path: Path) -> None:
    pre_commit = shutil.which("pre-commit", path=str(BIN))
    if pre_commit is None:
        _missing("pre-commit")
    assert init(tmp_path)[0] == 0
    for args in (["validate-config", str(tmp_path / ".pre-commit-config.yaml")],
                 ["validate-manifest", str(ROOT / ".pre-commit-hooks.yaml")]):  # fmt: skip
        done = subprocess.run([pre_commit, *args], capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stdout + done.stderr


def test_this_repositorys_workflows_are_the_ones_init_writes() -> None:
    for name in WORKFLOWS:
        assert (ROOT / ".github" / "workflows" / name).read_text() == repo_init.template(name), name


def test_pull_request_gate_end_to_end(tmp_path: Path) -> None:
    upstream = tmp_path / "upstream"
    assert init(upstream)[0] == 0
    docs = upstream / "postmortems"
    for path in sorted(REFERENCE_KB.glob("2*.md")):
        shutil.copy(path, docs / path.name)
    git(upstream, "init", "-q", "-b", "main")
    git(upstream, "add", ".")
    git(upstream, "commit", "-q", "-m", "knowledge base")

    # The runner's checkout: a full clone (fetch-depth: 0), so origin/main is there.
    work = tmp_path / "work"
    git(tmp_path, "clone", "-q", str(upstream), str(work))
    git(work, "checkout", "-q", "-b", "backfill")
    # A Draft scaffolded from a subfolder, and a backfilled older incident.
    subfolder = work / ".github" / "workflows"
    new = subprocess.run(
        ["pmkb", "new", "Cart totals off by one cent", "--date", "2026-11-01", "--service", "cart-api"],
        cwd=subfolder, env=env(), capture_output=True, text=True,
    )  # fmt: skip
    assert new.returncode == 0, new.stderr
    assert new.stdout.strip() == "../../postmortems/2026-11-01-cart-totals-off-by-one-cent.md"
    (work / "postmortems" / "2024-12-14-checkout-flag-payload-crash.md").write_text(BACKFILL)
    git(work, "add", ".")

    hook = run_hook(work)
    assert hook.returncode == 0, hook.stdout + hook.stderr  # the Draft may be committed
    assert "warning [placeholder]" in hook.stdout
    git(work, "commit", "-q", "-m", "backfill and a draft")

    summary = tmp_path / "summary.md"
    steps = run_workflow(work / ".github/workflows/postmortems-pr.yml", work, GITHUB_BASE_REF="main",
                         GITHUB_STEP_SUMMARY=str(summary))  # fmt: skip
    assert [s.returncode for s in steps] == [0, 0], [(s.name, s.output) for s in steps]
    check = steps[0].output
    # the unchanged, newer postmortem now resembles the backfilled one: the pull request shows it
    unchanged = "postmortems/2025-01-14-checkout-502s-after-feature-flag-push.md"
    assert f"::warning file={unchanged},line=" in check and "[similar-incident]" in check
    assert "2024-12-14-checkout-flag-payload-crash" in check
    assert "::warning file=postmortems/2026-11-01-cart-totals-off-by-one-cent.md" in check
    table = summary.read_text()
    assert f"### `{unchanged}`" in table and "| `similar-incident` |" in table
    assert table.count("| `placeholder` |") == check.count("[placeholder]")

    # A broken commit: the hook, the pull-request check and the build all fail.
    broken = BACKFILL.replace("  detected: 2024-12-14T15:06:00Z", "  detected: 2024-12-14T14:06:00Z")
    (work / "postmortems" / "2024-12-14-checkout-flag-payload-crash.md").write_text(broken)
    git(work, "add", ".")
    hook = run_hook(work)
    assert hook.returncode == 1 and "error [timeline-order]" in hook.stdout
    git(work, "commit", "-q", "-m", "broken")
    steps = run_workflow(work / ".github/workflows/postmortems-pr.yml", work, GITHUB_BASE_REF="main",
                         GITHUB_STEP_SUMMARY=str(summary))  # fmt: skip
    assert [s.returncode for s in steps] == [1, 1], [(s.name, s.output) for s in steps]
    assert "::error file=postmortems/2024-12-14-checkout-flag-payload-crash.md,line=13" in steps[0].output
    assert "| `timeline-order` |" in summary.read_text()


@pytest.mark.parametrize("single_branch", [True, False], ids=["base-not-fetched", "history-cut"])
def test_shallow_clone_is_a_one_line_error_naming_the_fix(tmp_path: Path, single_branch: bool) -> None:
    upstream = tmp_path / "upstream"
    assert init(upstream)[0] == 0
    shutil.copy(REFERENCE_KB / "2025-02-21-slow-search-during-reindex.md", upstream / "postmortems")
    git(upstream, "init", "-q", "-b", "main")
    git(upstream, "add", ".")
    git(upstream, "commit", "-q", "-m", "kb")
    git(upstream, "checkout", "-q", "-b", "feature")
    shutil.copy(REFERENCE_KB / "2025-04-17-delayed-push-notifications-near-miss.md", upstream / "postmortems")
    git(upstream, "add", ".")
    git(upstream, "commit", "-q", "-m", "one more")
    git(upstream, "commit", "-q", "--allow-empty", "-m", "and another")
    shallow = tmp_path / "shallow"
    how = ["--single-branch"] if single_branch else ["--no-single-branch"]
    git(tmp_path, "clone", "-q", "--depth", "1", *how, "--branch", "feature", upstream.as_uri(), str(shallow))
    (step,) = [s for s in run_workflow(shallow / ".github/workflows/postmortems-pr.yml", shallow,
                                       GITHUB_BASE_REF="main") if "--changed-since" in s.command]  # fmt: skip
    assert step.returncode == 2
    (line,) = step.output.strip().splitlines()
    assert line.startswith("Error: --changed-since origin/main: ") and "`fetch-depth: 0`" in line
    assert "Traceback" not in step.output


# The example values the adopting page shows.
PAGE_EXAMPLE = repo_init.Options(
    repo=repo_init.DEFAULT_REPOSITORY,
    rev="<commit>",
    site_name="Acme incident knowledge base",
    site_url="https://acme.github.io/acme-incidents/",
)
SHOWN = re.compile(r"<!-- pmkb init: (\S+) -->\n```\w*\n(.*?)```\n", re.DOTALL)


def test_adopting_page_shows_exactly_what_init_writes() -> None:
    page = (REFERENCE_KB / "adopting.md").read_text()
    shown = dict(SHOWN.findall(page))
    assert set(shown) == {"mkdocs.yml", "requirements.txt", "pre-commit-config.yaml", *WORKFLOWS}
    for name, text in shown.items():
        assert text == repo_init.render(name, PAGE_EXAMPLE), f"adopting.md's {name} differs from pmkb init's"
    assert "rev: v0.1.0" not in page and "pip install postmortem-kb" not in page
