"""Precision and recall of the current blameless-language rules on the evaluation set.

    .venv/bin/python -m tests.evaluation.measure_blameless            # dev and test
    .venv/bin/python -m tests.evaluation.measure_blameless dev -v     # one part, listing every error

A sentence counts as flagged when any blameless rule matches it, exactly as tests/test_blameless.py
runs its corpus through `find_blame`. Tune rules on blameless.dev.yaml only; the test part is held back.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from postmortem_kb.rules.blame_subjects import names_from
from postmortem_kb.rules.blameless import find_blame

from .scoring import Confusion, command_line, read_part

PARTS = ("dev", "test")


@dataclass(frozen=True)
class Item:
    text: str
    label: str  # "blame" | "ok"
    source: str
    kind: str
    # people the postmortem's front matter would name (`authors`, `roles`): persons wherever they appear
    names: frozenset[str] = frozenset()


def load(part: str) -> list[Item]:
    data = read_part("blameless", part)
    return [Item(str(d["text"]), str(d["label"]), str(d["source"]), str(d["kind"]), _names(d)) for d in data["items"]]


def _names(item: dict[str, Any]) -> frozenset[str]:
    values = [str(v) for v in item.get("authors") or []]
    for value in (item.get("roles") or {}).values() if isinstance(item.get("roles"), dict) else item.get("roles") or []:
        values.extend(str(v) for v in (value if isinstance(value, list) else [value]))
    return names_from(tuple(values))


def flagged(item: Item) -> bool:
    return any(find_blame(item.text, item.names))


def score(items: list[Item]) -> tuple[Confusion, list[Item], list[Item]]:
    """The score, the blame sentences missed and the ok sentences flagged."""
    missed = [i for i in items if i.label == "blame" and not flagged(i)]
    false_alarms = [i for i in items if i.label == "ok" and flagged(i)]
    blame = sum(i.label == "blame" for i in items)
    ok = len(items) - blame
    result = Confusion(blame - len(missed), len(false_alarms), len(missed), ok - len(false_alarms))
    return result, missed, false_alarms


def report(part: str, verbose: bool) -> Confusion:
    items = load(part)
    result, missed, false_alarms = score(items)
    labels = Counter(i.label for i in items)
    print(
        f"{part}: {len(items)} sentences ({labels['blame']} blame, {labels['ok']} ok): "
        f"precision {result.precision:.2f}, recall {result.recall:.2f} "
        f"(tp {result.true_pos}, fp {result.false_pos}, fn {result.false_neg})"
    )
    if verbose:
        errors = Counter(i.kind for i in missed + false_alarms)
        print("  errors by kind: " + ", ".join(f"{k} {n}" for k, n in errors.most_common()))
        for item in missed:
            print(f"  missed      [{item.kind}] {item.text}")
        for item in false_alarms:
            print(f"  false alarm [{item.kind}] {item.text}")
    return result


def main(argv: list[str] | None = None) -> None:
    command_line(__doc__, PARTS, report, "list every missed sentence and false alarm", argv)


if __name__ == "__main__":
    main()
