"""The blameless-language rules against a labelled corpus: precision and recall must both reach 0.9."""

from __future__ import annotations

from pathlib import Path

import yaml
from postmortem_kb.pages.handbook import blameless_markdown
from postmortem_kb.rules.blameless import BLAMELESS_RULES, find_blame

CORPUS = Path(__file__).parent / "blameless" / "corpus.yaml"


def _corpus() -> tuple[list[str], list[str]]:
    data = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    return data["blameful"], data["blameless"]


def test_corpus_is_large_and_balanced() -> None:
    blameful, blameless = _corpus()
    assert len(blameful) + len(blameless) >= 150
    assert min(len(blameful), len(blameless)) >= 60


def test_precision_and_recall_on_the_labelled_corpus() -> None:
    blameful, blameless = _corpus()
    true_pos = [s for s in blameful if any(find_blame(s))]
    false_neg = [s for s in blameful if not any(find_blame(s))]
    false_pos = [s for s in blameless if any(find_blame(s))]
    precision = len(true_pos) / (len(true_pos) + len(false_pos))
    recall = len(true_pos) / len(blameful)
    report = f"precision {precision:.3f}, recall {recall:.3f}\nmissed: {false_neg}\nfalse alarms: {false_pos}"
    print(report)
    assert recall >= 0.9, report
    assert precision >= 0.9, report


def test_every_rule_has_an_example_it_catches_and_the_guide_lists_it() -> None:
    guide = blameless_markdown()
    for rule in BLAMELESS_RULES:
        assert any(r.id == rule.id for r, _m in find_blame(rule.example)), rule.id
        assert rule.id in guide
