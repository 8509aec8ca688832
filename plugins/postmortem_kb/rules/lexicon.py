"""The parts of speech lemminflect's English lexicon knows for a word, read straight from its data file.

`lemminflect.getAllLemmas` builds a dict of all 80,000 lexicon lines and imports numpy first:
~0.9 s, paid by every `pmkb check FILE` whose file has an action item, against ~0.3x of a bare
read of 10,000 postmortems for the whole check (issue 14). Only the parts of speech of a few first
words are needed, so the decompressed file (1.8 MB) is searched for the word's lines instead:
~10 ms to load, and a word's lines are found by bisection (they are sorted), microseconds a word.
The answer is what `frozenset(lemminflect.getAllLemmas(word))` gives (tests/test_lexicon.py
compares the two).
"""

from __future__ import annotations

import gzip
import importlib.util
from bisect import bisect_left
from functools import cache
from pathlib import Path


def parts_of_speech(word: str) -> frozenset[str]:
    """The universal POS tags (VERB, NOUN, ADJ, ADV, AUX) the lexicon lists for `word`, any case."""
    low = word.lower()
    if not low or "," in low or "\n" in low:
        return frozenset()  # no lexicon line holds a comma or a line break in its word
    text, overrides = _data()
    found = set(overrides.get(low, ()))
    prefix = f"{low},"
    at = _first_line_from(text, low)
    while text.startswith(prefix, at):
        start = at + len(prefix)
        end = text.index(",", start)
        found.add(_upos(text[start:end]))
        at = text.index("\n", end) + 1
    return frozenset(found)


def _first_line_from(text: str, word: str) -> int:
    """Where the first line whose word sorts at or after `word` starts (len(text) when none does).

    The lines are sorted by word (a test checks), so this is a bisection over character positions:
    a position stands for the line that starts after the next line break. A word was once found with
    `str.find` over the whole 1.8 MB: about 1 ms a word, paid for each distinct first word of an
    action item in each worker process (85 of the 197 labelled real items)."""

    def reached(position: int) -> bool:
        start = text.find("\n", position) + 1
        return start == len(text) or text[start : text.index(",", start)] >= word

    position = bisect_left(range(len(text)), True, key=reached)
    return text.find("\n", position) + 1 if position < len(text) else len(text)


def _upos(category: str) -> str:
    # lemminflect.core.LexicalUtils.categoryToUPos
    upos = category.upper()
    return "AUX" if upos == "MODAL" else upos


@cache
def _data() -> tuple[str, dict[str, set[str]]]:
    resources = _package_dir() / "resources"
    text = "\n" + gzip.decompress((resources / "lemma_lu.csv.gz").read_bytes()).decode()
    text += "" if text.endswith("\n") else "\n"  # every line ends with a break: `_first_line_from` reads to it
    overrides: dict[str, set[str]] = {}
    # lemminflect.codecs.OverridesCodec: "word,UPOS,lemma" lines, "#" comments
    for line in (resources / "lemma_overrides.csv").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, upos, _ = line.split(",")
            overrides.setdefault(word, set()).add(upos)
    return text, overrides


def _package_dir() -> Path:
    # find_spec locates the installed package without importing it (its __init__ imports numpy)
    spec = importlib.util.find_spec("lemminflect")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("lemminflect is not installed")
    return Path(next(iter(spec.submodule_search_locations)))
