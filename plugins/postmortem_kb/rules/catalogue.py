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


RULES: dict[str, RuleInfo] = {
    # the file itself
    "file-unreadable": RuleInfo("error", "the file is binary or not UTF-8"),
    "file-empty": RuleInfo("error", "the file is empty"),
    "frontmatter-missing": RuleInfo("error", "the file does not start with YAML front matter"),
    "frontmatter-unclosed": RuleInfo("error", "the front matter has no closing '---'"),
    "yaml-syntax": RuleInfo("error", "the front matter is not valid YAML"),
    "frontmatter-not-mapping": RuleInfo("error", "the front matter is not a mapping of keys"),
    "duplicate-key": RuleInfo("error", "a front-matter key is given twice"),
    "no-postmortems": RuleInfo("error", "a directory to check holds no postmortem files"),
    "similar-incident": RuleInfo("warning", "resembles an earlier incident it does not list in `related`"),
    # front-matter contract
    "required-key": RuleInfo("error", "a required key is missing or empty"),
    "invalid-type": RuleInfo("error", "a value has the wrong type"),
    "invalid-date": RuleInfo("error", "a date or timestamp is not a real ISO 8601 value"),
    "invalid-slug": RuleInfo("error", "a service or category is not a lowercase slug"),
    "enum-value": RuleInfo("error", "severity, status, detection, priority or item status is not an allowed value"),
    "timestamp-offset": RuleInfo("error", "a timeline timestamp has no UTC offset"),
    "timeline-order": RuleInfo("error", "timeline timestamps are out of order"),
    "unknown-key": RuleInfo("warning", "a key the template does not know (with a suggestion)"),
    "root-cause-unknown": RuleInfo("warning", "a root-cause category that is not configured (with a suggestion)"),
    "frontmatter-html": RuleInfo("error", "raw HTML in a front-matter text field (would reach the page unescaped)"),
    # action items
    "action-item-incomplete": RuleInfo("error", "an action item lacks action, owner, priority, due date or status"),
    "action-item-duplicate-id": RuleInfo("error", "two action items share an id"),
    "action-items-mismatch": RuleInfo("error", "front-matter action items and the body table disagree"),
    # severity-dependent completeness
    "action-items-required": RuleInfo("error", "a major incident has no action items"),
    "incident-commander-required": RuleInfo("error", "a major incident names no incident commander"),
    "customer-impact-required": RuleInfo("error", "a major incident states no customer impact"),
    # body
    "section-missing": RuleInfo("error", "a required section is missing"),
    "section-order": RuleInfo("error", "a required section is out of order"),
    "section-empty": RuleInfo("error", "a required section is empty"),
    "placeholder": RuleInfo("error", "a template placeholder {...} is left in"),
    # blameless language (level from the `blameless` option: warn, error or off)
    "blameless-human-error": RuleInfo("warning", '"human error" and the like name a person, not a cause'),
    "blameless-person-failed": RuleInfo(
        "warning", "a person (name, @handle, pronoun, role) as the subject of a failure"
    ),
    "blameless-counterfactual": RuleInfo("warning", '"should have known", "didn\'t test": hindsight judgements'),
    "blameless-blame-word": RuleInfo("warning", '"careless", "negligent", "at fault", "mistake by" ...'),
    "blameless-why-didnt": RuleInfo("warning", '"why didn\'t they ...": asks who, not what'),
    # action-item quality
    "action-item-verb": RuleInfo("warning", "an action item does not start with a verb"),
    "action-item-vague": RuleInfo("warning", 'a vague action item ("investigate", "improve", "be more careful" ...)'),
    "action-item-p1-due": RuleInfo("warning", "a P1 item of a major incident is due too long after the incident"),
}
