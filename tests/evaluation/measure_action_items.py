"""Measure the action-item wording rules on the labelled action items.

    .venv/bin/python -m tests.evaluation.measure_action_items          # dev and test
    .venv/bin/python -m tests.evaluation.measure_action_items dev -v   # one part, listing every error

An item counts as flagged when `rules.action_wording.judge` finds it vague or not an action (the
`action-item-vague` and `action-item-verb` findings). A false alarm is a `good` item flagged. Figures
are given for real items (from public postmortems) and for all items (with the hand-written ones).
Tune on action_items.dev.yaml only; the test part is held back.
"""

from __future__ import annotations

from dataclasses import dataclass

from postmortem_kb.rules.action_wording import judge

from .scoring import Confusion, command_line, read_part

PARTS = ("dev", "test")


@dataclass(frozen=True)
class Item:
    text: str
    label: str  # good | vague | not-action
    source: str

    @property
    def real(self) -> bool:
        return self.source != "handwritten"


@dataclass(frozen=True)
class Score:
    items: int
    good: int
    false_alarms: int  # good items flagged
    bad: int
    caught: int  # vague / not-action items flagged

    @property
    def confusion(self) -> Confusion:
        """Flagging a vague or not-action item is the positive judgement."""
        return Confusion(self.caught, self.false_alarms, self.bad - self.caught, self.good - self.false_alarms)

    @property
    def precision(self) -> float:
        return self.confusion.precision

    @property
    def recall(self) -> float:
        return self.confusion.recall

    @property
    def false_alarms_per_60(self) -> float:
        return 60 * self.false_alarms / self.items if self.items else 0.0


def load(part: str) -> list[Item]:
    data = read_part("action_items", part)
    return [Item(str(d["text"]), str(d["label"]), str(d["source"])) for d in data["items"]]


def flagged(item: Item) -> bool:
    return judge(item.text) is not None


def score(items: list[Item]) -> Score:
    good = [i for i in items if i.label == "good"]
    bad = [i for i in items if i.label != "good"]
    return Score(len(items), len(good), sum(map(flagged, good)), len(bad), sum(map(flagged, bad)))


def report(part: str, verbose: bool) -> tuple[Score, Score]:
    items = load(part)
    real = score([i for i in items if i.real])
    every = score(items)
    for name, s in (("real", real), ("all", every)):
        print(
            f"{part} {name}: {s.items} items ({s.good} good, {s.bad} vague/not-action): "
            f"{s.false_alarms} false alarms ({s.false_alarms_per_60:.2f} per 60), "
            f"precision {s.precision:.2f}, recall {s.recall:.2f}"
        )
    if verbose:
        for item in items:
            verdict = judge(item.text)
            if (verdict is not None) != (item.label != "good"):
                what = f"flagged {verdict.verdict} ({verdict.reason})" if verdict else "passed"
                print(f"  [{item.label}] {what}: {item.text[:140]}")
    return real, every


def main(argv: list[str] | None = None) -> None:
    command_line(__doc__, PARTS, report, "list every false alarm and miss", argv)


if __name__ == "__main__":
    main()
