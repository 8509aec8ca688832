"""Who a clause is about: the sentence-structure half of the blameless rules.

A blameful sentence makes a *person* the subject of a failure. Rather than a list of first
names (which cannot cover a real organisation), a subject counts as a person when it is
- a personal pronoun ("I", "we", "she", "someone", "whoever");
- an @handle;
- a noun phrase whose head is a role noun ("the on-call engineer", "the release manager",
  "the SRE on shift", "the platform team");
- a capitalised name without a determiner ("Oluwaseun", "Mei-Ling", "Chen Wei") that is not a
  known system or product word ("Kubernetes", "Checkout");
- a name given in the file's own `authors` or `roles`.

Plus the helpers the rules share: the clause a match sits in, whether it is negated, and
masking of quoted speech. Everything here is pure string work, so the lint stays fast.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Literal, NamedTuple

PersonKind = Literal["pronoun", "handle", "known", "role", "name"]
PRONOUNS = frozenset("i we he she they you someone somebody whoever anyone".split())
# Heads of noun phrases that name people by what they do. Plurals are accepted too.
ROLE_NOUNS = frozenset(
    """
    engineer developer dev operator admin administrator sysadmin dba sre intern contractor reviewer author
    manager lead captain responder technician employee person staff staffer member committer approver analyst
    architect on-call oncall team coworker colleague human programmer tester maintainer owner commander
    deployer consultant hire newcomer
    """.split()
)
_TRAILING_QUALIFIERS = re.compile(r"\s+(?:on\s+(?:shift|duty|call)|in\s+charge|at\s+the\s+time)$", re.IGNORECASE)
DETERMINERS = frozenset("the a an our this that these those their its his her my your each every any some no".split())
# Capitalised words that start sentences or name systems: never taken for a person's name.
NOT_NAMES = frozenset(
    """
    it this that these those there then here what which when where why how who everything nothing something
    everyone nobody somebody anybody all both each every most many some few none one two three also after before
    during since until once while because although though however therefore meanwhile later earlier finally
    initially first second third last next today yesterday tonight monday tuesday wednesday thursday friday
    saturday sunday january february march april may june july august september october november december
    the a an our we you they he she his her their my your its if but and or so as at in on by for from with
    checkout login auth search billing payments payment api app web mobile frontend backend storage database
    cache queue worker workers service services system systems deploy deployment release build pipeline
    monitoring alerting alert alerts replication traffic network dns cdn edge proxy gateway scheduler
    kubernetes k8s puppet chef ansible terraform jenkins zuul gerrit nginx apache varnish haproxy envoy
    mysql mariadb postgres postgresql redis memcached kafka zookeeper consul etcd elasticsearch cassandra
    mongodb rabbitmq docker linux windows aws azure gcp google amazon microsoft github gitlab cloudflare
    fastly akamai slack pagerduty icinga nagios prometheus grafana datadog sentry java python go node
    parsoid mediawiki hhvm php lvs bgp tls ssl http https git npm helm argo spinnaker vault
    """.split()
)
_NEGATION = re.compile(r"\b(?:not|no|nobody|never|neither|nor|without|none)\b|n't\b|\bno\s+one\b", re.IGNORECASE)
# Where a clause starts, looking back from a match: punctuation or a conjunction.
_CLAUSE_BREAK = re.compile(
    r"[;:!?()\[\]\u2014]|\.(?!\w)|,|\s-\s|\b(?:and|but|so|because|when|while|although|though|since|until|after|before|"
    r"if|unless|whereas|which|that)\b",
    re.IGNORECASE,
)
_SENTENCE_BREAK = re.compile(r"[;:!?\u2014]|\.(?!\w)|\s-\s|\bbut\b", re.IGNORECASE)
_ADVERB = re.compile(r"[a-z]+ly|also|then|just|again|once|still|even|already|later|initially|first|never|simply")
_TRAILING_FILLER = re.compile(
    r"\s+(?:[a-z]+ly|also|then|just|again|once|still|even|already|later|initially|first|never|simply|"
    r"had|has|have|must|might|may|would|probably)$"
)
_QUOTED = re.compile(r'"[^"\n]{1,200}"|\u201c[^\u201d\n]{1,200}\u201d|(?<!\w)\'[^\'\n]{1,80}\'(?!\w)')
_PARENS = re.compile(r"\([^()\n]{0,80}\)")
_WORD = re.compile(r"@[\w.-]*\w|[\w'\u2019-]+")


def mask_quotes(text: str) -> str:
    """Quoted speech and parentheticals become spaces (positions kept): "who broke prod?" is a quote."""
    if '"' in text or "'" in text or "\u201c" in text:  # most lines have no quote: skip the regex
        text = _QUOTED.sub(lambda m: " " * len(m.group(0)), text)
    if "(" in text:
        text = _PARENS.sub(lambda m: " " * len(m.group(0)), text)
    return text


def clause_before(text: str, index: int) -> str:
    """The words of the clause that ends at `index`."""
    prefix = text[:index]
    breaks = list(_CLAUSE_BREAK.finditer(prefix))
    return prefix[breaks[-1].end() :] if breaks else prefix


def negated_before(text: str, index: int) -> bool:
    """A negation earlier in the same sentence part: "This was not human error", "Nobody is at fault"."""
    prefix = text[:index]
    breaks = list(_SENTENCE_BREAK.finditer(prefix))
    part = prefix[breaks[-1].end() :] if breaks else prefix
    return bool(_NEGATION.search(part))


class Word(NamedTuple):
    text: str
    start: int  # offset in the line


def subject_before(text: str, index: int) -> list[Word]:
    """The words of the noun phrase just before `index` (a verb), trailing adverbs dropped."""
    start = index - len(clause_before(text, index))
    clause = text[start:index].rstrip()
    if not clause.strip() and text[:start].rstrip().endswith(","):
        # an appositive between commas: "Dmitri, the release manager, forgot ..." names the release manager
        return subject_before(text, len(text[:start].rstrip()) - 1)
    # Peel what may stand between the subject and its verb, in any order: adverbs ("simply"),
    # auxiliaries ("had", "must have") and qualifiers of a role ("on duty"), then a relative "who".
    while True:
        shorter = _TRAILING_QUALIFIERS.sub("", _TRAILING_FILLER.sub("", clause))
        if shorter == clause:
            break
        clause = shorter
    words = [Word(w.group(0), w.start() + start) for w in _WORD.finditer(clause)]
    if len(words) > 1 and words[-1].text.lower() == "who":
        words.pop()
    return words[-5:]


def words_after(text: str, index: int, count: int = 4) -> list[Word]:
    """Up to `count` words from `index`, within the clause."""
    rest = re.split(r"[.;:!?,()]", text[index:], maxsplit=1)[0]
    return [Word(w.group(0), w.start() + index) for w in _WORD.finditer(rest)][:count]


def person_start(text: str, index: int, names: frozenset[str] = frozenset()) -> int | None:
    """Where the person who is the subject of the verb at `index` is named, or None if it is no person."""
    words = subject_before(text, index)
    plain = [w.text for w in words]
    kind = person_kind(plain, names)
    if kind is None:
        return None
    first = len(plain) - 1
    if kind in ("pronoun", "handle"):
        return words[first].start
    if _capitalised(plain[-1]):  # a name: back to the start of its capitalised run
        while first > 0 and _capitalised(plain[first - 1]) and len(plain) - first < 3:
            first -= 1
    else:  # a role: back to its determiner ("the on-call engineer"), if close
        for back in range(first - 1, max(-1, first - 4), -1):
            if plain[back].lower() in DETERMINERS:
                first = back
                break
    return words[first].start


def person_after(text: str, index: int, names: frozenset[str] = frozenset()) -> bool:
    """Whether the noun phrase starting at `index` names a person ("the DBA", "Roan", "@kenji")."""
    words = [w.text for w in words_after(text, index)]
    return any(is_person(words[:n], names) for n in range(1, len(words) + 1))


def is_person(words: list[str], names: frozenset[str] = frozenset()) -> bool:
    """Whether a noun phrase (its words, head last) names a person."""
    return person_kind(words, names) is not None


def person_kind(words: list[str], names: frozenset[str] = frozenset()) -> PersonKind | None:
    """How a noun phrase names a person; "name" (a capitalised word) is the weakest evidence."""
    if not words:
        return None
    head = words[-1]
    low = head.lower().rstrip("'\u2019")
    if head == "I" or (low in PRONOUNS and low != "i"):
        return "pronoun"
    if head.startswith("@"):
        return "handle"
    if any(w.lower().lstrip("@") in names for w in words):
        return "known"
    if low in ROLE_NOUNS or (low.endswith("s") and low[:-1] in ROLE_NOUNS):
        return "role"
    return "name" if _is_name(words) else None


def _is_name(words: list[str]) -> bool:
    """A run of capitalised words with no determiner before it: "Chen Wei", "Søren", "Mei-Ling"."""
    run: list[str] = []
    for word in reversed(words):
        if not _capitalised(word):
            break
        run.append(word)
    if not run or len(run) > 3 or any(w.lower() in NOT_NAMES for w in run):
        return False
    before = words[-len(run) - 1].lower() if len(words) > len(run) else ""
    return before not in DETERMINERS


def _capitalised(word: str) -> bool:
    """Name-shaped: each hyphen part starts upper case and continues lower case (not "DNS", "GitHub")."""
    parts = word.split("-")
    return all(len(p) > 1 and p[0].isupper() and p[1:].islower() and p.isalpha() for p in parts)


@lru_cache(maxsize=256)
def names_from(values: tuple[str, ...]) -> frozenset[str]:
    """Lower-case name words and handles from `authors` / `roles` values ("@ngozi.eze", "Ngozi Eze")."""
    out: set[str] = set()
    for value in values:
        for word in re.findall(r"@?[\w.-]+", value):
            word = word.lstrip("@").lower()
            out.add(word)
            out.update(p for p in re.split(r"[._-]", word) if len(p) > 1)
    return frozenset(out - DETERMINERS - PRONOUNS)


def front_matter_names(meta: dict[str, object]) -> frozenset[str]:
    """People named in a postmortem's `authors` and `roles`: they are persons wherever they appear."""
    values = list(_strings(meta.get("authors")))
    roles = meta.get("roles")
    if isinstance(roles, dict):
        for value in roles.values():
            values.extend(_strings(value))
    return names_from(tuple(values))


def _strings(value: object) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        yield from (v for v in value if isinstance(v, str))
