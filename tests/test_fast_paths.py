"""The fast paths of per-file judging find exactly what the plain paths find.

Several rules skip work that cannot find anything (a whole-body trigger-word pass, word tests
planned per set of words, character tests before regex scans, known-key mappings, equal cells)
and relations take term counts and failure classes made in the worker processes. Each fast path
has a reference here: the code it replaced, patched back in. Every postmortem of the reference
knowledge base, the real-incident fixture, the hostile and golden inputs, and generated
postmortems salted with blameful sentences, markup and odd characters are judged both ways.
"""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from postmortem_kb.evaluate import evaluate_bytes
from postmortem_kb.failure_classes import classify
from postmortem_kb.findings import Finding
from postmortem_kb.parsing import front_matter
from postmortem_kb.parsing.front_matter import FrontMatter
from postmortem_kb.records import incident_from
from postmortem_kb.relations import _CLASSES, _TERM_COUNTS, text_facts, tokens
from postmortem_kb.rules import action_items, blameless, placeholders, unknown_keys
from postmortem_kb.rules.blameless import BLAMELESS_RULES, Hit, _words, find_blame, lines_with_triggers
from postmortem_kb.settings import Settings

from .conftest import TESTS
from .test_golden import CASE_DIR, build_input, build_settings

ROOT = TESTS.parent


def _reference_blame_in(
    text: str, names: frozenset[str], _known_words: list[str] | None = None
) -> Iterator[tuple[blameless.BlamelessRule, Hit]]:
    """Before the plan: every rule's own `matches`, its trigger and each pattern's test per line,
    with the line's words made afresh."""
    line = blameless.prepare(text, names)
    for rule in BLAMELESS_RULES:
        for hit in rule.matches(line):
            yield rule, hit


def _use_reference_paths(patch: pytest.MonkeyPatch) -> None:
    """Every fast path patched back to the plain code it stands for."""
    patch.setattr(blameless, "lines_with_triggers", lambda texts: {i: None for i in range(len(texts))})
    patch.setattr(blameless, "_blame_in", _reference_blame_in)
    patch.setattr(FrontMatter, "may_contain", lambda self, char: True)
    patch.setattr(placeholders, "body_may_hold", lambda ctx: True)
    patch.setattr(unknown_keys, "only_known", lambda data, kind: False)
    patch.setattr(action_items, "_same", lambda cell, value: action_items._norm(cell) == action_items._norm(value))


# Characters that tokenising, case-folding or whitespace handling could treat differently.
_ODD = ["\u2019", "\u00a0", "\t", "\u2003", "\u3000", "\x1c", "\x85", "\u2028", "\u03a3", "\u212a", "\u0130", "-", "_"]
_SALT = [
    "The root cause was human{c}error.",
    "Why didn{c}t they check the dashboard?",
    "Bob{c}forgot to drain the node.",
    "`Alice broke prod` and \u201cJonas ignored the alert\u201d (Kim mistakenly ran it).",
    "<!-- blameless: off -->",
    "Priya neglected to update the runbook.",
    "<!-- blameless: on -->",
    "Chen\u2019s untested patch was the culprit. SHOULD{c}HAVE known. ERROR",
    "> Tom pushed a bad config to all regions.",
    "Fill in {{the summary{c}here}} and {{placeholder}} and {{: .class}}",
    "Maria accidentally deleted the bucket. <!-- blameless: ignore -->",
]


def _generated(folder: Path, count: int) -> list[Path]:
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    paths: list[Path] = module.generate(count, folder)
    return paths


def _salted(text: str, index: int) -> str:
    """A generated postmortem with blameful sentences, placeholders, markup and odd characters."""
    c = _ODD[index % len(_ODD)]
    head, sep, body = text.partition("\n---\n")
    title_markup = [
        'title: "Outage \\x3cb\\x3e"',
        "title: 'A &amp; B'",
        'title: "tab\\tand \\u0026 amp"',
        "title: Plain",
    ]
    head = "\n".join(title_markup[index % 4] if line.startswith("title:") else line for line in head.split("\n"))
    if index % 3 == 0:
        head += "\nunknown_key: 1\nimpact:\n  <b>x</b>: 2"
    lines = body.split("\n")
    for number, salt in enumerate(_SALT):
        at = (index * 7 + number * 5) % max(len(lines), 1)
        lines.insert(at, salt.format(c=c))
    if index % 5 == 0:
        lines.insert(len(lines) // 2, "```\nTom broke prod\n```")
    return head + sep + "\n".join(lines)


def _inputs(tmp_path: Path) -> list[tuple[str, bytes, Settings]]:
    plain, strict = Settings(), Settings(blameless="error")
    found: list[tuple[str, bytes, Settings]] = []
    for folder in (ROOT / "postmortems", TESTS / "fixtures" / "real-kb" / "docs", TESTS / "hostile"):
        for path in sorted(folder.rglob("*.m*")):
            found.append((str(path), path.read_bytes(), plain))
    for case_file in sorted(CASE_DIR.glob("*.yaml")):
        for case in yaml.safe_load(case_file.read_text(encoding="utf-8"))["cases"]:
            found.append(
                (f"{case_file.stem}: {case['name']}", build_input(case), build_settings(case.get("settings", {})))
            )
    for index, path in enumerate(_generated(tmp_path / "docs", 26)):
        salted = _salted(path.read_text(encoding="utf-8"), index).encode("utf-8")
        found.append((str(path), salted, strict if index % 2 else plain))
    return found


def _judged(inputs: list[tuple[str, bytes, Settings]]) -> list[list[Finding]]:
    return [evaluate_bytes(name, data, settings).findings for name, data, settings in inputs]


def test_fast_paths_find_what_the_reference_paths_find(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inputs = _inputs(tmp_path)
    fast = _judged(inputs)
    with monkeypatch.context() as patch:
        _use_reference_paths(patch)
        slow = _judged(inputs)
    for (name, _data, _settings), one, other in zip(inputs, fast, slow, strict=True):
        assert one == other, name
    rules = {f.rule for found in fast for f in found}
    # the comparison means something only if the inputs make the fast-pathed rules speak
    assert {
        "blameless-human-error",
        "blameless-person-failed",
        "placeholder",
        "frontmatter-html",
        "unknown-key",
    } <= rules
    assert sum(len(found) for found in fast) > 300


def _labelled_sentences() -> list[str]:
    """The blameless rule's corpus and the evaluation's labelled sentences."""
    corpus = yaml.safe_load((TESTS / "blameless" / "corpus.yaml").read_text(encoding="utf-8"))
    sentences: list[str] = [*corpus["blameful"], *corpus["blameless"]]
    for part in ("dev", "test"):
        data = yaml.safe_load((TESTS / "evaluation" / f"blameless.{part}.yaml").read_text(encoding="utf-8"))
        sentences += [item["text"] for item in data["items"]]
    return sentences


def test_blame_in_sentences_is_found_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every labelled sentence, and each with odd characters in it, gives the same hits both ways."""
    sentences = _labelled_sentences()
    sentences += [s.replace(" ", c) for s in sentences[:80] for c in _ODD]
    sentences += [s.upper() for s in sentences[:80]]

    def hits() -> list[list[tuple[str, Hit]]]:
        return [[(rule.id, hit) for rule, hit in find_blame(s, frozenset({"kim"}))] for s in sentences]

    fast = hits()
    monkeypatch.setattr(blameless, "_blame_in", _reference_blame_in)
    assert hits() == fast
    assert sum(map(bool, fast)) > 100


def test_a_pattern_matches_only_lines_with_the_words_it_needs() -> None:
    """A pattern's word test (`_needs`) skips its regex on lines without those words: sound only if
    the regex cannot match such a line. Every labelled sentence, with odd characters in place of its
    spaces and upper-cased, and a few written for the prepositions of "a mistake by"."""
    sentences = _labelled_sentences()
    # An apostrophe between letters is part of a word ("didn't"), so not one in place of every space.
    sentences += [s.replace(" ", c) for s in sentences for c in _ODD if c != "\u2019"]
    sentences += [s.upper() for s in sentences]
    sentences += ["The outage was an error by Kim.", "A mistake\u00a0of\u2003Bob", "ERROR ON THE PART OF Ann"]
    sentences += ["a mistake by the on-call"]
    checked = matched = 0
    for text in sentences:
        line = blameless.prepare(text, frozenset({"kim"}))
        for rule in BLAMELESS_RULES:
            for pattern, _judge, needs in rule.patterns:
                if isinstance(needs, blameless._Words):
                    checked += 1
                    if pattern.search(line.text):
                        matched += 1
                        assert needs.met_by(line.words), (rule.id, pattern.pattern, text)
    assert checked > 10_000 and matched > 300


def test_trigger_lines_are_the_lines_whose_words_hold_a_trigger() -> None:
    words = sorted(blameless._ANY_TRIGGER)
    lines = [f"x{a}{w}{b}y {w}" for w in words[:40] for a in ("", *_ODD) for b in ("", " ", *_ODD)]
    lines += [f"{w.upper()}{c}" for w in words for c in ("", *_ODD)] + ["", " ", "\u03a3\u03a3", "\u212aind"]
    expected = {i for i, text in enumerate(lines) if not _words(text).isdisjoint(blameless._ANY_TRIGGER)}
    found = lines_with_triggers(lines)
    assert set(found) == expected
    assert all(frozenset(found[i] or ()) == _words(lines[i]) for i in expected)
    assert 0 < len(expected) < len(lines)


def test_text_facts_made_in_a_worker_equal_facts_made_afresh() -> None:
    """What the parent takes from a worker (`text_facts`) is what it would have computed itself."""
    settings = Settings()
    folder = TESTS / "fixtures" / "real-kb" / "docs"
    incidents = [evaluate_bytes(str(p), p.read_bytes(), settings) for p in sorted(folder.glob("*.md"))]
    records = [incident_from(e.doc, e.model, "x.md") for e in incidents if e.doc is not None and e.model is not None]
    assert len(records) >= 5
    for record in records:
        _TERM_COUNTS.clear()
        _CLASSES.clear()
        (counts, _surface), classes = text_facts(record, settings.terms)
        assert counts == Counter(tokens(record.rca_text, None, settings.terms))
        assert classes == classify(record.rca_text, record.root_causes, settings.terms)


# Plain scalars of every implicit type YAML 1.1 resolves, near misses, and text.
_SCALARS = [
    "yes", "No", "ON", "off", "y", "true", "TRUE", "tRue", "~", "null", "Null", "", "0", "-12", "0x1A", "0o17",
    "017", "1_000", "0b101", "190:20:30", "1e3", "1.5e-3", ".inf", "-.INF", ".nan", ".NaN", "2024-01-02",
    "2024-1-2", "2024-01-02 10:00:00", "2024-01-02T10:00:00Z", "2024-02-30", "12:30", "=", "<<", "Done",
    "In Progress", "1.0.0", "+1", "-x", "0.", ".5", "1,000", "payments-team", "Checkout 502s", "\u00e9t\u00e9",
    "Yes!", "nullable", "~x", "<<x", "=x", "0xZZ",
]  # fmt: skip


def test_remembered_scalar_tags_are_the_resolvers() -> None:
    """`_Composer` answers tags without PyYAML's resolver where the answer is known (lists, mappings,
    quoted text, text whose first character starts no implicit resolver) and from memory otherwise:
    only sound while no path resolver is registered. Each scalar, plain, quoted and as a key, twice
    (the second from memory), gets the tag PyYAML's own loader gives it."""
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode

    assert not front_matter._Composer.yaml_path_resolvers

    def tags(node: yaml.Node | None) -> list[str]:
        if isinstance(node, ScalarNode):
            return [node.tag]
        if isinstance(node, SequenceNode):
            return [node.tag, *(t for item in node.value for t in tags(item))]
        assert isinstance(node, MappingNode)
        return [node.tag, *(t for k, v in node.value for t in (*tags(k), *tags(v)))]

    lines = [f"k{i}: {s}\nq{i}: '{s}'\nl{i}:\n  - {s}\n  - \"{s}\"" for i, s in enumerate(_SCALARS)]
    lines += [f"{s}: {i}" for i, s in enumerate(_SCALARS) if s[:1].isalnum()]
    text = "\n".join(lines * 2) + "\n"
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    expected = tags(yaml.compose(text, Loader=loader))
    assert tags(yaml.compose(text, Loader=front_matter._Composer)) == expected
    assert len(set(expected)) >= 7  # str, int, float, bool, null, timestamp, map, seq


def _reference_shape(text: str) -> object:
    """`action_wording._shape` before it recognised an imperative first: every search made."""
    from postmortem_kb.rules import action_wording as aw

    words = aw._WORD.findall(text)
    if not words:
        return aw.Judgement("not-action", "no words")
    first = words[0].lower()
    if aw._COPULA_STATEMENT.match(text):
        return aw.Judgement("not-action", "a statement, not a change")
    if aw._MODAL.search(text) or aw._PASSIVE_CHANGE.search(text) or aw._LISTS_WORK.search(text):
        return None
    if first in aw._DETERMINERS:
        return aw.Judgement("not-action", "a statement of fact")
    if first in ("we", "i", "to", "our"):
        return None
    index = 0
    while index < len(words) - 1 and aw._is_adverb(words[index]):
        index += 1
    head = words[index]
    if head.lower().endswith("ing") and aw._can_be_verb(head):
        return aw.Judgement("not-action", "a heading, not a task") if len(words) <= 2 else None
    if aw._can_be_verb(head) or not aw._known(head) or aw._PLAN.search(text) or aw._REPORTED_CHANGE.search(text):
        return None
    return aw.Judgement("not-action", "a noun phrase")


def _action_texts() -> list[str]:
    """The labelled real action items, and variants of each starting with words of every kind."""
    texts = []
    for part in ("dev", "test"):
        data = yaml.safe_load((TESTS / "evaluation" / f"action_items.{part}.yaml").read_text(encoding="utf-8"))
        texts += [item["text"] for item in data["items"]]
    starts = [
        "Add", "Manually add", "Quickly", "Adding", "Monitoring", "Our team will", "Our", "The", "We", "To",
        "Capacity", "Dedupe", "Re-enable", "Backfill/replay", "Nightly", "Should", "Ensure", "Timeouts were",
    ]  # fmt: skip
    body = ["the retry budget to the client", "should be soft", "have been moved to a queue", "including adding alerts"]
    texts += [f"{start} {rest}" for start in starts for rest in body]
    texts += [f"Retry limits: {text}" for text in texts[:40]] + ["Investigate", "Adding", "Quickly", "Is this?"]
    return texts


def test_action_wording_with_the_imperative_first_judges_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    from postmortem_kb.rules import action_wording

    texts = _action_texts()
    fast = [action_wording.judge(text) for text in texts]
    monkeypatch.setattr(action_wording, "_shape", _reference_shape)
    reference = [action_wording.judge(text) for text in texts]
    assert fast == reference
    assert sum(f is None for f in fast) > 100 and sum(f is not None for f in fast) > 50
    # and a label needs its colon: `judge` tries the label pattern only on items holding one
    assert not [text for text in texts if ":" not in text and action_wording._LABEL.match(text)]
