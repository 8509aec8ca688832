"""Blameless language: phrasing that blames a person, with the systemic reframing to use instead.

Matches skip code blocks, inline code and block quotes. A passage quoted from a chat
log or a customer can be exempted: end the line with `<!-- blameless: ignore -->`, or
put the passage between `<!-- blameless: off -->` and `<!-- blameless: on -->` lines.
The level (warn, error, off) is the plugin's `blameless` option.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..findings import Finding, Level, Position
from .context import Context

# A person as a sentence subject: an @handle, a pronoun, a role, or a known first name
# (optionally with a surname). Capitalised words in general are not people: "Checkout broke".
FIRST_NAMES = (
    "Aiko Alex Alice Amir Ana Andrea Anna Ben Bob Carlos Carol Chen Chris Dan Daniel Dave David Dev Diego Emma Eve "
    "Fatima Frank George Grace Hannah Ines Ivan Jack James Jane Jen Jenny Jess John Jonas Jose Juan Julia Kate Kevin "
    "Lars Lena Leo Li Linda Lisa Liz Lucas Luis Maria Mark Mary Matt Mei Michael Mike Mohammed Nina Noah Olga Omar "
    "Paul Pedro Peter Priya Raj Rachel Ravi Rosa Sam Sara Sarah Sofia Steve Tom Tomas Wei Yuki Zoe"
).split()
_NAME = r"(?:" + "|".join(FIRST_NAMES) + r")(?:\s+[A-Z][a-z]+)?"
_ROLE = (
    r"(?:[Tt]he\s+)?(?:on-?call(?:\s+engineer)?|engineer|developer|dev|operator|admin(?:istrator)?|DBA|SRE|intern|"
    r"contractor|reviewer|author|new\s+hire)"
)
_PERSON = rf"(?:@[\w.-]+|\b(?i:he|she|they|someone|somebody)\b|\b{_NAME}\b|\b{_ROLE}\b)"
_ADVERB = r"(?:\s+(?:accidentally|mistakenly|carelessly|simply|just|also|then|apparently|clearly))?"
_FAILURE_VERB = (
    r"(?:broke|forgot|missed|neglected|ignored|overlooked|botched|messed\s+up|screwed\s+up|caused|"
    r"failed\s+to|did\s*n[o']t|didn't|never\s+(?:checked|tested|read)|pushed\s+a\s+bad|deleted|dropped)"
)
# Subjects that are systems, not people: "the alert failed to fire", "the suite didn't test it".
_SYSTEM_SUBJECT = (
    r"(?:alert|alarm|check|test|tests|suite|pipeline|CI|job|cron|service|system|monitor|monitoring|probe|deploy|"
    r"deployment|release|script|tool|tooling|runbook|process|config|configuration|change|migration|cluster|node|"
    r"pod|replica|database|query|cache|queue|worker|consumer|library|client|server|proxy|provider|vendor|"
    r"dashboard|page|pager|backup|load\s+balancer|health\s+check|canary|linter|validation|rollback|feature\s+flag|"
    r"flag|API|endpoint|certificate|DNS|resolver|quota|limit|process)"
)


@dataclass(frozen=True)
class BlamelessRule:
    id: str
    patterns: tuple[re.Pattern[str], ...]
    message: str
    reframing: str
    example: str  # a blameful sentence the rule catches, shown in the guide
    # Words without which no pattern can match: a set lookup skips the regexes on most lines.
    trigger: frozenset[str]

    def matches(self, text: str, words: set[str] | None = None) -> Iterator[re.Match[str]]:
        if (words if words is not None else _words(text)).isdisjoint(self.trigger):
            return
        for pattern in self.patterns:
            for match in pattern.finditer(text):
                subject = match.groupdict().get("subject")
                if subject is None or not _SYSTEM.fullmatch(subject):
                    yield match


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def _trigger(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Everything but letters and apostrophes becomes a space: str.translate and split run in C.
_SEPARATORS = str.maketrans({c: " " for c in map(chr, range(128)) if not (c.isalpha() or c == "'")})


def _words(text: str) -> set[str]:
    return set(text.lower().translate(_SEPARATORS).split())


_SYSTEM = re.compile(rf"{_SYSTEM_SUBJECT}s?", re.IGNORECASE)

# Order matters: where two rules match the same words, the earlier one is reported.
BLAMELESS_RULES: tuple[BlamelessRule, ...] = (
    BlamelessRule(
        "blameless-human-error",
        (_rx(r"\b(?:human|operator|engineer|pilot|manual)\s+(?:error|mistake|failure)s?\b"),),
        '"human error" names a person, not a cause',
        'Describe what the process or tooling allowed: "The process allowed a manual step to reach production '
        'unchecked."',
        "The root cause was human error.",
        _trigger("error errors mistake mistakes failure failures"),
    ),
    BlamelessRule(
        "blameless-counterfactual",
        (
            # "X should have <done something>": hindsight, unless X is a system ("the alert should have fired")
            _rx(r"\b(?P<subject>[\w'-]+)\s+should(?:\s+have|'ve)\s+(?:been\s+)?\w+"),
            # "X could have noticed": hindsight about a person; "the canary would have caught it" is not.
            _rx(
                r"\b(?P<subject>[\w-]+)\s+could(?:\s+have|'ve)\s+(?:known|noticed|checked|caught|seen|"
                r"prevented|avoided)\b"
            ),
            # "X didn't test/follow/check ...", unless X is a system: "the suite didn't test it" is fine.
            _rx(
                r"\b(?P<subject>[\w-]+)\s+(?:did\s*n[o']t|didn't)\s+(?:bother\s+to\s+)?(?:test|follow|check|"
                r"verify|read|review|double-check|think)(?:ed)?\b"
            ),
        ),
        "a counterfactual judges with hindsight",
        'Say what made it hard: "Testing didn\'t catch this because the suite has no case for it."',
        "The on-call engineer should have known better.",
        _trigger("should should've could could've did didn't didnt"),
    ),
    BlamelessRule(
        "blameless-person-failed",
        (
            re.compile(rf"{_PERSON}{_ADVERB}\s+{_FAILURE_VERB}\b"),
            # "Sam mistakenly ran ...": the adverb carries the blame whatever the verb
            re.compile(rf"{_PERSON}\s+(?i:mistakenly|accidentally|carelessly|wrongly)\s+\w+"),
        ),
        "a person is the subject of a failure",
        'Make the system the subject: "A deploy introduced a regression that our checks did not catch."',
        "Alice broke production with a bad deploy.",
        _trigger(
            "broke forgot missed neglected ignored overlooked botched messed screwed caused failed did didn't didnt "
            "never pushed deleted dropped mistakenly accidentally carelessly wrongly"
        ),
    ),
    BlamelessRule(
        "blameless-blame-word",
        (
            _rx(
                r"\b(?:careless(?:ly|ness)?|negligen(?:t|ce)|sloppy|lazy|incompeten(?:t|ce)|reckless(?:ly)?|"
                r"culprit|to\s+blame|blamed?|at\s+fault|fault\s+of|whose\s+fault|(?:his|her|their|\w+'s)\s+fault|"
                r"mistake\s+(?:by|of)|who\s+made\s+the\s+mistake|stupid(?:ity)?)\b"
            ),
        ),
        "blame word",
        'Describe the condition, not the person: "The tooling allowed a destructive command without confirmation."',
        "A careless mistake by the DBA dropped the table.",
        _trigger(
            "careless carelessly carelessness negligent negligence sloppy lazy incompetent incompetence reckless "
            "recklessly culprit blame blamed fault mistake stupid stupidity"
        ),
    ),
    BlamelessRule(
        "blameless-why-didnt",
        (
            _rx(rf"\bwhy\s+(?:didn't|did\s*n[o']t|wasn't|weren't)\s+(?:you|we|{_PERSON})\b"),
            _rx(rf"\bwhy\s+did\s+{_PERSON}\s+not\b"),
        ),
        '"why didn\'t they ..." asks who, not what',
        'Ask what made it hard: "What made the dashboard hard to find during the incident?"',
        "Why didn't they check the dashboard?",
        _trigger("why"),
    ),
)

_IGNORE_LINE = "<!-- blameless: ignore -->"
_OFF, _ON = "<!-- blameless: off -->", "<!-- blameless: on -->"
_INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")


def find_blame(text: str) -> Iterator[tuple[BlamelessRule, re.Match[str]]]:
    """Blameful phrases in one line of prose (inline code already ignored)."""
    masked = _INLINE_CODE.sub(lambda m: " " * len(m.group(0)), text) if "`" in text else text
    words = _words(masked)
    for rule in BLAMELESS_RULES:
        for match in rule.matches(masked, words):
            yield rule, match


def check(ctx: Context) -> Iterator[Finding]:
    level = ctx.settings.blameless
    if level == "off":
        return
    severity: Level = "error" if level == "error" else "warning"
    enabled = True
    for line in ctx.doc.body.lines:
        stripped = line.text.strip()
        taken: list[tuple[int, int]] = []  # one finding per phrase: the first (most specific) rule wins
        if stripped == _OFF:
            enabled = False
        elif stripped == _ON:
            enabled = True
        if not enabled or line.in_code or stripped.startswith(">") or _IGNORE_LINE in line.text:
            continue
        for rule, match in find_blame(line.text):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            taken.append(match.span())
            pos = Position(line.number, match.start() + 1 + (len(match.group(0)) - len(match.group(0).lstrip())))
            yield ctx.finding(
                rule.id,
                pos,
                f'{rule.message}: "{match.group(0).strip()}". {rule.reframing}',
                level=severity,
            )
