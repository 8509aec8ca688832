"""The `postmortems` plugin's options in mkdocs.yml: the one source of truth for settings.

`PostmortemsConfig` is the typed MkDocs config the plugin receives; `load_settings`
reads the same options out of mkdocs.yml for the CLI, so both judge alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import ValidationError

from .settings import (
    DEFAULT_FILE_PATTERN,
    DEFAULT_OPTIONAL_SECTIONS,
    DEFAULT_REQUIRED_SECTIONS,
    DEFAULT_REQUIRED_SUBSECTIONS,
    DEFAULT_ROOT_CAUSE_CATEGORIES,
    DEFAULT_SEVERITIES,
    PagePaths,
    Settings,
    SeverityLevel,
)

PLUGIN_NAME = "postmortems"
# A generated page's folder: plain path segments, so no option can point outside the site
# (`..`) or into a hidden folder MkDocs would skip.
_PAGE_PATH = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*(/[A-Za-z0-9_][A-Za-z0-9._-]*)*")


class _Pattern(c.Type):  # type: ignore[type-arg]
    """A regular expression that compiles (a bad one was a traceback in every command)."""

    def run_validation(self, value: object) -> str:
        text: str = super().run_validation(value)
        try:
            re.compile(text)
        except re.error as exc:
            raise ValidationError(f"{text!r} is not a regular expression: {exc}") from None
        return text


class _PagePath(c.Type):  # type: ignore[type-arg]
    """Where a generated page goes, kept inside the site."""

    def run_validation(self, value: object) -> str:
        text: str = super().run_validation(value)
        if not _PAGE_PATH.fullmatch(text.strip("/")) or ".." in text.split("/"):
            raise ValidationError(
                f"{text!r} must be a folder inside the site made of letters, digits, '.', '_' and '-' "
                "(no '..', no leading dot, no backslash)"
            )
        return text


class _NonEmptyList(c.ListOfItems):  # type: ignore[type-arg]
    def run_validation(self, value: object) -> list[Any]:
        items: list[Any] = super().run_validation(value)
        if not items:
            raise ValidationError("must list at least one entry")
        return items


class SeverityConfig(base.Config):  # type: ignore[no-untyped-call]
    name = c.Type(str)
    description = c.Type(str, default="")
    response = c.Type(str, default="")


class PagesConfig(base.Config):  # type: ignore[no-untyped-call]
    incidents = _PagePath(str, default=PagePaths.incidents)
    services = _PagePath(str, default=PagePaths.services)
    handbook = _PagePath(str, default=PagePaths.handbook)
    action_items = _PagePath(str, default=PagePaths.action_items)
    repeat_causes = _PagePath(str, default=PagePaths.repeat_causes)
    trends = _PagePath(str, default=PagePaths.trends)
    feed = _PagePath(str, default=PagePaths.feed)


class TimeZoneOption(c.Type[str]):
    """An IANA time zone name ("UTC", "Europe/Berlin"), checked when mkdocs.yml is read."""

    def __init__(self, default: str = "UTC") -> None:
        super().__init__(str, default=default)

    def run_validation(self, value: object) -> str:
        name = super().run_validation(value)
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise base.ValidationError(
                f"unknown time zone {name!r} (expected an IANA name such as Europe/Berlin)"
            ) from None
        return name


class PostmortemsConfig(base.Config):  # type: ignore[no-untyped-call]
    enabled = c.Type(bool, default=True)
    file_pattern = _Pattern(str, default=DEFAULT_FILE_PATTERN)
    severities = _NonEmptyList(
        c.SubConfig(SeverityConfig),
        default=[{"name": s.name, "description": s.description, "response": s.response} for s in DEFAULT_SEVERITIES],
    )
    major_severities = c.ListOfItems(c.Type(str), default=["SEV1", "SEV2"])
    root_cause_categories = c.ListOfItems(c.Type(str), default=list(DEFAULT_ROOT_CAUSE_CATEGORIES))
    required_sections = c.ListOfItems(c.Type(str), default=list(DEFAULT_REQUIRED_SECTIONS))
    required_subsections = c.DictOfItems(
        c.ListOfItems(c.Type(str)), default={k: list(v) for k, v in DEFAULT_REQUIRED_SUBSECTIONS.items()}
    )
    optional_sections = c.ListOfItems(c.Type(str), default=list(DEFAULT_OPTIONAL_SECTIONS))
    blameless = c.Choice(("warn", "error", "off"), default="warn")
    repeat_window_days = c.Type(int, default=90)
    similarity_threshold = c.Type(float, default=0.18)
    p1_due_days = c.Type(int, default=30)
    drafts = c.Choice(("show", "hide"), default="show")
    analytics = c.Type(bool, default=True)
    pages = c.SubConfig(PagesConfig)
    fail_on = c.Choice(("error", "warning"), default="error")
    extra_keys = c.ListOfItems(c.Type(str), default=[])
    time_zone = TimeZoneOption(default="UTC")
    terms = c.DictOfItems(c.ListOfItems(c.Type(str)), default={})
    cache = c.Type(bool, default=True)
    watcher = c.Choice(("auto", "polling"), default="auto")  # mkdocs serve: inotify where it can be trusted
    postmortem_target_hours = c.Optional(c.DictOfItems(c.Type((int, float))))  # unset: 48 h for major severities


def to_settings(config: PostmortemsConfig, docs_dir: str = "postmortems") -> Settings:
    return Settings(
        severities=tuple(SeverityLevel(s.name, s.description, s.response) for s in config.severities),
        major_severities=tuple(config.major_severities),
        root_cause_categories=tuple(config.root_cause_categories),
        required_sections=tuple(config.required_sections),
        required_subsections={k: tuple(v) for k, v in config.required_subsections.items()},
        optional_sections=tuple(config.optional_sections),
        file_pattern=config.file_pattern,
        blameless=config.blameless,  # type: ignore[arg-type]  # c.Choice guarantees the literal
        repeat_window_days=config.repeat_window_days,
        similarity_threshold=config.similarity_threshold,
        p1_due_days=config.p1_due_days,
        docs_dir=docs_dir,
        analytics=config.analytics,
        drafts=config.drafts,  # type: ignore[arg-type]  # c.Choice guarantees the literal
        pages=PagePaths(**{k: str(v).strip("/") for k, v in config.pages.items()}),
        fail_on=config.fail_on,  # type: ignore[arg-type]  # c.Choice guarantees the literal
        extra_keys=tuple(config.extra_keys),
        time_zone=config.time_zone,
        terms={k: tuple(v) for k, v in config.terms.items()},
        cache=config.cache,
        postmortem_target_hours=_target_hours(config.postmortem_target_hours),
    )


def _target_hours(option: dict[str, float] | None) -> dict[str, float] | None:
    return None if option is None else {severity: float(hours) for severity, hours in option.items()}


class ConfigError(Exception):
    """mkdocs.yml cannot be read or the plugin options are invalid (exit code 2)."""


@dataclass(frozen=True)
class LoadedConfig:
    settings: Settings
    docs_dir: Path  # absolute
    config_file: Path | None
    site_url: str | None = None  # where the site (and its schema/postmortem.schema.json) is published


def load_settings(config_file: Path | None) -> LoadedConfig:
    """Settings from mkdocs.yml's `postmortems` plugin options; defaults when there is no file."""
    if config_file is None:
        return LoadedConfig(Settings(), Path("postmortems").resolve(), None)
    raw = _read_yaml(config_file)
    options = _plugin_options(raw.get("plugins"))
    plugin_config = PostmortemsConfig(config_file_path=str(config_file))
    plugin_config.load_dict(options)
    errors, _warnings = plugin_config.validate()
    if errors:
        detail = "; ".join(f"{key}: {err}" for key, err in errors)
        raise ConfigError(f"{config_file}: invalid options for plugin '{PLUGIN_NAME}': {detail}")
    docs_dir = str(raw.get("docs_dir") or "docs")
    resolved = (config_file.parent / docs_dir).resolve()
    site_url = raw.get("site_url") if isinstance(raw.get("site_url"), str) else None
    # the files MkDocs leaves out of a build are left out of the check too (docs_files.py)
    excluded = "\n".join(str(raw[k]) for k in ("exclude_docs", "draft_docs") if isinstance(raw.get(k), str))
    settings = replace(to_settings(plugin_config, docs_dir), docs_path=str(resolved), exclude_docs=excluded)
    return LoadedConfig(settings, resolved, config_file, site_url)


class _LenientLoader(yaml.SafeLoader):
    """mkdocs.yml may carry !ENV or !!python/name tags; their values don't matter here."""


_LenientLoader.add_multi_constructor("!", lambda loader, suffix, node: None)
_LenientLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def _read_yaml(config_file: Path) -> dict[str, Any]:
    try:
        data = yaml.load(config_file.read_text(encoding="utf-8-sig"), Loader=_LenientLoader)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{config_file}: cannot read: {exc}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{config_file}: invalid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{config_file}: expected a mapping of settings")
    return data


def _plugin_options(plugins: object) -> dict[str, Any]:
    entries: list[Any] = []
    if isinstance(plugins, dict):
        entries = list(plugins.items())
    elif isinstance(plugins, list):
        entries = plugins
    for entry in entries:
        if isinstance(entry, tuple):
            name, options = entry
        elif isinstance(entry, dict) and len(entry) == 1:
            name, options = next(iter(entry.items()))
        else:
            name, options = entry, {}
        if name == PLUGIN_NAME:
            if options is not None and not isinstance(options, dict):
                raise ConfigError(f"options for plugin '{PLUGIN_NAME}' must be a mapping")
            return dict(options or {})
    return {}
