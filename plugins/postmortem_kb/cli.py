"""`pmkb`: thin commands over the library. Each command's docstring shows an example."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import re
import sys
from pathlib import Path

import click

from . import repo_init, scaffold, step_summary
from .cache_store import open_store
from .changes import GitError, changed_files
from .check import CheckResult, check_paths, find_postmortems, has_postmortems
from .config import ConfigError, LoadedConfig, load_settings
from .discovery import find_config_file, relative
from .gate import only_changed
from .reporters import REPORTERS
from .schema import front_matter_schema
from .settings import Settings
from .verdict import any_fails, effective_fail_on


class UsageFailure(click.ClickException):
    """Usage or configuration error: exit code 2, as SPEC.md fixes."""

    exit_code = 2


def _load(config_file: Path | None) -> LoadedConfig:
    if config_file is None:
        config_file = find_config_file(Path.cwd())
    try:
        return load_settings(config_file)
    except ConfigError as exc:
        raise UsageFailure(str(exc)) from None


config_option = click.option(
    "-f",
    "--config-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="mkdocs.yml whose `postmortems` plugin options to use (default: the nearest mkdocs.yml in this "
    "folder or a parent).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="postmortem-kb")
def main() -> None:
    """postmortem-kb: validate, scaffold and publish incident postmortems."""


def run() -> None:
    """The `pmkb` command: `main`, in a process that may end without tearing itself down."""
    _FAST_EXIT["on"] = True
    main()


# Set only by the `pmkb` command, never when `main` runs inside another program (the tests' runner).
_FAST_EXIT = {"on": False}


def _finish(code: int) -> None:
    """End `pmkb check` with `code`. Run as the `pmkb` command, the process ends here without
    Python freeing every object it made one by one (0.13 s after a check of 10,000 postmortems),
    as mypy ends: the output is flushed, the cache was closed and the worker processes have
    ended. Elsewhere, an ordinary SystemExit."""
    if not _FAST_EXIT["on"]:
        sys.exit(code)
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: what was written is all it gets
            stream.flush()
    os._exit(code)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(sorted(REPORTERS)), default="text", show_default=True)
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option(
    "--changed-since",
    metavar="REF",
    help="Report only postmortems added or modified since REF (its merge base with HEAD); "
    "the whole corpus is still loaded.",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Neither read nor write the cache in .pmkb_cache/ (also PMKB_NO_CACHE=1, or the plugin option cache: false).",
)
@config_option
def check(
    paths: tuple[Path, ...], fmt: str, strict: bool, changed_since: str | None, no_cache: bool, config_file: Path | None
) -> None:
    """Validate postmortems against the template.

    With no PATH, every postmortem under mkdocs.yml's docs_dir is checked.

    \b
    Examples:
        pmkb check postmortems/2024-03-05-checkout-outage.md --format github
        pmkb check --changed-since origin/main --format github
    """
    loaded = _load(config_file)
    whole_kb = not paths
    if whole_kb:
        if loaded.config_file is None:
            raise UsageFailure(
                "no PATH given and no mkdocs.yml here or in a parent folder to find docs_dir; "
                "pass a path or -f mkdocs.yml"
            )
        if not loaded.docs_dir.is_dir():
            raise UsageFailure(f"docs_dir {relative(loaded.docs_dir)} from {loaded.config_file} does not exist")
        paths = (relative(loaded.docs_dir),)
    corpus_dir = relative(loaded.docs_dir) if loaded.config_file is not None else None
    if whole_kb and corpus_dir is not None and not has_postmortems(corpus_dir, loaded.settings):
        result = CheckResult()  # day 0: a new knowledge base with no postmortems yet is not an error
    else:
        base = loaded.config_file.parent if loaded.config_file is not None else Path.cwd()
        store = open_store(base, loaded.settings, no_cache=no_cache)
        try:
            result = check_paths(
                list(paths), loaded.settings, corpus_dir, store, whole_corpus=changed_since is not None
            )
        finally:
            if store is not None:
                store.close()
    if changed_since is not None:
        result = _only_changed(result, changed_since, list(paths), loaded.settings)
    fail_on = effective_fail_on(loaded.settings.fail_on, strict=strict)
    failed = any_fails(result.findings, fail_on)
    click.echo(REPORTERS[fmt](result), nl=False)
    if fmt == "github":
        _write_step_summary(result, failed)
    errors, warnings = result.count("error"), result.count("warning")
    click.echo(f"{result.files} postmortem(s) checked: {errors} error(s), {warnings} warning(s)", err=True)
    _finish(1 if failed else 0)


@main.command()
@click.argument("title")
@click.option("--date", "date_", help="Incident date, YYYY-MM-DD (default: today).")
@click.option("--severity", help="One of the configured levels (default: the first non-major one).")
@click.option("--service", help="Service slug, e.g. checkout-api.")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path), help="Default: docs_dir.")
@config_option
def new(
    title: str,
    date_: str | None,
    severity: str | None,
    service: str | None,
    directory: Path | None,
    config_file: Path | None,
) -> None:
    """Scaffold a postmortem from the template; never overwrites a file.

    \b
    Example:
        pmkb new "Checkout 502s after config push" --severity SEV2 --service checkout-api
    """
    settings = _load(config_file)
    levels = settings.settings.severity_names
    try:
        day = dt.date.fromisoformat(date_) if date_ else dt.date.today()
    except ValueError:
        raise UsageFailure(f"--date {date_!r} is not a date (YYYY-MM-DD)") from None
    minor = [s for s in levels if s not in settings.settings.major_severities]
    severity = severity or (minor[0] if minor else levels[-1])
    if severity not in levels:
        raise UsageFailure(f"--severity must be one of {', '.join(levels)}")
    if service is not None and not re.fullmatch(r"[a-z0-9][a-z0-9-]*", service):
        raise UsageFailure("--service must be a lowercase slug like checkout-api")
    if not title.strip():
        raise UsageFailure("TITLE must not be empty")
    path = scaffold.target_path(directory or relative(settings.docs_dir), title.strip(), day)
    content = scaffold.render(title.strip(), day, severity, service or '"{service slug}"', settings.site_url)
    try:
        scaffold.write_new(path, content)
    except FileExistsError:
        click.echo(f"{path}: error: file exists; refusing to overwrite it (pick another title or date)", err=True)
        sys.exit(1)
    except OSError as exc:
        raise UsageFailure(f"{path}: cannot write: {exc.strerror}") from None
    click.echo(str(path))


@main.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--out-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where the postmortems go (default: docs_dir of mkdocs.yml).",
)
@config_option
def import_(paths: tuple[Path, ...], out_dir: Path | None, config_file: Path | None) -> None:
    """Import postmortems written in the handbook's template without front matter.

    Front matter is derived from the header block and the Impact, Timeline, Action Items
    and Sign-off tables; what the document does not say becomes a {placeholder} that
    `pmkb check` reports. Existing files are never overwritten.

    \b
    Example:
        pmkb import old-wiki/postmortems/ --out-dir postmortems
    """
    from .importing import import_paths

    loaded = _load(config_file)
    outcomes = import_paths(paths, out_dir or relative(loaded.docs_dir), loaded.settings)
    for outcome in outcomes:
        for line in outcome.report():
            click.echo(line)
    counts = {state: sum(o.state == state for o in outcomes) for state in ("written", "unchanged", "exists", "failed")}
    click.echo(
        f"{counts['written']} imported, {counts['unchanged'] + counts['exists']} skipped (target exists), "
        f"{counts['failed']} failed",
        err=True,
    )
    sys.exit(1 if counts["failed"] else 0)


@main.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--site-name", default=repo_init.DEFAULT_SITE_NAME, show_default=True)
@click.option("--site-url", help="Where the site is published, e.g. https://acme.github.io/incidents/.")
@click.option("--docs-dir", default=repo_init.DEFAULT_DOCS_DIR, show_default=True, help="Folder of the postmortems.")
@click.option(
    "--repo",
    metavar="URL",
    help="Git URL of postmortem-kb to pin (default: where this pmkb was installed from, "
    f"else {repo_init.DEFAULT_REPOSITORY}).",
)
@click.option(
    "--rev",
    metavar="COMMIT",
    help="Commit of postmortem-kb to pin (default: the commit this pmkb was installed from).",
)
def init(
    directory: Path, site_name: str, site_url: str | None, docs_dir: str, repo: str | None, rev: str | None
) -> None:
    """Create a ready knowledge-base repository in DIRECTORY (default: here); never overwrites a file.

    Writes mkdocs.yml, the docs folder with its home and tags pages, a README for authors,
    requirements.txt pinning postmortem-kb to a commit, the pull-request and publish workflows,
    .pre-commit-config.yaml and .gitignore.

    \b
    Example:
        pmkb init acme-incidents --site-name "Acme incidents" --site-url https://acme.github.io/acme-incidents/
    """
    installed_repo, installed_rev = repo_init.installed_source()
    rev = rev or installed_rev
    if rev is None:
        raise UsageFailure(
            "cannot tell which commit of postmortem-kb to pin (this pmkb was not installed from a Git URL); "
            "pass --rev COMMIT, and --repo URL for a fork"
        )
    options = repo_init.Options(
        repo or installed_repo or repo_init.DEFAULT_REPOSITORY, rev, site_name, site_url, docs_dir.strip("/")
    )
    if directory.exists() and not directory.is_dir():
        raise UsageFailure(f"{directory} is not a folder")
    try:
        outcomes = repo_init.init_repository(directory, options)
    except repo_init.InitError as exc:
        raise UsageFailure(str(exc)) from None
    except OSError as exc:
        raise UsageFailure(f"{exc.filename}: cannot write: {exc.strerror}") from None
    for outcome in outcomes:
        # as DIRECTORY was typed
        shown = outcome.path
        click.echo(f"created {shown}" if outcome.created else f"kept    {shown} (it exists; not overwritten)")
    if not repo_init.is_full_commit(options.rev):
        click.echo(f"note: {options.rev} is not a full commit hash; a branch or tag can move under you", err=True)
    click.echo(f"postmortem-kb pinned to {options.repo}@{options.rev}", err=True)


@main.command()
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Only incidents on or after this date.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Only incidents on or before this date.")
@click.option("--service", help="Only incidents of this service.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@config_option
def stats(
    since: dt.datetime | None, until: dt.datetime | None, service: str | None, fmt: str, config_file: Path | None
) -> None:
    """Incident metrics of the knowledge base (the trends page's figures) in the terminal.

    Invalid postmortems are left out; run `pmkb check` to see why.

    \b
    Example:
        pmkb stats --since 2025-01-01 --service checkout-api --format json
    """
    from .analytics_api import load_analytics
    from .clock import ClockError, today

    loaded = _load(config_file)
    if not loaded.docs_dir.is_dir():
        raise UsageFailure(f"docs_dir {loaded.docs_dir} does not exist")
    first, last = (d.date() if d else None for d in (since, until))
    try:
        day = today()
    except ClockError as exc:
        raise UsageFailure(str(exc)) from None
    text = load_analytics().stats(str(loaded.docs_dir), loaded.settings, day, first, last, service, fmt)
    click.echo(text, nl=fmt == "json")


@main.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to a file.")
@config_option
def schema(output: Path | None, config_file: Path | None) -> None:
    """Print the JSON Schema (draft 2020-12) of the front matter, for editors.

    \b
    Example:
        pmkb schema -o .vscode/postmortem.schema.json
    """
    text = json.dumps(front_matter_schema(_load(config_file).settings), indent=2) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


def _only_changed(result: CheckResult, ref: str, paths: list[Path], settings: Settings) -> CheckResult:
    """Findings the change causes; every postmortem was loaded and checked."""
    try:
        changed = changed_files(ref, Path.cwd())
    except GitError as exc:
        raise UsageFailure(f"--changed-since {ref}: {exc}") from None
    checked = {f.resolve() for p in paths for f in (find_postmortems(p, settings) if p.is_dir() else [p])}
    return only_changed(result, changed, checked, settings, ref)


def _write_step_summary(result: CheckResult, failed: bool) -> None:
    """On GitHub Actions, every finding also goes to the job summary (annotations stop at 10 a step)."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    try:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(step_summary.markdown(result, failed))
    except OSError as exc:
        # The annotations and the exit code are the verdict; a summary that cannot be written is a note.
        click.echo(f"note: cannot write the job summary to {target}: {exc.strerror}", err=True)
