"""The `postmortems` plugin's options in mkdocs.yml: the one source of truth for settings.

`PostmortemsConfig` is the typed MkDocs config the plugin receives; `load_settings`
reads the same options out of mkdocs.yml for the CLI, so both judge alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from mkdocs.config import base
from mkdocs.config import config_options as c

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


class SeverityConfig(base.Config):  # type: ignore[no-untyped-call]
    name = c.Type(str)
    description = c.Type(str, default="")
    response = c.Type(str, default="")


class PagesConfig(base.Config):  # type: ignore[no-untyped-call]
    incidents = c.Type(str, default=PagePaths.incidents)
    services = c.Type(str, default=PagePaths.services)
    handbook = c.Type(str, default=PagePaths.handbook)
    action_items = c.Type(str, default=PagePaths.action_items)
    repeat_causes = c.Type(str, default=PagePaths.repeat_causes)
    trends = c.Type(str, default=PagePaths.trends)


class PostmortemsConfig(base.Config):  # type: ignore[no-untyped-call]
    enabled = c.Type(bool, default=True)
    file_pattern = c.Type(str, default=DEFAULT_FILE_PATTERN)
    severities = c.ListOfItems(
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
    return LoadedConfig(to_settings(plugin_config, docs_dir), resolved, config_file, site_url)


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
