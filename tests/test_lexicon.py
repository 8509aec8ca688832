"""The lexicon reader gives what lemminflect itself gives (rules/lexicon.py is a faster path to it)."""

from __future__ import annotations

import random

import pytest
from lemminflect import getAllLemmas
from postmortem_kb.rules.lexicon import _data, parts_of_speech


def _sample() -> list[str]:
    text, overrides = _data()
    words = sorted({line.split(",", 1)[0] for line in text.splitlines() if line})
    picked = random.Random(14).sample(words, 3000)
    # overrides, mixed case, hyphens and words the lexicon does not know
    # and the first and last words of the file and words sorting before and after all of them
    ends = [words[0], words[-1], "!", "\u00e9t\u00e9", "zzzz"]
    odd = ["Deploy", "RE-DEPLOY", "auto-scale", "dedupe", "kubectl", "", "a,noun", "manually"]
    return [*picked, *overrides, *ends, *odd]


@pytest.mark.parametrize("chunk", range(4))
def test_parts_of_speech_match_lemminflect(chunk: int) -> None:
    words = _sample()[chunk::4]
    assert words
    mismatches = [w for w in words if parts_of_speech(w) != frozenset(getAllLemmas(w))]
    assert mismatches == []


def test_every_category_seen_in_the_lexicon_maps_to_a_known_tag() -> None:
    text, _ = _data()
    categories = {line.split(",")[1] for line in text.splitlines() if line}
    assert {c.upper() for c in categories} - {"MODAL"} <= {"ADJ", "ADV", "AUX", "NOUN", "VERB"}


def test_the_lexicon_lines_are_sorted_by_word() -> None:
    """`parts_of_speech` finds a word's lines by bisection: it needs them in word order."""
    text, _ = _data()
    words = [line.split(",", 1)[0] for line in text.splitlines() if line]
    assert len(words) > 50_000 and words == sorted(words)
