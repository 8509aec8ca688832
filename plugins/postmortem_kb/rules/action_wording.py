"""Is an action item an action? Judged by its shape, not by a list of accepted verbs.

Real follow-up lists are written in many ways: imperatives ("Re-enable ..."), plans ("We will
add ..."), reports of a change ("Increased pod resource requests ..."), gerunds naming a task
("Adding integration tests for ..."), and labels followed by any of these ("Retry limits:
Implemented ..."). All of those pass. What is flagged is what clearly cannot be done and closed:

- vague: investigate-style work ("Investigate", "We'll evaluate ways to ..."), exhortations ("Be
  more careful"), "improve / harden X" with nothing concrete, "more / better X";
- not an action: questions, placeholders, noun phrases ("Schema validation for payloads",
  "Hourly LVM snapshots"), short gerund headings, and statements of fact ("The root cause was ...").

Whether a first word can be a verb comes from lemminflect's English lexicon (shipped inside the
wheel, no download); a word it does not know is given the benefit of the doubt, so any imperative,
including jargon ("Backfill", "Dedupe"), passes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from .lexicon import parts_of_speech

Verdict = Literal["vague", "not-action"]


@dataclass(frozen=True)
class Judgement:
    verdict: Verdict
    reason: str


_MARKUP = re.compile(r"\*\*|__|[\u2705\u2714\u2611\u274c]\ufe0f?|^\s*(?:[-*+]|\d+[.)]|\[[ xX]\])\s+")
# "Retry limits: Implemented ..." - a short label before the action itself.
_LABEL = re.compile(r"^(?P<label>[^:.!?]{1,60}?)\s*:\s+(?P<body>\S.*)$")
_NOT_ACTION_LABELS = frozenset(
    ("root cause", "cause", "note", "impact", "summary", "background", "problem", "issue", "context")
)
_PLACEHOLDER = frozenset("tbd tba todo n/a na none - ? ... tbc unknown".split())
# "We will", "We're also", "To reduce X, we have": who plans the work, before the verb.
_SUBJECT = re.compile(
    r"^(?:to\s+[^,]{1,80},\s*)?(?:we|i|our\s+\w+(?:\s+team)?|the\s+\w+(?:\s+\w+)?\s+team)\b\s*"
    r"(?:will|shall|'ll|\u2019ll|are|'re|\u2019re|have|'ve|\u2019ve|plan\s+to|need\s+to|should|must|intend\s+to|"
    r"want\s+to|aim\s+to|would\s+like\s+to)?\s*(?:also\s+|now\s+|then\s+|further\s+|continue\s+to\s+)?",
    re.IGNORECASE,
)
_INVESTIGATE = re.compile(
    r"(?:investigat|explor|evaluat|re-?evaluat|assess|consider|research|stud(?:y|ie|ying)|revisit|discuss|"
    r"brainstorm)\w*\b|(?:look|looking|figure|figuring)\s+(?:into|out)\b|think(?:ing)?\s+about\b|"
    r"follow(?:ing)?\s+up\b|try(?:ing)?\s+to\b|keep(?:ing)?\s+an\s+eye\b",
    re.IGNORECASE,
)
_CAUTION = re.compile(
    r"(?:be|being|stay|remain)\s+(?:more\s+)?(?:careful|vigilant|cautious|mindful)|pay(?:ing)?\s+(?:more\s+)?attention|"
    r"(?:ensure|make\s+sure)\s+(?:that\s+)?(?:this|it)\s+(?:does\s*n[o']t|doesn't|will\s+not|won't|never)\s+"
    r"(?:happen|recur|occur)|monitor(?:ing)?(?:\s+(?:closely|better|more|it|things|this|the\s+situation))?\s*\.?$",
    re.IGNORECASE,
)
_IMPROVE = re.compile(
    r"(?:improv|enhanc|strengthen|harden|optimi[sz]|bolster|refin|streamlin|better)\w*\s+(?P<object>.*)$|"
    r"(?:make|making)\s+.{1,40}?\s+(?:more|less|better)\s+\w+\s*\.?$|increas\w*\s+awareness\b",
    re.IGNORECASE,
)
_COMPARATIVE = re.compile(r"(?:more|better|greater|additional|deeper|stronger|closer|further)\s+(?P<next>\w+)", re.I)
_DETERMINERS = frozenset("the a an this these that those our its their all each every no one my his her".split())
_CONCRETE = re.compile(r"\d|`|\"|\u201c|\b(?:by|so\s+that|to\s+\w+|when|within|before|after|instead)\b", re.I)
_COPULA_STATEMENT = re.compile(
    r"^(?:we|i)\s+(?:were|was|are|am)\s+(?>(?:also\s+|now\s+|still\s+)?)(?!going\b)(?!\w+(?:ing|ed|en)\b)\w+", re.I
)
# Somebody plans or reports the work later in the sentence: "By default we should not capture ...".
_PLAN = re.compile(
    r"\b(?:we|i)\s+(?:will|shall|'ll|\u2019ll|should|must|are|'re|\u2019re|have|'ve|\u2019ve|plan|need)\b", re.I
)
# A plural noun followed by a past-tense verb reports a change: "Timeout values increased to ...".
_REPORTED_CHANGE = re.compile(r"\b[a-z][\w-]*s\s+(?:\w+ly\s+)?(?:were\s+|have\s+been\s+)?\w+ed\b", re.I)
_MODAL = re.compile(r"\b(?:will|shall|should|must|needs?\s+to)\b", re.IGNORECASE)
_PASSIVE_CHANGE = re.compile(r"\b(?:has|have|had)\s+been\s+\w+(?:ed|en|t)\b|\b(?:was|were)\s+\w+(?:ed|en)\b", re.I)
_WORD = re.compile(r"[A-Za-z][\w'\u2019/-]*")
# A sentence whose verb lists work by its gerunds plans that work: "These include implementing ...".
_LISTS_WORK = re.compile(
    r"\b(?:includes?|including|involves?|consists?\s+of|covers?)\s+(?:both\s+|also\s+)?\w+ing\b", re.I
)


def judge(text: str) -> Judgement | None:
    """Why an action item cannot be done and closed as written, or None when it reads as an action."""
    clean = _MARKUP.sub("", text).strip()
    if not clean or clean.lower().strip(".") in _PLACEHOLDER:
        return Judgement("not-action", "a placeholder")
    label = _LABEL.match(clean) if ":" in clean else None  # most items have no label: no regex
    if label and len(label.group("label").split()) <= 6:
        if label.group("label").strip().lower() in _NOT_ACTION_LABELS:
            return Judgement("not-action", f"a {label.group('label').strip().lower()}, not a change")
        clean = label.group("body")
    if clean.rstrip().endswith("?"):
        return Judgement("not-action", "a question")
    return _vague(clean) or _shape(clean)


def _vague(text: str) -> Judgement | None:
    subject = _SUBJECT.match(text)
    rest = text[subject.end() :] if subject else text
    if _INVESTIGATE.match(rest):
        return Judgement("vague", "investigate-style work with no change or end")
    if _CAUTION.match(rest):
        return Judgement("vague", "asks for care, not for a change")
    improve = _IMPROVE.match(rest)
    if improve:
        target = improve.group("object") or ""
        if len(target.split()) <= 8 and not _CONCRETE.search(target):
            return Judgement("vague", '"improve X" names no concrete change')
    comparative = _COMPARATIVE.match(text)
    if comparative and comparative.group("next").lower() not in _DETERMINERS:
        return Judgement("vague", '"more / better X" names no concrete change')
    return None


def _shape(text: str) -> Judgement | None:
    words = _WORD.findall(text)
    if not words:
        return Judgement("not-action", "no words")
    first = words[0].lower()
    if _COPULA_STATEMENT.match(text):
        return Judgement("not-action", "a statement, not a change")
    head = _head(words)
    gerund = head.lower().endswith("ing")
    if first not in _DETERMINERS and not gerund and _can_be_verb(head):
        # An imperative, as most items are ("Add ...", "Manually inspect ..."): every path below
        # finds it an action, so the three searches of the whole item are not made.
        return None
    if _MODAL.search(text) or _PASSIVE_CHANGE.search(text) or _LISTS_WORK.search(text):
        # a requirement ("Deletion should be soft"), a change made ("... have been moved") or planned work
        # listed by its gerunds: whatever its first word, it asks for or reports a change
        return None
    if first in _DETERMINERS:
        return Judgement("not-action", "a statement of fact")
    if first in ("we", "i", "to", "our"):
        return None  # a plan or a report by the team: "We will add ...", "To reduce X, we removed Y"
    if gerund and _can_be_verb(head):
        # "Adding integration tests for X" names a task; a bare "Capacity planning"-like heading does not
        return Judgement("not-action", "a heading, not a task") if len(words) <= 2 else None
    if _can_be_verb(head) or not _known(head) or _PLAN.search(text) or _REPORTED_CHANGE.search(text):
        return None
    return Judgement("not-action", "a noun phrase")


def _head(words: list[str]) -> str:
    """The first word after any adverbs ("Manually inspect ...")."""
    index = 0
    while index < len(words) - 1 and _is_adverb(words[index]):
        index += 1
    return words[index]


def _is_adverb(word: str) -> bool:
    return word.lower().endswith("ly") and "ADV" in _lemmas(word.lower()) and "VERB" not in _lemmas(word.lower())


def _can_be_verb(word: str) -> bool:
    low = word.lower()
    candidates = {low, *low.split("/")}
    for candidate in list(candidates):
        prefix = re.match(r"(?:re|un|de|pre|co|auto)-", candidate)
        candidates.add(candidate[prefix.end() :] if prefix else candidate.split("-")[0])
    return any("VERB" in _lemmas(c) for c in candidates)


def _known(word: str) -> bool:
    """Whether the lexicon knows the word at all (as a noun, adjective ...): unknown words get the benefit of
    the doubt, since an imperative in team jargon is still an imperative."""
    return bool(_lemmas(word.lower()) or _lemmas(word.lower().split("-")[0]))


@lru_cache(maxsize=4096)
def _lemmas(word: str) -> frozenset[str]:
    """The parts of speech the lexicon knows for a word."""
    return parts_of_speech(word)
