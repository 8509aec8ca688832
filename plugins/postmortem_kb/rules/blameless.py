"""Blameless language: phrasing that blames a person, with the systemic reframing to use instead.

Matches skip code blocks, inline code and block quotes. A passage quoted from a chat
log or a customer can be exempted: end the line with `<!-- blameless: ignore -->`, or
put the passage between `<!-- blameless: off -->` and `<!-- blameless: on -->` lines.
The level (warn, error, off) is the plugin's `blameless` option.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import msgspec

from ..findings import Finding, Level, Position
from .blame_subjects import (
    front_matter_names,
    is_person,
    mask_quotes,
    negated_before,
    person_after,
    person_kind,
    person_start,
    subject_before,
)
from .context import Context

# What a person can do wrong. Verbs only people do ("forgot") and verbs systems do too ("broke"),
# both judged by their subject: "the deploy broke checkout" is systemic, "Nguyen broke checkout" blames.
_FAILURE_VERB = (
    r"(?:forg[eo]t(?:s|ten)?|neglected|overlooked|botched|fumbled|mistyped|fat-fingered|(?:messed|screwed)\s+up|"
    r"broke|ignored|missed|skipped|rushed|failed\s+to|caused\s+(?:the|this|an?)\s+(?:outage|incident|issue|problem|"
    r"failure|downtime|data\s+loss)|pushed\s+(?:an?\s+|the\s+)?(?:bad|broken|wrong|faulty|untested)|dropped\s+the|"
    r"made\s+(?:an?|the)\s+(?:\w+\s+)?(?:error|mistake|typo|blunder)|"
    r"never\s+(?:added|checked|tested|verified|read|ran|looked|told|updated|renewed|followed)|"
    r"(?:chose|decided|opted)\s+(?:not\s+)?to\s+(?:ignore|skip|bypass|disable|override|silence|wait|test|check|review))"
)
_HUMAN_ONLY = re.compile(r"forg|neglected|overlooked|botched|fumbled|mistyped|fat-fingered|messed|screwed", re.I)
_BLAME_ADVERB = (
    r"(?:accidentally|mistakenly|carelessly|wrongly|recklessly|hastily|sloppily|inadvertently|erroneously|blindly)"
)
_DIDNT = r"(?:did\s*n[o'\u2019]t|didn['\u2019]t)"
_CHECK_VERB = (
    r"(?:test|follow|check|verify|read|review|double-check|think|notice|realize|realise|escalate|wait|ask|"
    r"look|confirm|validate|bother)"
)
_BLAME_NOUN = r"(?:fault|mistake|error|typo|oversight|blunder|negligence|carelessness|slip)"
_BAD_ADJECTIVE = r"(?:careless|sloppy|hasty|hurried|rushed|untested|botched|reckless|bad|broken|faulty|mistaken|wrong)"
_POSSESSIVE = r"(?P<owner>@?[\w.-]*\w)(?:'s|\u2019s)"
_HUMAN_ERROR = (
    r"\b(?:human|operator|admin|administrator|engineer|engineering|manual|personnel|pilot)\s+"
    r"(?:error|mistake|failure|slip)s?\b"
)
# "human error" talked about, not given as a cause: "we avoid writing ...", "labelling it as ...".
_DISCUSSED = re.compile(
    r"\b(?:writ(?:e|ing)|label\w*|call(?:ing)?\s+it|term|phrase|argues?|symptom|checkbox|category|tagg?\w*)\b",
    re.IGNORECASE,
)
_BLAME_WORD = (
    r"(?<![\w-])(?:careless(?:ly|ness)?|negligen(?:t|ce)|sloppy|lazy|incompeten(?:t|ce)|reckless(?:ly)?|"
    r"stupid(?:ity)?|irresponsibl[ey])(?![\w-])"
)


@dataclass(frozen=True)
class Hit:
    """A blameful phrase in a line: where it starts (the person, where one is named) and its text."""

    start: int
    end: int
    text: str

    def span(self) -> tuple[int, int]:
        return self.start, self.end


class Line(msgspec.Struct, frozen=True, gc=False):
    """One line of prose prepared for the rules: quotes and parentheticals masked, words for triggers.
    A struct made in C (a frozen dataclass's `__init__` cost five times as much)."""

    text: str
    names: frozenset[str]
    words: frozenset[str]


# A judge looks at a regex match in its line and returns where the blameful phrase starts, or None.
Judge = Callable[[Line, re.Match[str]], int | None]
# What a line must contain for a pattern to match at all: a cheap test that skips the regex on most lines.
Needs = Callable[[Line], bool]


class _Words:
    """Needs: a word of each group occurs in the line. Data, not only a test, so that which patterns
    a line can match is planned once per set of words (`_plan`)."""

    def __init__(self, groups: tuple[frozenset[str], ...]) -> None:
        self.groups = groups

    def __call__(self, line: Line) -> bool:
        return self.met_by(line.words)

    def met_by(self, words: frozenset[str]) -> bool:
        return all(not words.isdisjoint(group) for group in self.groups)


def _needs(*groups: str) -> Needs:
    """A word of each group (space-separated words) occurs in the line."""
    return _Words(tuple(frozenset(g.split()) for g in groups))


def _has_possessive(line: Line) -> bool:
    return "'s" in line.text or "\u2019s" in line.text


Pattern = tuple[re.Pattern[str], Judge, Needs]


@dataclass(frozen=True)
class BlamelessRule:
    id: str
    patterns: tuple[Pattern, ...]
    message: str
    reframing: str
    example: str  # a blameful sentence the rule catches, shown in the guide
    # Words without which no pattern can match: a set lookup skips the regexes on most lines.
    trigger: frozenset[str]

    def matches(self, line: Line) -> Iterator[Hit]:
        if line.words.isdisjoint(self.trigger):
            return
        for pattern, judge, needs in self.patterns:
            if not needs(line):
                continue
            for match in pattern.finditer(line.text):
                start = judge(line, match)
                if start is not None:
                    yield Hit(start, match.end(), line.text[start : match.end()])


def _rx(pattern: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    return re.compile(pattern, flags)


def _trigger(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Everything but letters and apostrophes becomes a space: str.translate and split run in C.
_SEPARATORS = str.maketrans({c: " " for c in map(chr, range(128)) if not (c.isalpha() or c == "'")})


def _words(text: str) -> frozenset[str]:
    return frozenset(text.lower().replace("\u2019", "'").translate(_SEPARATORS).split())


# --- judges: each decides from sentence structure whether a match blames a person


def _subject_is_person(line: Line, match: re.Match[str]) -> int | None:
    """The words before the match (its subject) name a person: "Kwame botched", "The DBA forgot"."""
    return person_start(line.text, match.start(), line.names)


def _someone_did_it(line: Line, match: re.Match[str]) -> int | None:
    """A person did the failure to something: a bare capitalised word may be a product, so it needs
    an object ("Turnstile failed to load;" is a system, "Kwame botched the rollback" a person)."""
    words = [w.text for w in subject_before(line.text, match.start())]
    if person_kind(words, line.names) == "name" and not _HUMAN_ONLY.match(match.group(0)):
        rest = line.text[match.end() :]
        if match.group(0).lower().startswith("failed"):
            rest = re.sub(r"^\s*\w+", "", rest)
        if not re.match(r"\s+(?!(?:to|in|on|at|for|during|after|before|when|while|with|under|again)\b)[\w@]", rest):
            return None
    return person_start(line.text, match.start(), line.names)


def _group_is_person(group: str) -> Judge:
    def judge(line: Line, match: re.Match[str]) -> int | None:
        words = match.group(group).split()
        return match.start() if is_person(words, line.names) else None

    return judge


# "Why didn't we notice?" is the five-whys question about detection, asked of the organisation.
_WE_DETECT = re.compile(r"\s*we\s+(?:not\s+)?(?:notice|detect|catch|see|know|find|spot)\b", re.IGNORECASE)


def _person_follows(group: str) -> Judge:
    """A person right after the match: "a mistake by the DBA", "why didn't Aisha ..."."""

    def judge(line: Line, match: re.Match[str]) -> int | None:
        if negated_before(line.text, match.start()) or _WE_DETECT.match(line.text, match.start(group)):
            return None
        return match.start() if person_after(line.text, match.start(group), line.names) else None

    return judge


def _owner_is_person(line: Line, match: re.Match[str]) -> int | None:
    """A possessive whose owner is a person: "Chen's untested patch", "the release manager's fault"."""
    if negated_before(line.text, match.start()):
        return None
    words = [w.text for w in subject_before(line.text, match.end("owner"))]
    if not words or not is_person(words, line.names):
        return None
    return person_start(line.text, match.end("owner"), line.names)


def _not_negated(line: Line, match: re.Match[str]) -> int | None:
    return None if negated_before(line.text, match.start()) else match.start()


def _human_error_as_cause(line: Line, match: re.Match[str]) -> int | None:
    if negated_before(line.text, match.start()) or _DISCUSSED.search(line.text):
        return None
    return match.start()


def _blame_word(line: Line, match: re.Match[str]) -> int | None:
    """Careless, sloppy ...: blame unless negated, said of a tool ("easy to be careless"), or done by a thing."""
    if negated_before(line.text, match.start()):
        return None
    if re.search(r"\b(?:easy|possible|hard)\s+to\s+be\s+$", line.text[: match.start()], re.IGNORECASE):
        return None
    agent = re.match(r"[^.;:,]*?\bby\s+(?P<agent>(?:\S+\s+){0,3}\S+)", line.text[match.end() :])
    if agent and not person_after(line.text, match.end() + agent.start("agent"), line.names):
        return None
    return match.start()


def _blame_is_on_person(line: Line, match: re.Match[str]) -> int | None:
    """ "X was to blame", "X is at fault", "X was the culprit": only when X is a person."""
    if negated_before(line.text, match.start()):
        return None
    return person_start(line.text, match.start(), line.names)


def _always(line: Line, match: re.Match[str]) -> int | None:
    return match.start()


# Order matters: where two rules match the same words, the earlier one is reported.
BLAMELESS_RULES: tuple[BlamelessRule, ...] = (
    BlamelessRule(
        "blameless-human-error",
        (
            (
                _rx(_HUMAN_ERROR),
                _human_error_as_cause,
                _needs("human operator admin administrator engineer engineering manual personnel pilot"),
            ),
        ),
        '"human error" names a person, not a cause',
        'Describe what the process or tooling allowed: "The process allowed a manual step to reach production '
        'unchecked."',
        "The root cause was human error.",
        _trigger("error errors mistake mistakes failure failures slip slips"),
    ),
    BlamelessRule(
        "blameless-counterfactual",
        (
            # "X should have ...", "X ought to have ...": hindsight about a person; "the alert should have fired" is not
            (
                _rx(
                    r"\b(?:should(?:\s+not|\s+never|n['\u2019]t)?(?:\s+have|['\u2019]ve)|ought\s+to\s+have|"
                    r"could(?:\s+\w+ly)?(?:\s+have|['\u2019]ve)\s+(?:known|noticed|checked|caught|seen|prevented|avoided|"
                    r"realized|realised|tested|verified))\b"
                ),
                _subject_is_person,
                _needs("should shouldn't should've ought could could've"),
            ),
            # "If Marta had checked ...", "... if the developer had run the tests": a person's choice, in hindsight
            (
                _rx(r"\b(?:if|unless)\s+(?P<subject>[^\s,;:]+(?:\s+[^\s,;:]+){0,3}?)\s+had(?:\s+not|n['\u2019]t)?\b"),
                _group_is_person("subject"),
                _needs("if unless", "had hadn't"),
            ),
            # "Had Tomas followed the runbook, ...": the inverted form, at the start of a clause
            (
                _rx(
                    r"(?:^|(?<=[.;:,]\s))[Hh]ad\s+(?P<subject>(?:the\s+|an?\s+|our\s+)?[^\s,;:]+(?:\s+[^\s,;:]+){0,3}?)"
                    r"\s+(?:not\s+)?(?:\w+ly\s+)?(?:\w+ed|read|run|known|seen|done|taken|made|kept|sent|caught|told)\b",
                    0,
                ),
                _group_is_person("subject"),
                _needs("had"),
            ),
            # "X didn't test/check/verify ...": about a person; "the suite didn't test it" is not
            (
                _rx(
                    rf"\b(?:{_DIDNT}|never|had(?:\s+\w+ly)?\s+not|hadn['\u2019]t)\s+(?:\w+ly\s+)?(?:bother\s+to\s+)?"
                    rf"{_CHECK_VERB}(?:ed|s)?\b"
                ),
                _subject_is_person,
                _needs("did didnot didn't never had hadn't"),
            ),
        ),
        "a counterfactual judges with hindsight",
        'Say what made it hard: "Testing didn\'t catch this because the suite has no case for it."',
        "The on-call engineer should have known better.",
        _trigger("should shouldn't should've ought could could've if unless had hadn't did didn't didnt never"),
    ),
    BlamelessRule(
        "blameless-person-failed",
        (
            (
                _rx(rf"\b{_FAILURE_VERB}\b"),
                _someone_did_it,
                _needs(
                    "forgot forget forgets forgots forgotten forgetten neglected overlooked botched fumbled "
                    "mistyped fingered messed screwed broke ignored missed skipped rushed failed caused pushed dropped "
                    "made never chose decided opted"
                ),
            ),
            # the passive with a person as agent: "the release was botched by the new hire"
            (
                _rx(
                    r"\b(?:was|were)\s+(?:\w+ly\s+)?(?:botched|broken|missed|ignored|overlooked|deleted|dropped|"
                    r"caused|messed\s+up|mistyped|forgotten|neglected)\s+by\s+(?P<who>\S)"
                ),
                _person_follows("who"),
                _needs("was were", "by"),
            ),
            # "Sam mistakenly ran ...": the adverb carries the blame whatever the verb
            (
                _rx(rf"\b{_BLAME_ADVERB}\s+\w+"),
                _subject_is_person,
                _needs(
                    "accidentally mistakenly carelessly wrongly recklessly hastily sloppily inadvertently erroneously "
                    "blindly"
                ),
            ),
            # "... pushed straight to main without review": a person skipping a safeguard
            (
                _rx(
                    r"\b\w+ed\b(?=[^.;:]{0,60}?\bwithout\s+(?:a\s+|any\s+)?(?:review|testing|tests|waiting|checking|approval))"
                ),
                _subject_is_person,
                _needs("without"),
            ),
            # possessive blame: "Nadia's typo", "Chen's untested patch", "the release manager's fault"
            (
                _rx(rf"{_POSSESSIVE}\s+(?:(?:own|entirely|simple|obvious|{_BAD_ADJECTIVE})\s+)*{_BLAME_NOUN}\b"),
                _owner_is_person,
                _has_possessive,
            ),
            (_rx(rf"{_POSSESSIVE}\s+{_BAD_ADJECTIVE}\s+\w+"), _owner_is_person, _has_possessive),
        ),
        "a person is the subject of a failure",
        'Make the system the subject: "A deploy introduced a regression that our checks did not catch."',
        "Alice broke production with a bad deploy.",
        _trigger(
            "forgot forget forgets forgotten neglected overlooked botched fumbled mistyped fat fingered messed "
            "screwed broke ignored missed skipped rushed failed caused pushed dropped made never chose decided "
            "opted accidentally mistakenly carelessly wrongly recklessly hastily sloppily inadvertently "
            "erroneously blindly without fault mistake error typo oversight blunder negligence carelessness slip "
            "careless sloppy hasty hurried untested reckless bad broken faulty mistaken wrong"
        ),
    ),
    BlamelessRule(
        "blameless-blame-word",
        (
            (
                _rx(_BLAME_WORD),
                _blame_word,
                _needs(
                    "careless carelessly carelessness negligent negligence sloppy lazy incompetent incompetence "
                    "reckless recklessly stupid stupidity irresponsible irresponsibly"
                ),
            ),
            (
                _rx(r"\b(?:was|is|were|are|am)\b(?:\s+\w+ly)?\s+(?:to\s+blame|at\s+fault|the\s+culprits?)\b"),
                _blame_is_on_person,
                _needs("blame fault culprit culprits"),
            ),
            (_rx(r"\b(?:was|were)\s+blamed\b"), _blame_is_on_person, _needs("blamed")),
            (
                _rx(r"\b(?:my|his|her|their|your)\s+(?:own\s+)?(?:fault|mistake|oversight|typo|blunder)\b"),
                _not_negated,
                _needs("fault mistake oversight typo blunder"),
            ),
            (
                _rx(
                    r"\b(?:share\s+(?:the\s+)?blame|whose\s+fault|who\s+made\s+the\s+mistake|not\s+paying\s+attention|"
                    r"asleep\s+at\s+the\s+wheel)\b"
                ),
                _not_negated,
                _needs("blame fault mistake paying asleep"),
            ),
            (
                _rx(
                    r"\b(?:mistake|error|fault|negligence|carelessness|incompetence|oversight)\s+(?:by|of|on\s+the\s+part\s+of)\s+(?P<who>\S)"
                ),
                _person_follows("who"),
                # "error" is in most postmortems' lines ("error rate"): "by" or "of" must follow it
                _needs("mistake error fault negligence carelessness incompetence oversight", "by of"),
            ),
            (_rx(r"\bblamed?\s+(?:it\s+)?(?:on\s+)?(?P<who>\S)"), _person_follows("who"), _needs("blame blamed")),
        ),
        "blame word",
        'Describe the condition, not the person: "The tooling allowed a destructive command without confirmation."',
        "A careless mistake by the DBA dropped the table.",
        _trigger(
            "careless carelessly carelessness negligent negligence sloppy lazy incompetent incompetence reckless "
            "recklessly stupid stupidity irresponsible irresponsibly blame blamed fault culprit culprits mistake "
            "typo oversight blunder error whose paying asleep"
        ),
    ),
    BlamelessRule(
        "blameless-why-didnt",
        (
            (
                _rx(
                    rf"\bwhy\s+(?:{_DIDNT}|wasn['\u2019]t|weren['\u2019]t|hadn['\u2019]t|couldn['\u2019]t|wouldn['\u2019]t)\s+(?P<who>\S)"
                ),
                _person_follows("who"),
                _needs("why"),
            ),
            (_rx(r"\bwhy\s+did\s+(?:nobody|no\s+one|no-one|anyone)\b"), _always, _needs("why")),
            (
                _rx(
                    r"\bwhy\s+did\s+(?P<who>\S+(?:\s+\S+){0,2}?)\s+not\b(?!\s+(?:notice|detect|catch|see|know|find|spot)\b)"
                ),
                _group_is_person("who"),
                _needs("why"),
            ),
        ),
        '"why didn\'t they ..." asks who, not what',
        'Ask what made it hard: "What made the dashboard hard to find during the incident?"',
        "Why didn't they check the dashboard?",
        _trigger("why"),
    ),
)

_ANY_TRIGGER = frozenset().union(*(rule.trigger for rule in BLAMELESS_RULES))
_IGNORE_LINE = "<!-- blameless: ignore -->"
_OFF, _ON = "<!-- blameless: off -->", "<!-- blameless: on -->"
_INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")


# `_words`' separators but "\n": one translation of a whole body keeps its lines apart.
_SEPARATORS_BUT_NEWLINE = str.maketrans({c: " " for c in map(chr, range(128)) if not (c.isalpha() or c in "'\n")})


def lines_with_triggers(texts: list[str]) -> dict[int, list[str] | None]:
    """The lines in which `find_blame` can find anything, those holding a trigger word: index ->
    the words `_words` makes of the line (kept: the rules need them again).

    The whole body is lowered and translated at once and no set is built per line: most lines hold
    no trigger word, and making each line's word set was most of the rule's cost."""
    folded = "\n".join(texts).lower().replace("\u2019", "'").translate(_SEPARATORS_BUT_NEWLINE)
    found: dict[int, list[str] | None] = {}
    for index, line in enumerate(folded.split("\n")):
        words = line.split()
        if not _ANY_TRIGGER.isdisjoint(words):
            found[index] = words
    return found


def find_blame(text: str, names: frozenset[str] = frozenset()) -> Iterator[tuple[BlamelessRule, Hit]]:
    """Blameful phrases in one line of prose; `names` are people named in the file's authors and roles."""
    if _words(text).isdisjoint(_ANY_TRIGGER):  # most lines: no rule can match (masking only removes words)
        return
    yield from _blame_in(text, names)


def prepare(text: str, names: frozenset[str], words: list[str] | None = None) -> Line:
    """A line as the rules read it: inline code and quotes masked, its words for the triggers
    (`words`: those of the unmasked line, when known; used if masking left the line as it was)."""
    masked = _INLINE_CODE.sub(lambda m: " " * len(m.group(0)), text) if "`" in text else text
    masked = mask_quotes(masked)
    return Line(masked, names, frozenset(words) if words is not None and masked is text else _words(masked))


def _blame_in(text: str, names: frozenset[str], words: list[str] | None = None) -> Iterator[tuple[BlamelessRule, Hit]]:
    """`find_blame` on a line known to hold a trigger word: what each rule's `matches` yields, in
    rule order, with the word tests planned once per set of words."""
    line = prepare(text, names, words)
    for rule, (pattern, judge, needs) in _plan(line.words & _VOCABULARY):
        if not isinstance(needs, _Words) and not needs(line):
            continue
        for match in pattern.finditer(line.text):
            start = judge(line, match)
            if start is not None:
                yield rule, Hit(start, match.end(), line.text[start : match.end()])


# Every word a rule's trigger or a pattern's needs names: what the plan of a line depends on.
_VOCABULARY = _ANY_TRIGGER.union(
    *(
        group
        for rule in BLAMELESS_RULES
        for _p, _j, needs in rule.patterns
        if isinstance(needs, _Words)
        for group in needs.groups
    )
)


@lru_cache(maxsize=4096)
def _plan(words: frozenset[str]) -> tuple[tuple[BlamelessRule, Pattern], ...]:
    """The patterns a line with these words can match (tests other than word tests are left in)."""
    return tuple(
        (rule, pattern)
        for rule in BLAMELESS_RULES
        if not words.isdisjoint(rule.trigger)
        for pattern in rule.patterns
        if not isinstance(pattern[2], _Words) or pattern[2].met_by(words)
    )


def check(ctx: Context) -> Iterator[Finding]:
    level = ctx.settings.blameless
    if level == "off":
        return
    severity: Level = "error" if level == "error" else "warning"
    enabled = True
    names = front_matter_names(ctx.meta)
    lines = ctx.doc.body.lines
    texts = ctx.line_texts
    # Only lines holding a trigger word can hold blame, and only comment lines can switch the rule
    # off and on: the others (most of a body) are not visited.
    triggered = lines_with_triggers(texts)
    for index in sorted(set(triggered).union(i for i, text in enumerate(texts) if "<!--" in text)):
        line = lines[index]
        stripped = line.text.strip()
        taken: list[tuple[int, int]] = []  # one finding per phrase: the first (most specific) rule wins
        if stripped == _OFF:
            enabled = False
        elif stripped == _ON:
            enabled = True
        if not enabled or line.in_code or stripped.startswith(">") or _IGNORE_LINE in line.text:
            continue
        for rule, match in _blame_in(line.text, names, triggered[index]) if index in triggered else ():
            if any(match.start < end and start < match.end for start, end in taken):
                continue
            taken.append(match.span())
            pos = Position(line.number, match.start + 1 + (len(match.text) - len(match.text.lstrip())))
            yield ctx.finding(
                rule.id,
                pos,
                f'{rule.message}: "{match.text.strip()}". {rule.reframing}',
                level=severity,
            )
