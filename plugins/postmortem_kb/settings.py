"""Settings that decide how a postmortem is judged.

This module holds the defaults; the MkDocs plugin's typed ``Config`` takes its
defaults from here and the CLI reads the plugin options out of ``mkdocs.yml``,
so ``pmkb check`` and ``mkdocs build`` always judge a file the same way.
No MkDocs import here: the analytics layer and notebooks use it too.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Literal

BlamelessLevel = Literal["warn", "error", "off"]
DraftsMode = Literal["show", "hide"]
# Which findings fail: `pmkb check` and `mkdocs build --strict` both follow it (verdict.py).
FailOn = Literal["error", "warning"]


@dataclass(frozen=True)
class PagePaths:
    """Folders (under the site root) of the pages the plugin generates."""

    incidents: str = "incidents"
    services: str = "services"
    handbook: str = "handbook"
    action_items: str = "action-items"
    repeat_causes: str = "repeat-causes"
    trends: str = "trends"
    feed: str = "feed.xml"  # the Atom feed of the newest postmortems (a file, not a folder)


@dataclass(frozen=True)
class SeverityLevel:
    name: str
    description: str
    response: str


DEFAULT_SEVERITIES: tuple[SeverityLevel, ...] = (
    SeverityLevel(
        "SEV1",
        "Critical: a core customer journey is down or data is lost or exposed, for many customers.",
        "Page on-call at once; incident commander within 5 minutes; status-page update every "
        "30 minutes; executive notified; postmortem reviewed within 5 business days.",
    ),
    SeverityLevel(
        "SEV2",
        "Major: a core feature is significantly degraded, or a subset of customers cannot use it.",
        "Page on-call; incident commander within 15 minutes; status-page update every hour; "
        "postmortem reviewed within 10 business days.",
    ),
    SeverityLevel(
        "SEV3",
        "Minor: a non-core feature is degraded, with a workaround; few customers notice.",
        "Handled by the owning team in working hours; postmortem optional but encouraged.",
    ),
    SeverityLevel(
        "SEV4",
        "Low: no customer impact; a near miss or an internal tooling failure worth learning from.",
        "Ticket to the owning team; a short postmortem when the near miss teaches something.",
    ),
)

DEFAULT_ROOT_CAUSE_CATEGORIES: tuple[str, ...] = (
    "code-defect",
    "config-change",
    "deployment",
    "capacity",
    "dependency-failure",
    "third-party",
    "infrastructure",
    "network",
    "database",
    "certificate-expiry",
    "data-migration",
    "monitoring-gap",
    "security",
    "unknown",
)

# H2 sections every postmortem carries, in this order; H3 children required under an H2.
DEFAULT_REQUIRED_SECTIONS: tuple[str, ...] = (
    "Executive Summary",
    "Impact",
    "Timeline",
    "Root Cause Analysis",
    "What Went Well",
    "What Could Have Gone Better",
    "Action Items",
    "Lessons Learned",
)
DEFAULT_REQUIRED_SUBSECTIONS: dict[str, tuple[str, ...]] = {
    "Root Cause Analysis": ("What happened", "Contributing factors", "5 Whys Analysis"),
}
DEFAULT_OPTIONAL_SECTIONS: tuple[str, ...] = ("Appendix", "Sign-off")

DEFAULT_FILE_PATTERN = r"^\d{4}-\d{2}-\d{2}-.+\.md$"
DEFAULT_TARGET_HOURS = 48.0


@dataclass(frozen=True)
class Settings:
    severities: tuple[SeverityLevel, ...] = DEFAULT_SEVERITIES
    # Severities that demand action items, an incident commander and stated customer impact.
    major_severities: tuple[str, ...] = ("SEV1", "SEV2")
    root_cause_categories: tuple[str, ...] = DEFAULT_ROOT_CAUSE_CATEGORIES
    required_sections: tuple[str, ...] = DEFAULT_REQUIRED_SECTIONS
    required_subsections: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_REQUIRED_SUBSECTIONS))
    optional_sections: tuple[str, ...] = DEFAULT_OPTIONAL_SECTIONS
    file_pattern: str = DEFAULT_FILE_PATTERN
    blameless: BlamelessLevel = "warn"
    repeat_window_days: int = 90
    # TF-IDF cosine of Root Cause Analysis text at or above which two incidents are "similar".
    similarity_threshold: float = 0.18
    # P1 action items of major incidents are due within this many days of the incident.
    p1_due_days: int = 30
    docs_dir: str = "postmortems"
    drafts: DraftsMode = "show"
    # Trends page, charts and data exports (pandas + plotly); off leaves only the checked pages.
    analytics: bool = True
    pages: PagePaths = field(default_factory=PagePaths)
    fail_on: FailOn = "error"
    # Front-matter keys an organisation adds (top level, or dotted such as `impact.cost_center`):
    # neither unknown-key warnings nor build failures, and allowed by the JSON Schema.
    extra_keys: tuple[str, ...] = ()
    # Which files MkDocs builds (docs_files.py): docs_dir as an absolute path and mkdocs.yml's
    # `exclude_docs` + `draft_docs` lines. Read by the CLI; the plugin gets MkDocs' own file list.
    docs_path: str = ""
    exclude_docs: str = ""
    # Month and quarter of an incident: the day timeline.started falls on in this IANA time zone.
    time_zone: str = "UTC"
    # Rows added to the term-normalisation table of similar-incident links (terms.py): canonical -> variants.
    terms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # The persistent cache in `.pmkb_cache/` beside mkdocs.yml (cache_store.py), for pmkb check and the build.
    cache: bool = True
    # Hours from resolution to a Published postmortem, by severity; None: DEFAULT_TARGET_HOURS for the major ones.
    postmortem_target_hours: dict[str, float] | None = None

    def target_hours(self, severity: str) -> float | None:
        """The publishing target of a severity; None when it has none."""
        if self.postmortem_target_hours is None:
            return DEFAULT_TARGET_HOURS if severity in self.major_severities else None
        return self.postmortem_target_hours.get(severity)

    @property
    def severity_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.severities)

    def is_postmortem_name(self, filename: str) -> bool:
        """By `file_pattern`; MkDocs renders every Markdown extension, so `x.markdown` is judged as `x.md`
        would be (a postmortem saved as .markdown was published unchecked)."""
        stem, ext = os.path.splitext(filename)
        if ext in MARKDOWN_EXTENSIONS:
            filename = stem + ".md"
        return _compiled(self.file_pattern).match(filename) is not None


# mkdocs.utils.markdown_extensions (MkDocs 1.6); tests compare the two.
MARKDOWN_EXTENSIONS: tuple[str, ...] = (".markdown", ".mdown", ".mkdn", ".mkd", ".md")


def stem_of(filename: str) -> str:
    """A postmortem's id (what `related` lists): its file name without the Markdown extension."""
    stem, ext = os.path.splitext(filename.rsplit("/", 1)[-1])
    return stem if ext in MARKDOWN_EXTENSIONS else filename.rsplit("/", 1)[-1]


_PATTERNS: dict[str, re.Pattern[str]] = {}


def _compiled(pattern: str) -> re.Pattern[str]:
    if pattern not in _PATTERNS:
        _PATTERNS[pattern] = re.compile(pattern)
    return _PATTERNS[pattern]
