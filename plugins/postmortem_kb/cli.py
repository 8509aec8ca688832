"""`pmkb`: thin commands over the library. Each command's docstring shows an example."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from pathlib import Path

import click

from . import scaffold
from .changes import GitError, changed_files
from .check import CheckResult, check_paths, find_postmortems
from .config import ConfigError, LoadedConfig, load_settings
from .reporters import REPORTERS
from .schema import front_matter_schema
from .settings import Settings


class UsageFailure(click.ClickException):
    """Usage or configuration error: exit code 2, as SPEC.md fixes."""

    exit_code = 2


def _load(config_file: Path | None) -> LoadedConfig:
    if config_file is None and Path("mkdocs.yml").is_file():
        config_file = Path("mkdocs.yml")
    try:
        return load_settings(config_file)
    except ConfigError as exc:
        raise UsageFailure(str(exc)) from None


config_option = click.option(
    "-f",
    "--config-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="mkdocs.yml whose `postmortems` plugin options to use (default: ./mkdocs.yml if present).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="postmortem-kb")
def main() -> None:
    """postmortem-kb: validate, scaffold and publish incident postmortems."""


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
@config_option
def check(paths: tuple[Path, ...], fmt: str, strict: bool, changed_since: str | None, config_file: Path | None) -> None:
    """Validate postmortems against the template.

    With no PATH, every postmortem under mkdocs.yml's docs_dir is checked.

    \b
    Examples:
        pmkb check postmortems/2024-03-05-checkout-outage.md --format github
        pmkb check --changed-since origin/main --format github
    """
    loaded = _load(config_file)
    if not paths:
        if loaded.config_file is None:
            raise UsageFailure("no PATH given and no mkdocs.yml here to find docs_dir; pass a path or -f mkdocs.yml")
        if not loaded.docs_dir.is_dir():
            raise UsageFailure(f"docs_dir {loaded.docs_dir} from {loaded.config_file} does not exist")
        paths = (_relative(loaded.docs_dir),)
    corpus_dir = loaded.docs_dir if loaded.config_file is not None else None
    result = check_paths(list(paths), loaded.settings, corpus_dir)
    if changed_since is not None:
        result = _only_changed(result, changed_since, list(paths), loaded.settings)
    click.echo(REPORTERS[fmt](result), nl=False)
    errors, warnings = result.count("error"), result.count("warning")
    click.echo(f"{result.files} postmortem(s) checked: {errors} error(s), {warnings} warning(s)", err=True)
    sys.exit(result.exit_code(strict=strict))


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
    path = scaffold.target_path(directory or _relative(settings.docs_dir), title.strip(), day)
    content = scaffold.render(title.strip(), day, severity, service or '"{service slug}"', settings.site_url)
    try:
        scaffold.write_new(path, content)
    except FileExistsError:
        click.echo(f"{path}: error: file exists; refusing to overwrite it (pick another title or date)", err=True)
        sys.exit(1)
    except OSError as exc:
        raise UsageFailure(f"{path}: cannot write: {exc.strerror}") from None
    click.echo(str(path))


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
    from postmortem_analytics.frames import load_incidents
    from postmortem_analytics.process import process_report
    from postmortem_analytics.report import render_text, select, stats_report

    from .clock import today
    from .history import read_history

    loaded = _load(config_file)
    if not loaded.docs_dir.is_dir():
        raise UsageFailure(f"docs_dir {loaded.docs_dir} does not exist")
    incidents = select(
        load_incidents(loaded.docs_dir, loaded.settings),
        since.date() if since else None,
        until.date() if until else None,
        service,
    )
    settings = loaded.settings
    report = stats_report(incidents, today(), settings.repeat_window_days, settings.major_severities)
    report["process"] = process_report(incidents, read_history(loaded.docs_dir), settings, today())
    click.echo(json.dumps(report, indent=2) if fmt == "json" else render_text(report), nl=fmt == "json")


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
    """Findings of the changed postmortems only; every postmortem was loaded and checked."""
    try:
        changed = changed_files(ref, Path.cwd())
    except GitError as exc:
        raise UsageFailure(f"--changed-since {ref}: {exc}") from None
    checked = {f.resolve() for p in paths for f in (find_postmortems(p, settings) if p.is_dir() else [p])}
    kept = [f for f in result.findings if Path(f.path).resolve() in changed]
    return CheckResult(kept, files=len(checked & changed))


def _relative(path: Path) -> Path:
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path
