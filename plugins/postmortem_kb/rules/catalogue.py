"""Every rule id `pmkb check` can report, its level and what it guards.

Ids are stable: CI configurations, editor integrations and the docs refer to them.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..findings import Level


@dataclass(frozen=True)
class RuleInfo:
    level: Level
    summary: str
    module: str = ""  # where the rule lives, under postmortem_kb (e.g. "rules.timeline")


RULES: dict[str, RuleInfo] = {
    # the file itself
    "file-unreadable": RuleInfo("error", "the file is binary or not UTF-8", module="parsing.source"),
    "file-empty": RuleInfo("error", "the file is empty", module="parsing.source"),
    "frontmatter-missing": RuleInfo(
        "error", "the file does not start with YAML front matter", module="parsing.front_matter"
    ),
    "frontmatter-unclosed": RuleInfo("error", "the front matter has no closing '---'", module="parsing.front_matter"),
    "yaml-syntax": RuleInfo("error", "the front matter is not valid YAML", module="parsing.front_matter"),
    "frontmatter-not-mapping": RuleInfo(
        "error", "the front matter is not a mapping of keys", module="parsing.front_matter"
    ),
    "duplicate-key": RuleInfo("error", "a front-matter key is given twice", module="rules.duplicate_keys"),
    "no-postmortems": RuleInfo("error", "a directory to check holds no postmortem files", module="rules.cross_file"),
    "similar-incident": RuleInfo(
        "warning", "resembles an earlier incident it does not list in `related`", module="rules.cross_file"
    ),
    # front-matter contract
    "required-key": RuleInfo("error", "a required key is missing or empty", module="rules.types"),
    "invalid-type": RuleInfo("error", "a value has the wrong type", module="rules.types"),
    "invalid-date": RuleInfo("error", "a date or timestamp is not a real ISO 8601 value", module="rules.types"),
    "invalid-slug": RuleInfo("error", "a service or category is not a lowercase slug", module="rules.types"),
    "enum-value": RuleInfo(
        "error", "severity, status, detection, priority or item status is not an allowed value", module="rules.types"
    ),
    "timestamp-offset": RuleInfo("error", "a timeline timestamp has no UTC offset", module="rules.types"),
    "timeline-order": RuleInfo("error", "timeline timestamps are out of order", module="rules.timeline"),
    "unknown-key": RuleInfo(
        "warning", "a key the template does not know (with a suggestion)", module="rules.unknown_keys"
    ),
    "root-cause-unknown": RuleInfo(
        "warning", "a root-cause category that is not configured (with a suggestion)", module="rules.root_cause"
    ),
    "frontmatter-html": RuleInfo(
        "error", "raw HTML in a front-matter text field (would reach the page unescaped)", module="rules.html"
    ),
    # action items
    "action-item-incomplete": RuleInfo(
        "error", "an action item lacks action, owner, priority, due date or status", module="rules.action_items"
    ),
    "action-item-duplicate-id": RuleInfo("error", "two action items share an id", module="rules.action_items"),
    "action-items-mismatch": RuleInfo(
        "error", "front-matter action items and the body table disagree", module="rules.action_items"
    ),
    # severity-dependent completeness
    "action-items-required": RuleInfo("error", "a major incident has no action items", module="rules.completeness"),
    "incident-commander-required": RuleInfo(
        "error", "a major incident names no incident commander", module="rules.completeness"
    ),
    "customer-impact-required": RuleInfo(
        "error", "a major incident states no customer impact", module="rules.completeness"
    ),
    # body
    "section-missing": RuleInfo("error", "a required section is missing", module="rules.sections"),
    "section-order": RuleInfo("error", "a required section is out of order", module="rules.sections"),
    "section-empty": RuleInfo("error", "a required section is empty", module="rules.sections"),
    "placeholder": RuleInfo("error", "a template placeholder {...} is left in", module="rules.placeholders"),
    # blameless language (level from the `blameless` option: warn, error or off)
    "blameless-human-error": RuleInfo(
        "warning", '"human error" and the like name a person, not a cause', module="rules.blameless"
    ),
    "blameless-person-failed": RuleInfo(
        "warning", "a person (name, @handle, pronoun, role) as the subject of a failure", module="rules.blameless"
    ),
    "blameless-counterfactual": RuleInfo(
        "warning", '"should have known", "didn\'t test": hindsight judgements', module="rules.blameless"
    ),
    "blameless-blame-word": RuleInfo(
        "warning", '"careless", "negligent", "at fault", "mistake by" ...', module="rules.blameless"
    ),
    "blameless-why-didnt": RuleInfo("warning", '"why didn\'t they ...": asks who, not what', module="rules.blameless"),
    # action-item quality
    "action-item-verb": RuleInfo(
        "warning",
        "an action item is not an action (a noun phrase, question or statement)",
        module="rules.action_quality",
    ),
    "action-item-vague": RuleInfo(
        "warning",
        'a vague action item ("investigate", "improve", "be more careful" ...)',
        module="rules.action_quality",
    ),
    "action-item-p1-due": RuleInfo(
        "warning", "a P1 item of a major incident is due too long after the incident", module="rules.action_quality"
    ),
    # hostile and odd input (issue 16)
    "yaml-tag": RuleInfo(
        "error",
        "a YAML type front matter does not use (!!set, !!binary, !!python/..., local tags, merge keys)",
        module="parsing.front_matter",
    ),
    "yaml-too-large": RuleInfo(
        "error", "aliases expand the front matter past a bound, or it nests too deep", module="parsing.front_matter"
    ),
    "non-finite-number": RuleInfo(
        "error", "`.inf` or `.nan`: not a number JSON exports and figures can hold", module="parsing.front_matter"
    ),
    "theme-key": RuleInfo(
        "error",
        "a key MkDocs or the theme acts on (template, description, hide, search ...) is refused or malformed",
        module="rules.theme_keys",
    ),
    "unknown-related": RuleInfo(
        "error",
        "`related` names a path, a URL, the postmortem itself or a stem no postmortem has",
        module="rules.links",
    ),
    "duplicate-stem": RuleInfo("error", "two postmortems share a file stem (their id)", module="rules.links"),
    # dates (added for issue 10)
    "date-mismatch": RuleInfo(
        "warning", "`date` is neither the UTC nor the local day of timeline.started", module="rules.date_match"
    ),
}
