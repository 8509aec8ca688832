"""The rules on data they were not written against (tests/evaluation/): the held-back test parts.

The rules were developed on the dev parts only; each test part was measured once after each round
of that work (round 1, then round 2). The issue's goals are asserted where they hold. Where a goal
is not met the test is an expected failure (strict: it fails the suite once the goal is reached, so
this file is updated), and a second test keeps the figure measured last from getting worse.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from postmortem_kb.pages.handbook import BLAMELESS_ACCURACY
from postmortem_kb.relations import similar_texts

from .evaluation import measure_action_items, measure_blameless, measure_pairs
from .evaluation.scoring import Confusion, read_part

EVALUATION = Path(__file__).parent / "evaluation"

GOAL = 0.9  # precision and recall, per set, on the test part
FALSE_ALARMS_PER_60 = 1.0  # action items: at most one good item flagged per 60 real items


def _blameless(part: str) -> Confusion:
    return measure_blameless.score(measure_blameless.load(part))[0]


# --- blameless language: test part, round 1: precision 0.94, recall 0.896 (60 of 67);
# round 2: precision 0.94 (4 false alarms), recall 0.91 (61 of 67)


def test_blameless_precision_on_the_test_part() -> None:
    assert _blameless("test").precision >= GOAL


def test_blameless_recall_on_the_test_part_reaches_the_goal() -> None:
    assert _blameless("test").recall >= GOAL


def test_blameless_test_part_does_not_regress() -> None:
    score = _blameless("test")
    assert score.true_pos >= 61 and score.false_pos <= 4


def test_blameless_dev_part() -> None:
    score = _blameless("dev")
    assert score.precision >= GOAL and score.recall >= GOAL


# --- action items: test part, round 1: 3 false alarms on 80 real items (2.25 per 60); round 2: none


def _items(part: str) -> measure_action_items.Score:
    return measure_action_items.score([i for i in measure_action_items.load(part) if i.real])


def test_action_items_real_set_is_large_and_split_by_source() -> None:
    parts = {part: measure_action_items.load(part) for part in ("dev", "test")}
    real = [i for items in parts.values() for i in items if i.real]
    assert len(real) >= 150
    sources = {part: {i.source for i in items if i.real} for part, items in parts.items()}
    assert not sources["dev"] & sources["test"]
    cited = {s["id"] for s in yaml.safe_load((EVALUATION / "sources-items.yaml").read_text("utf-8"))["sources"]}
    assert sources["dev"] | sources["test"] <= cited


def test_action_item_false_alarms_on_the_test_part_reach_the_goal() -> None:
    assert _items("test").false_alarms_per_60 <= FALSE_ALARMS_PER_60


def test_action_items_on_the_test_part_do_not_regress() -> None:
    """Round 2: no good item flagged, and 17 of the 37 vague / not-action real items caught (recall 0.46)."""
    score = _items("test")
    assert score.false_alarms == 0 and score.caught >= 17


def test_action_item_false_alarms_on_the_dev_part() -> None:
    assert _items("dev").false_alarms_per_60 <= FALSE_ALARMS_PER_60


# --- incident pairs: test parts. Rounds 1-2 were measured on an earlier held-back part (recall 0.00, then 0.60),
# which has since joined the development part. Round 3 (pairs.test.yaml: 37 pairs from 74 incidents collected by
# someone who saw neither the classifier nor its scores), measured once: 12 of 18 same-class pairs linked, one
# false link among 19 (precision 0.92, recall 0.67). Round 4 (pairs.test4.yaml: 44 pairs from 88 incidents,
# failure classes chosen by a blind collector from the sources, no example list), measured once with the
# round-3 method: 4 of 22 linked, 2 false links of 22 (precision 0.67, recall 0.18).
PAIR_TEST_PARTS = {"test": "round 3: precision 0.92, recall 12/18", "test4": "round 4: precision 0.67, recall 4/22"}
PAIR_FLOORS = {"test": (12, 1), "test4": (4, 2)}  # at least this many links, at most this many false ones


@pytest.mark.parametrize(
    "part",
    [
        pytest.param(part, marks=pytest.mark.xfail(strict=True, reason=f"{figures} (goal 0.9)"))
        for part, figures in PAIR_TEST_PARTS.items()
    ],
)
def test_similar_incident_links_on_the_test_parts_reach_the_goal(part: str) -> None:
    score = measure_pairs.score(part)[0]
    assert score.recall >= GOAL and score.precision >= GOAL and score.true_pos > 0


@pytest.mark.parametrize("part", PAIR_FLOORS)
def test_similar_incident_links_on_the_test_parts_do_not_regress(part: str) -> None:
    score = measure_pairs.score(part)[0]
    least_linked, most_false = PAIR_FLOORS[part]
    assert score.true_pos >= least_linked and score.false_pos <= most_false


def test_pair_parts_are_cited_and_share_no_incident() -> None:
    """Every real incident of a pairs part is cited, and no incident (by source) is in two parts."""
    cited = {s["id"] for s in yaml.safe_load((EVALUATION / "sources-items.yaml").read_text("utf-8"))["sources"]}
    sources = {
        part: {side["source"] for pair in read_part("pairs", part)["pairs"] for side in (pair["a"], pair["b"])}
        for part in ("dev", "test", "test4")
    }
    for part, ids in sources.items():
        assert ids <= cited, (part, sorted(ids - cited)[:5])
    assert not sources["dev"] & sources["test"] and not sources["dev"] & sources["test4"]
    assert not sources["test"] & sources["test4"]


def test_similar_incident_links_on_the_development_parts() -> None:
    """Round 3 was tuned on these (pairs.dev.yaml and the hand-written pairs.handwritten.yaml): they keep it from
    getting worse. Dev: 13 of 13 same-class pairs linked, no false link. Hand-written batches 1-5 (each its own
    corpus): 82 of 85 linked, 3 of 47 hard negatives linked (each shares a whole clause with its partner).
    Batch 6 was written in round 4 and never tuned on: its first run, 5 of 21 linked and 5 of 13 hard negatives
    linked, is the floor, and the figure any change to the method has to beat."""
    dev = measure_pairs.score("dev")[0]
    assert (dev.true_pos, dev.false_pos, dev.false_neg) == (13, 0, 0)
    rows = measure_pairs.score("handwritten")[1]
    tuned = _linked([(p, s) for p, s in rows if p.group != "batch-6"])
    assert tuned[0] >= 82 and tuned[1] <= 3
    fresh = _linked([(p, s) for p, s in rows if p.group == "batch-6"])
    assert fresh[0] >= 5 and fresh[1] <= 5


def _linked(rows: list[tuple[measure_pairs.Pair, float | None]]) -> tuple[int, int]:
    """Same-class pairs linked, different pairs linked."""
    return (
        sum(1 for p, s in rows if s is not None and p.label == "same-class"),
        sum(1 for p, s in rows if s is not None and p.label != "same-class"),
    )


def test_regex_and_regular_expression_meet() -> None:
    """The pair the issue names: two regex backtracking outages, "regex" in one, "regular expression" in the
    other, now share that term (before normalisation they shared none)."""
    texts, pairs = measure_pairs.load("dev")
    regex = next(p for p in pairs if "backtracking" in p.note)
    shared = {frozenset((x, y)): terms for x, y, _s, terms in similar_texts(texts, 0.0)}[frozenset((regex.a, regex.b))]
    assert "regex" in shared


def test_the_blameless_guide_quotes_the_measured_test_figures() -> None:
    items = measure_blameless.load("test")
    real = [i for i in items if i.source != "handwritten"]
    hand = [i for i in items if i.source == "handwritten"]
    rows = [r for r in BLAMELESS_ACCURACY.split("<tr>") if r.startswith("<td>")]
    for row, subset in zip(rows, (real, hand, items), strict=True):
        score = measure_blameless.score(subset)[0]
        blame = score.true_pos + score.false_neg
        cells = re.findall(r"<td>(.*?)</td>", row)
        assert cells[1:] == [f"{len(subset)} ({blame} blameful)", f"{score.precision:.2f}", f"{score.recall:.2f}"]
